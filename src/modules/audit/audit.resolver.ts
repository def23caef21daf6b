import { GraphQLJSON } from "graphql-scalars";
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, ObjectType, Query, Resolver, Root } from "type-graphql";
import { AuditEntry } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType, paginate } from "../../core/pagination";
import { User } from "../accounts/user.entity";

@ObjectType("AuditEntry", { description: "One recorded state change: who did what to which record, before and after." })
export class AuditEntryType {
  @Field(() => ID) id: string;
  @Field(() => ID, { nullable: true, description: "null when the system acted (sweeps, seeds)." }) actorId: string | null;
  @Field() action: string;
  @Field() entityType: string;
  @Field(() => ID) entityId: string;
  @Field() at: Date;
}

const AuditEntryConnection = ConnectionType(AuditEntryType, "AuditEntry");

const parse = (text: string | null) => (text === null ? null : JSON.parse(text));

@Resolver(() => AuditEntryType)
export class AuditResolver {
  @Authorized("ADMIN")
  @Query(() => AuditEntryConnection, { description: "The audit trail of one record, oldest first (ADMIN)." })
  auditTrail(
    @Ctx() ctx: RequestContext,
    @Arg("entityType") entityType: string,
    @Arg("entityId", () => ID) entityId: string,
    @Args() args: ConnectionArgs,
  ) {
    const query = ctx.repo(AuditEntry).createQueryBuilder("entry").where("entry.entityType = :entityType AND entry.entityId = :entityId", { entityType, entityId });
    return paginate(query, args, { name: "at", direction: "ASC", keys: [{ column: "entry.at", value: (e) => e.at, kind: "date" }], idColumn: "entry.id" });
  }

  @FieldResolver(() => User, { nullable: true })
  actor(@Root() entry: AuditEntry, @Ctx() ctx: RequestContext) {
    return entry.actorId ? ctx.repo(User).findOneBy({ id: entry.actorId }) : null;
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true, description: "The record before the change; null on creation." })
  before(@Root() entry: AuditEntry) {
    return parse(entry.before);
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true, description: "The record after the change; null on deletion." })
  after(@Root() entry: AuditEntry) {
    return parse(entry.after);
  }
}

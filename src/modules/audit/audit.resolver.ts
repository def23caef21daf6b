import { GraphQLJSON } from "graphql-scalars";
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, ObjectType, Query, Resolver, Root } from "type-graphql";
import { AuditEntry } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { loadUser } from "../accounts/user-loader";
import { auditService } from "./audit.service";
import { IdArg } from "../../core/validation";

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

@Resolver(() => AuditEntryType)
export class AuditResolver {
  @Authorized("ADMIN")
  @Query(() => AuditEntryConnection, { description: "The audit trail of one record, oldest first (ADMIN)." })
  auditTrail(
    @Ctx() ctx: RequestContext,
    @Arg("entityType", { description: "The record's type as the audit names it, e.g. Project, BoardTask, CommitmentLetter." }) entityType: string,
    @IdArg("entityId", { description: "The id of the record whose trail to read." }) entityId: string,
    @Args() args: ConnectionArgs,
  ) {
    return auditService.trail(ctx, entityType, entityId, args);
  }

  @FieldResolver(() => User, { nullable: true })
  actor(@Root() entry: AuditEntry, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, entry.actorId);
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true, description: "The record before the change; null on creation." })
  before(@Root() entry: AuditEntry) {
    return auditService.snapshot(entry.before);
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true, description: "The record after the change; null on deletion." })
  after(@Root() entry: AuditEntry) {
    return auditService.snapshot(entry.after);
  }
}

import { Arg, Args, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { Enterprise } from "../enterprises/enterprise.entity";
import { seesEnterprise } from "../enterprises/enterprise-access";
import { LiftCreditRecordInput } from "./credit.inputs";
import { CreditRecord, MeasureEnum, type Measure } from "./credit-record.entity";
import { creditService } from "./credit.service";

@ObjectType({ description: "An enterprise's standing: its measure and the active points behind it." })
export class CreditStatus {
  @Field(() => MeasureEnum) measure: Measure;
  @Field(() => Int, { description: "Sum of the points of records neither lifted nor lapsed." }) activePoints: number;
  @Field(() => Int) activeRecords: number;
  @Field({ description: "FACILITATION_RESTRICTED or worse: no fast track, no deferral." }) facilitationRestricted: boolean;
}

const CreditRecordConnection = ConnectionType(CreditRecord);

/** An ENTERPRISE user reads only its own enterprise's credit. */
function assertOwnEnterprise(ctx: RequestContext, enterpriseId: string) {
  if (!seesEnterprise(ctx, enterpriseId)) throw notFound("Enterprise", enterpriseId);
}

@Resolver(() => Enterprise)
export class CreditResolver {
  @FieldResolver(() => CreditStatus, { description: "信用状态: the measure now in force." })
  creditStatus(@Root() enterprise: Enterprise, @Ctx() ctx: RequestContext) {
    assertOwnEnterprise(ctx, enterprise.id);
    return creditService.status(ctx, enterprise.id);
  }

  @FieldResolver(() => CreditRecordConnection, { description: "信用记录, newest first; lifted and lapsed ones stay readable unless activeOnly." })
  creditRecords(@Root() enterprise: Enterprise, @Ctx() ctx: RequestContext, @Args() args: ConnectionArgs, @Arg("activeOnly", { defaultValue: false, description: "true lists only records neither lifted nor lapsed (those that count toward the measure)." }) activeOnly: boolean) {
    assertOwnEnterprise(ctx, enterprise.id);
    return creditService.records(ctx, enterprise.id, args, activeOnly);
  }

  @Remit("liftCreditRecord")
  @Mutation(() => CreditRecord, { description: described("liftCreditRecord", "信用修复: lift an active record with a reason; the measure is recomputed.") })
  liftCreditRecord(@Ctx() ctx: RequestContext, @Arg("input") input: LiftCreditRecordInput) {
    return creditService.lift(ctx, input.recordId, input.reason);
  }
}

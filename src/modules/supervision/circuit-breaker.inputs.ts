import { IdempotencyKeyField } from "../../core/idempotency";
import { IsIn, IsOptional } from "class-validator";
import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { DELAY_CAUSES, DELAY_PARTIES, DelayCauseKindEnum, DelayPartyEnum, type DelayCauseKind, type DelayParty } from "./circuit-breaker.entity";
import { enumOf } from "../../core/enums";
import { RequiredText, IsId } from "../../core/validation";
import { labelEnum } from "../../core/labels";

@InputType({ description: "熔断: record what delays a project's construction permit, and whose cause it is." })
export class RecordDelayCauseInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." }) @IsId() projectId: string;
  @Field(() => DelayPartyEnum, { description: "Whose cause it is: ENTERPRISE or GOVERNMENT." }) @IsIn(DELAY_PARTIES) attributedTo: DelayParty;
  @Field(() => DelayCauseKindEnum, { description: "What the cause is." }) @IsIn(DELAY_CAUSES) cause: DelayCauseKind;
  @Field({ nullable: true, description: "The facts." }) @IsOptional() @RequiredText(500) note?: string;
}

@InputType({ description: "Confirm a suspended project's rectification (整改), lifting the stop-work order." })
export class ConfirmRectificationInput {
  @Field(() => ID, { description: "The project." }) @IsId() projectId: string;
  @Field({ description: "What was rectified." }) @RequiredText(500) note: string;
}

export const BREAKER_OUTCOMES = ["EXIT", "REAPPLY"] as const;
export type BreakerOutcome = (typeof BREAKER_OUTCOMES)[number];
export const BreakerOutcomeEnum = enumOf(BREAKER_OUTCOMES);
registerEnumType(BreakerOutcomeEnum, {
  name: "RectificationOutcome",
  description: "整改期满仍未达标: the reform office's decision on a project not rectified in time (启动退出或重报程序).",
  valuesConfig: labelEnum<BreakerOutcome>("RectificationOutcome", {
    EXIT: { zh: "退出", en: "Exit", description: "The project leaves the fast track." },
    REAPPLY: { zh: "重报", en: "Reapply", description: "The project goes back to NOT_APPLIED, to apply again." },
  }),
});

@InputType({ description: "整改期满仍未达标: the reform office decides EXIT or REAPPLY, with the reason." })
export class DecideAfterRectificationInput {
  @Field(() => ID, { description: "The project." }) @IsId() projectId: string;
  @Field(() => BreakerOutcomeEnum, { description: "EXIT or REAPPLY." }) @IsIn(BREAKER_OUTCOMES) outcome: BreakerOutcome;
  @Field({ description: "Why." }) @RequiredText(500) reason: string;
}

import { IsIn, IsOptional, IsUUID } from "class-validator";
import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { DELAY_CAUSES, DELAY_PARTIES, DelayCauseKindEnum, DelayPartyEnum, type DelayCauseKind, type DelayParty } from "./circuit-breaker.entity";
import { enumOf } from "../../core/enums";
import { RequiredText } from "../../core/validation";

@InputType()
export class RecordDelayCauseInput {
  @Field(() => ID) @IsUUID() projectId: string;
  @Field(() => DelayPartyEnum) @IsIn(DELAY_PARTIES) attributedTo: DelayParty;
  @Field(() => DelayCauseKindEnum) @IsIn(DELAY_CAUSES) cause: DelayCauseKind;
  @Field({ nullable: true }) @IsOptional() @RequiredText(500) note?: string;
}

@InputType()
export class ConfirmRectificationInput {
  @Field(() => ID) @IsUUID() projectId: string;
  @Field() @RequiredText(500) note: string;
}

export const BREAKER_OUTCOMES = ["EXIT", "REAPPLY"] as const;
export type BreakerOutcome = (typeof BREAKER_OUTCOMES)[number];
export const BreakerOutcomeEnum = enumOf(BREAKER_OUTCOMES);
registerEnumType(BreakerOutcomeEnum, { name: "RectificationOutcome", description: "退出 EXIT the fast track, or REAPPLY (重新申请)." });

@InputType()
export class DecideAfterRectificationInput {
  @Field(() => ID) @IsUUID() projectId: string;
  @Field(() => BreakerOutcomeEnum) @IsIn(BREAKER_OUTCOMES) outcome: BreakerOutcome;
  @Field() @RequiredText(500) reason: string;
}

import { Field, ID, InputType } from "type-graphql";
import { RequiredText, IsId } from "../../core/validation";

@InputType({ description: "信用修复: lift a credit record before it lapses, with the reason." })
export class LiftCreditRecordInput {
  @Field(() => ID, { description: "The credit record." }) @IsId() recordId: string;
  @Field({ description: "Why it is lifted (信用修复)." }) @RequiredText(500) reason: string;
}

import { IsUUID } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { RequiredText } from "../../core/validation";

@InputType()
export class LiftCreditRecordInput {
  @Field(() => ID) @IsUUID() recordId: string;
  @Field() @RequiredText(500) reason: string;
}

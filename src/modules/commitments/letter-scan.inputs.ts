import { ArrayMaxSize, ArrayMinSize } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { IsId } from "../../core/validation";

@InputType({ description: "The scan of a signed letter's paper original (签字盖章的纸质原件扫描件), attached to that version." })
export class AttachLetterScanInput {
  @Field(() => ID, { description: "The SIGNED letter version the paper original is of." })
  @IsId()
  letterId: string;

  @Field(() => [ID], { description: "The scan: 1-20 uploads of the caller (POST /files), PDF, OFD or images (BAD_USER_INPUT for any other type, or for one unknown, another user's or already attached)." })
  @IsId({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  attachmentIds: string[];
}

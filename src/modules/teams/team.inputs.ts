import { IsUUID } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { RequiredText } from "../../core/validation";

@InputType()
export class AssignProjectManagerInput {
  @Field(() => ID)
  @IsUUID()
  projectId: string;

  @Field(() => ID, { description: "An active CADRE user." })
  @IsUUID()
  cadreId: string;
}

@InputType()
export class AddTeamMemberInput {
  @Field(() => ID)
  @IsUUID()
  projectId: string;

  @Field(() => ID, { description: "An active CADRE user." })
  @IsUUID()
  userId: string;

  @Field(() => ID, { description: "The department the member serves for." })
  @IsUUID()
  departmentId: string;

  @Field({ description: "Role on the team, 1-50 characters, e.g. 联络员." })
  @RequiredText(50)
  role: string;
}

@InputType()
export class RemoveTeamMemberInput {
  @Field(() => ID)
  @IsUUID()
  projectId: string;

  @Field(() => ID)
  @IsUUID()
  userId: string;
}

import { IsUUID, Matches } from "class-validator";
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

@InputType()
export class CreateDepartmentInput {
  @Field({ description: "Upper-case code, e.g. TAXATION." })
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: "code must be 2-32 upper-case letters, digits or underscores" })
  code: string;

  @Field()
  @RequiredText(100)
  name: string;
}

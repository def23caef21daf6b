import { IdempotencyKeyField } from "../../core/idempotency";
import { Field, ID, InputType } from "type-graphql";
import { RequiredText, IsId } from "../../core/validation";

@InputType({ description: "项目经理人: make a cadre the manager of a project's service team (一项目一专班)." })
export class AssignProjectManagerInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field(() => ID, { description: "An active CADRE user." })
  @IsId()
  cadreId: string;
}

@InputType({ description: "A cadre joins a project's service team for a department." })
export class AddTeamMemberInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field(() => ID, { description: "An active CADRE user." })
  @IsId()
  userId: string;

  @Field(() => ID, { description: "The department the member serves for." })
  @IsId()
  departmentId: string;

  @Field({ description: "Role on the team, 1-50 characters, e.g. 联络员." })
  @RequiredText(50)
  role: string;
}

@InputType({ description: "A cadre leaves a project's service team." })
export class RemoveTeamMemberInput {
  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field(() => ID, { description: "The cadre leaving the team." })
  @IsId()
  userId: string;
}

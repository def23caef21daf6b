import { IsBoolean, IsIn, IsOptional, Length } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { APPLICATION_CLASSES, APPLICATION_STATUSES, ApplicationClassEnum, ApplicationStatusEnum, type ApplicationClass, type ApplicationStatus } from "./application.entity";
import { RequiredText } from "../../core/validation";

@InputType()
export class SubmitApplicationInput {
  @Field(() => ID)
  @Length(1, 36)
  projectId: string;

  @Field(() => ApplicationClassEnum)
  @IsIn(APPLICATION_CLASSES)
  applicationClass: ApplicationClass;

  @Field()
  @RequiredText(200)
  title: string;
}

@InputType()
export class ApplicationStepInput {
  @Field(() => ID)
  @Length(1, 36)
  applicationId: string;
}

@InputType()
export class DecideApplicationInput {
  @Field(() => ID)
  @Length(1, 36)
  applicationId: string;

  @Field()
  @IsBoolean()
  approved: boolean;

  @Field(() => String, { nullable: true, description: "The back office's opinion; required when not approved." })
  @IsOptional()
  @RequiredText(500)
  note?: string;
}

@InputType()
export class ApplicationFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @Length(1, 36)
  projectId?: string;

  @Field(() => ApplicationStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;
}

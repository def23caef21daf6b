import { IdempotencyKeyField } from "../../core/idempotency";
import { StatusInField } from "../../core/status-filter";
import { ArrayMaxSize, IsBoolean, IsIn, IsOptional } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { APPLICATION_CLASSES, APPLICATION_STATUSES, ApplicationClassEnum, ApplicationStatusEnum, type ApplicationClass, type ApplicationStatus } from "./application.entity";
import { RequiredText, IsId } from "../../core/validation";

@InputType({ description: "前台综合受理: an application taken in at the front desk (一门式一网式)." })
export class SubmitApplicationInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field(() => ApplicationClassEnum, { description: "The class, which decides the back office." })
  @IsIn(APPLICATION_CLASSES)
  applicationClass: ApplicationClass;

  @Field({ description: "What is applied for, in a line." })
  @RequiredText(200)
  title: string;
}

@InputType({ description: "One step of an application's way: routing to the back office or issuing the result at the window." })
export class ApplicationStepInput {
  @Field(() => ID, { description: "The application." })
  @IsId()
  applicationId: string;
}

@InputType({ description: "后台分类审批: the back office's decision on a routed application." })
export class DecideApplicationInput {
  @Field(() => ID, { description: "The application." })
  @IsId()
  applicationId: string;

  @Field({ description: "true: approved; false: not approved." })
  @IsBoolean()
  approved: boolean;

  @Field(() => String, { nullable: true, description: "The back office's opinion; required when not approved." })
  @IsOptional()
  @RequiredText(500)
  note?: string;

  @Field(() => [ID], { nullable: true, description: "The document the decision issues (the permit, certificate or filing notice), attached to the approval item the application is about: 1-20 uploads of the caller (POST /files). Required to approve (BAD_USER_INPUT without); optional otherwise." })
  @IsOptional()
  @IsId({ each: true })
  @ArrayMaxSize(20)
  attachmentIds?: string[] | null;
}

@InputType({ description: "Narrows the applications; all given conditions must hold." })
export class ApplicationFilter {
  @Field(() => ID, { nullable: true, description: "Only this project's applications." })
  @IsOptional()
  @IsId()
  projectId?: string;

  @Field(() => ApplicationStatusEnum, { nullable: true, description: "Only applications in this status." })
  @IsOptional()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;

  @StatusInField(ApplicationStatusEnum, APPLICATION_STATUSES)
  statusIn?: ApplicationStatus[];
}

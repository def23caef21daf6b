import { StatusInField } from "../../core/status-filter";
import { IdempotencyKeyField } from "../../core/idempotency";
import { Equals, IsIn, IsOptional, Matches, MaxLength } from "class-validator";
import { GraphQLLocalDate } from "graphql-scalars";
import { Field, ID, InputType } from "type-graphql";
import { DecimalScalar } from "../../core/decimal";
import { FAST_TRACK_STATUSES, FastTrackStatusEnum, PROJECT_STAGES, ProjectStageEnum, type FastTrackStatus, type ProjectStage } from "./project.entity";
import { RequiredText, IsId } from "../../core/validation";

/** 投资项目统一代码: year, 6-digit division, 2-digit sector, 2-digit type, 6 digits. */
export const PROJECT_CODE_PATTERN = /^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$/;
const CODE_MESSAGE = "code must be a unified investment project code YYYY-RRRRRR-BB-CC-NNNNNN";
const INDUSTRY_PATTERN = /^[A-T]\d{2,4}$/;
const INDUSTRY_MESSAGE = "industry must be a GB/T 4754 industry code such as C3971 (section letter, then 2-4 digits)";
const NON_NEGATIVE = /^\d/;

const START_GATE = "the start needs the construction permit approved or a signed commitment (承诺即开工)";
const COMPLETION_GATE = "completion needs every deferred material supplied (容而不缺)";
const TRIAL_GATE = "it checks the parts it uses were accepted (预验同步试产)";

/**
 * A milestone behind a gate of the path, kept in the inputs, deprecated, for forms that send every
 * field: null (clearing a wrongly recorded date) is accepted, a date is refused, pointing at
 * recordProjectMilestone. Declared on each input class itself: type-graphql drops the
 * deprecation of an input field inherited from a parent class.
 */
function GatedMilestone(field: string, milestone: string, gate: string): PropertyDecorator {
  const decorators = [
    Field(() => GraphQLLocalDate, {
      nullable: true,
      deprecationReason: `Record ${milestone} with recordProjectMilestone, where ${gate}; here only null (clearing a wrongly recorded date) is accepted.`,
      description: `The ${milestone} date: recorded with recordProjectMilestone; here only null.`,
    }),
    IsOptional(),
    Equals(null, { message: `${field} is recorded with recordProjectMilestone (${milestone}), where ${gate}; here it may only be null` }),
  ];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

/**
 * The milestones a project is created or edited with. Those behind a gate of the path are not:
 * recordProjectMilestone records construction start (承诺即开工), completion (容而不缺) and trial
 * production (预验同步试产) after their checks, so no other path can skip them (GatedMilestone).
 */
@InputType()
class ProjectMilestoneFields {
  @Field(() => GraphQLLocalDate, { nullable: true, description: "签约: the day the investment agreement was signed." }) @IsOptional() signedOn?: string | null;
  @Field(() => GraphQLLocalDate, { nullable: true, description: "拿地: the day the land contract was signed (交地)." }) @IsOptional() landContractOn?: string | null;
  @Field(() => GraphQLLocalDate, { nullable: true, description: "发证: the day the property certificate was issued." }) @IsOptional() certificateOn?: string | null;
  @Field(() => GraphQLLocalDate, { nullable: true, description: "预验: the day the parts trial production needs passed pre-acceptance." }) @IsOptional() preAcceptanceOn?: string | null;
}

const STAGE_IGNORED = "Ignored: the stage is derived from the milestones (recordProjectMilestone), never typed.";

@InputType({ description: "A new project, with the milestones it already has (construction start, completion and trial production are recorded with recordProjectMilestone); its stage follows them." })
export class CreateProjectInput extends ProjectMilestoneFields {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @GatedMilestone("constructionStartOn", "CONSTRUCTION_START", START_GATE) constructionStartOn?: null;
  @GatedMilestone("completionOn", "COMPLETION", COMPLETION_GATE) completionOn?: null;
  @GatedMilestone("trialProductionOn", "TRIAL_PRODUCTION", TRIAL_GATE) trialProductionOn?: null;

  @Field({ description: "投资项目统一代码 YYYY-RRRRRR-BB-CC-NNNNNN; unique." })
  @Matches(PROJECT_CODE_PATTERN, { message: CODE_MESSAGE })
  code: string;

  @Field({ description: "The project's name, e.g. 聚芯源二期." })
  @RequiredText(200)
  name: string;

  @Field(() => ID, { description: "The enterprise that invests." })
  @IsId()
  enterpriseId: string;

  @Field({ description: "国民经济行业分类 (GB/T 4754) code, e.g. C3971." })
  @Matches(INDUSTRY_PATTERN, { message: INDUSTRY_MESSAGE })
  industry: string;

  @Field(() => DecimalScalar, { description: "总投资 in yuan, not negative." })
  @Matches(NON_NEGATIVE, { message: "totalInvestment must not be negative" })
  totalInvestment: string;

  @Field(() => String, { nullable: true, description: "The land parcel's number." })
  @IsOptional()
  @MaxLength(100)
  landParcel?: string | null;

  @Field(() => ProjectStageEnum, { nullable: true, deprecationReason: STAGE_IGNORED, description: "Ignored: the stage is derived from the milestones." })
  @IsOptional()
  @IsIn(PROJECT_STAGES)
  stage?: ProjectStage;
}

@InputType({ description: "Changes to a project; omitted fields stay. Construction start, completion and trial production are recorded with recordProjectMilestone; the stage follows the milestones." })
export class UpdateProjectInput extends ProjectMilestoneFields {
  @GatedMilestone("constructionStartOn", "CONSTRUCTION_START", START_GATE) constructionStartOn?: null;
  @GatedMilestone("completionOn", "COMPLETION", COMPLETION_GATE) completionOn?: null;
  @GatedMilestone("trialProductionOn", "TRIAL_PRODUCTION", TRIAL_GATE) trialProductionOn?: null;

  @Field(() => ID, { description: "The project to change." })
  @IsId()
  id: string;

  @Field({ nullable: true, description: "New 投资项目统一代码; unique." })
  @IsOptional()
  @Matches(PROJECT_CODE_PATTERN, { message: CODE_MESSAGE })
  code?: string;

  @Field({ nullable: true, description: "New name." })
  @IsOptional()
  @RequiredText(200)
  name?: string;

  @Field({ nullable: true, description: "New GB/T 4754 industry code." })
  @IsOptional()
  @Matches(INDUSTRY_PATTERN, { message: INDUSTRY_MESSAGE })
  industry?: string;

  @Field(() => DecimalScalar, { nullable: true, description: "New 总投资 in yuan, not negative." })
  @IsOptional()
  @Matches(NON_NEGATIVE, { message: "totalInvestment must not be negative" })
  totalInvestment?: string;

  @Field(() => String, { nullable: true, description: "New land parcel number." })
  @IsOptional()
  @MaxLength(100)
  landParcel?: string | null;

  @Field(() => ProjectStageEnum, { nullable: true, deprecationReason: STAGE_IGNORED, description: "Ignored: the stage is derived from the milestones." })
  @IsOptional()
  @IsIn(PROJECT_STAGES)
  stage?: ProjectStage;
}

@InputType({ description: "Narrows the projects; all given conditions must hold." })
export class ProjectFilter {
  @Field(() => ProjectStageEnum, { nullable: true, description: "Only projects at this stage." })
  @IsOptional()
  @IsIn(PROJECT_STAGES)
  stage?: ProjectStage;

  @Field(() => ID, { nullable: true, description: "Only this enterprise's projects." })
  @IsOptional()
  @IsId()
  enterpriseId?: string;

  @Field(() => FastTrackStatusEnum, { nullable: true, description: "Only projects with this fast-track status." })
  @IsOptional()
  @IsIn(FAST_TRACK_STATUSES)
  fastTrackStatus?: FastTrackStatus;

  @StatusInField(FastTrackStatusEnum, FAST_TRACK_STATUSES, "Projects in any of these fast-track states (one to all, each once); with fastTrackStatus also given, both must hold (their intersection).")
  fastTrackStatusIn?: FastTrackStatus[];

  @Field({ nullable: true, description: "Part of the name or the code; empty matches every project." })
  @IsOptional()
  @MaxLength(100)
  search?: string;
}

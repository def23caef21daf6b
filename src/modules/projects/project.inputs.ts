import { Equals, IsIn, IsOptional, Length, Matches, MaxLength } from "class-validator";
import { GraphQLLocalDate } from "graphql-scalars";
import { Field, ID, InputType } from "type-graphql";
import { DecimalScalar } from "../../core/decimal";
import { FAST_TRACK_STATUSES, FastTrackStatusEnum, PROJECT_STAGES, ProjectStageEnum, type FastTrackStatus, type ProjectStage } from "./project.entity";
import { RequiredText } from "../../core/validation";

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
    Field(() => GraphQLLocalDate, { nullable: true, deprecationReason: `Record ${milestone} with recordProjectMilestone, where ${gate}; here only null (clearing a wrongly recorded date) is accepted.` }),
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
  @Field(() => GraphQLLocalDate, { nullable: true }) @IsOptional() signedOn?: string | null;
  @Field(() => GraphQLLocalDate, { nullable: true }) @IsOptional() landContractOn?: string | null;
  @Field(() => GraphQLLocalDate, { nullable: true }) @IsOptional() certificateOn?: string | null;
  @Field(() => GraphQLLocalDate, { nullable: true }) @IsOptional() preAcceptanceOn?: string | null;
}

const STAGE_IGNORED = "Ignored: the stage is derived from the milestones (recordProjectMilestone), never typed.";

@InputType({ description: "A new project, with the milestones it already has (construction start, completion and trial production are recorded with recordProjectMilestone); its stage follows them." })
export class CreateProjectInput extends ProjectMilestoneFields {
  @GatedMilestone("constructionStartOn", "CONSTRUCTION_START", START_GATE) constructionStartOn?: null;
  @GatedMilestone("completionOn", "COMPLETION", COMPLETION_GATE) completionOn?: null;
  @GatedMilestone("trialProductionOn", "TRIAL_PRODUCTION", TRIAL_GATE) trialProductionOn?: null;

  @Field({ description: "投资项目统一代码 YYYY-RRRRRR-BB-CC-NNNNNN; unique." })
  @Matches(PROJECT_CODE_PATTERN, { message: CODE_MESSAGE })
  code: string;

  @Field()
  @RequiredText(200)
  name: string;

  @Field(() => ID)
  @Length(1, 36)
  enterpriseId: string;

  @Field()
  @Matches(INDUSTRY_PATTERN, { message: INDUSTRY_MESSAGE })
  industry: string;

  @Field(() => DecimalScalar, { description: "总投资 in yuan, not negative." })
  @Matches(NON_NEGATIVE, { message: "totalInvestment must not be negative" })
  totalInvestment: string;

  @Field(() => String, { nullable: true })
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

  @Field(() => ID)
  @Length(1, 36)
  id: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(PROJECT_CODE_PATTERN, { message: CODE_MESSAGE })
  code?: string;

  @Field({ nullable: true })
  @IsOptional()
  @RequiredText(200)
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(INDUSTRY_PATTERN, { message: INDUSTRY_MESSAGE })
  industry?: string;

  @Field(() => DecimalScalar, { nullable: true })
  @IsOptional()
  @Matches(NON_NEGATIVE, { message: "totalInvestment must not be negative" })
  totalInvestment?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  landParcel?: string | null;

  @Field(() => ProjectStageEnum, { nullable: true, deprecationReason: STAGE_IGNORED, description: "Ignored: the stage is derived from the milestones." })
  @IsOptional()
  @IsIn(PROJECT_STAGES)
  stage?: ProjectStage;
}

@InputType()
export class ProjectFilter {
  @Field(() => ProjectStageEnum, { nullable: true })
  @IsOptional()
  @IsIn(PROJECT_STAGES)
  stage?: ProjectStage;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @Length(1, 36)
  enterpriseId?: string;

  @Field(() => FastTrackStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(FAST_TRACK_STATUSES)
  fastTrackStatus?: FastTrackStatus;

  @Field({ nullable: true, description: "Part of the name or the code; empty matches every project." })
  @IsOptional()
  @MaxLength(100)
  search?: string;
}

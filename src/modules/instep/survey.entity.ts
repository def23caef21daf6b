import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity } from "../../core/base.entity";
import { Project } from "../projects/project.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

export const SURVEY_STAGES = ["PLANNING", "COMPLETION"] as const;
export const SurveyStageEnum = enumOf(SURVEY_STAGES);
registerEnumType(SurveyStageEnum, {
  name: "SurveyStage",
  description: "多测合一: the project stage a survey serves.",
  valuesConfig: labelEnum<(typeof SURVEY_STAGES)[number]>("SurveyStage", {
    PLANNING: { zh: "规划阶段", en: "Planning", description: "Surveys for the land-use and planning permits." },
    COMPLETION: { zh: "竣工阶段", en: "Completion", description: "Completion surveys shared by joint acceptance, completion filing and property registration." },
  }),
});

/** 一次委托: one survey commission per project and stage; its result is shared by every item that needs it. */
@ObjectType({ description: "多测合一 一次委托: one survey commission per project and stage." })
@Entity("survey_commission")
@Index("UQ_survey_commission_project_stage", ["projectId", "stage"], { unique: true })
export class SurveyCommission extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => ID)
  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_survey_commission_project" })
  project?: Project;

  @Field(() => SurveyStageEnum)
  @Column({ type: "varchar", length: 16 })
  stage: "PLANNING" | "COMPLETION";

  @Field({ description: "The surveying firm commissioned." })
  @Column({ type: "varchar", length: 200 })
  surveyor: string;

  @Field(() => GraphQLLocalDate)
  @Column({ name: "commissioned_on", type: "date" })
  commissionedOn: string;

  @Column({ name: "commissioned_by_id", type: "varchar", length: 36, nullable: true })
  commissionedById: string | null;
}

/** 成果共享: the one result of a commission, cited by the approval items that need it. */
@ObjectType({ description: "多测合一 成果共享: the shared result of a survey commission." })
@Entity("survey_result")
@Index("UQ_survey_result_commission", ["commissionId"], { unique: true })
@Index("IDX_survey_result_project", ["projectId"])
export class SurveyResult extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => ID)
  @Column({ name: "commission_id", type: "varchar", length: 36 })
  commissionId: string;

  @ManyToOne(() => SurveyCommission)
  @JoinColumn({ name: "commission_id", foreignKeyConstraintName: "FK_survey_result_commission" })
  commission?: SurveyCommission;

  @Field(() => ID)
  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_survey_result_project" })
  project?: Project;

  @Field(() => SurveyStageEnum)
  @Column({ type: "varchar", length: 16 })
  stage: "PLANNING" | "COMPLETION";

  @Field({ description: "Report number of the survey result." })
  @Column({ type: "varchar", length: 100 })
  reference: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 1000, nullable: true })
  summary: string | null;

  @Field(() => GraphQLLocalDate)
  @Column({ name: "delivered_on", type: "date" })
  deliveredOn: string;
}

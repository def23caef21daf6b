import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity } from "../../core/base.entity";
import { Project } from "../projects/project.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

export const BUILDING_PART_KINDS = ["BUILDING", "FLOOR"] as const;
export type BuildingPartKind = (typeof BUILDING_PART_KINDS)[number];
export const BuildingPartKindEnum = enumOf(BUILDING_PART_KINDS);
registerEnumType(BuildingPartKindEnum, {
  name: "BuildingPartKind",
  description: "分栋分层验收: what part of a project a building acceptance covers.",
  valuesConfig: labelEnum<BuildingPartKind>("BuildingPartKind", {
    BUILDING: { zh: "栋", en: "Building", description: "A whole building." },
    FLOOR: { zh: "层", en: "Floor", description: "One floor or a range of floors." },
  }),
});

/**
 * 预验同步试产: a building or floor of a project, accepted on its own. Trial production may be
 * approved once every part marked requiredForTrialProduction is accepted, before the whole project is.
 */
@ObjectType({ description: "A building or floor of a project, accepted on its own (分栋/分层预验)." })
@Entity("building")
@Index("UQ_building_project_name", ["projectId", "name"], { unique: true })
export class Building extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => ID)
  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_building_project" })
  project?: Project;

  @Field({ description: "e.g. 1号厂房 or 1号厂房 1-3层." })
  @Column({ type: "varchar", length: 100 })
  name: string;

  @Field(() => BuildingPartKindEnum)
  @Column({ name: "part_kind", type: "varchar", length: 16 })
  partKind: BuildingPartKind;

  @Field({ description: "Trial production needs this part accepted." })
  @Column({ name: "required_for_trial_production", type: "boolean" })
  requiredForTrialProduction: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "The day it passed acceptance; null until then." })
  @Column({ name: "accepted_on", type: "date", nullable: true })
  acceptedOn: string | null;
}

/** One acceptance inspection of a building or floor (several if one fails). */
@ObjectType({ description: "One acceptance inspection of a building or floor." })
@Entity("building_acceptance")
@Index("IDX_building_acceptance_building", ["buildingId", "inspectedOn"])
export class BuildingAcceptance extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => ID)
  @Column({ name: "building_id", type: "varchar", length: 36 })
  buildingId: string;

  @ManyToOne(() => Building)
  @JoinColumn({ name: "building_id", foreignKeyConstraintName: "FK_building_acceptance_building" })
  building?: Building;

  @Field(() => GraphQLLocalDate)
  @Column({ name: "inspected_on", type: "date" })
  inspectedOn: string;

  @Field()
  @Column({ type: "boolean" })
  passed: boolean;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 500, nullable: true })
  note: string | null;

  @Column({ name: "recorded_by_id", type: "varchar", length: 36, nullable: true })
  recordedById: string | null;
}

import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { Project } from "../projects/project.entity";
import { DeferrableItem } from "./deferrable-item.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

export const DEFERRED_ITEM_STATUSES = ["PENDING", "SUPPLIED", "OVERDUE"] as const;
export type DeferredItemStatus = (typeof DEFERRED_ITEM_STATUSES)[number];
export const DeferredItemStatusEnum = enumOf(DEFERRED_ITEM_STATUSES);
registerEnumType(DeferredItemStatusEnum, {
  name: "DeferredItemStatus",
  description: "容缺 material of one project: PENDING -> SUPPLIED, or OVERDUE once its promised date passed.",
  valuesConfig: labelEnum<DeferredItemStatus>("DeferredItemStatus", {
    PENDING: { zh: "待补正", en: "Pending", description: "Promised, not yet supplied, date not passed." },
    SUPPLIED: { zh: "已补正", en: "Supplied", description: "Supplied (date and recorder kept)." },
    OVERDUE: { zh: "逾期未补正", en: "Overdue", description: "The promised date passed unsupplied." },
  }),
});

/** PENDING -> SUPPLIED or OVERDUE; a late supply still records OVERDUE -> SUPPLIED. SUPPLIED is final. */
export const DEFERRED_ITEM_TRANSITIONS: Record<DeferredItemStatus, readonly DeferredItemStatus[]> = {
  PENDING: ["SUPPLIED", "OVERDUE"],
  OVERDUE: ["SUPPLIED"],
  SUPPLIED: [],
};

/** 容缺受理: a material a fast-track project promised to supply by a date (先办后补). */
@ObjectType({ description: "A material the project promised to supply later (容缺), with its promised date." })
@Entity("deferred_item")
@Index("UQ_deferred_item_project_item", ["projectId", "deferrableItemId"], { unique: true })
@Index("IDX_deferred_item_status", ["status", "promisedBy"])
@Index("IDX_deferred_item_deferrable", ["deferrableItemId"])
export class DeferredItem extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_deferred_item_project" })
  project?: Project;

  @Column({ name: "deferrable_item_id", type: "varchar", length: 36 })
  deferrableItemId: string;

  @ManyToOne(() => DeferrableItem)
  @JoinColumn({ name: "deferrable_item_id", foreignKeyConstraintName: "FK_deferred_item_deferrable" })
  item?: DeferrableItem;

  @Field(() => GraphQLLocalDate, { description: "The promised supply date." })
  @Column({ name: "promised_by", type: "date" })
  promisedBy: string;

  @Field(() => DeferredItemStatusEnum)
  @Column({ type: "varchar", length: 16, default: "PENDING" })
  status: DeferredItemStatus;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @Column({ name: "supplied_on", type: "date", nullable: true })
  suppliedOn: string | null;

  @Column({ name: "supplied_by_id", type: "varchar", length: 36, nullable: true })
  suppliedById: string | null;

  @Field(() => Date, { nullable: true, description: "When it was found overdue." })
  @TimestampColumn("overdue_at", true)
  overdueAt: Date | null;

  @Field()
  declare createdAt: Date;
}

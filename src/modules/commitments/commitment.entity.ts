import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { Project } from "../projects/project.entity";
import { enumOf } from "../../core/enums";

export const PARTIES = ["ENTERPRISE", "GOVERNMENT"] as const;
export type Party = (typeof PARTIES)[number];
export const PartyEnum = enumOf(PARTIES);
registerEnumType(PartyEnum, {
  name: "Party",
  description: "双向承诺: who a clause binds.",
  valuesConfig: { ENTERPRISE: { description: "企业承诺" }, GOVERNMENT: { description: "政府承诺" } },
});

export const LETTER_STATUSES = ["DRAFT", "SIGNED", "WITHDRAWN", "TERMINATED"] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];
export const LetterStatusEnum = enumOf(LETTER_STATUSES);
registerEnumType(LetterStatusEnum, {
  name: "CommitmentLetterStatus",
  valuesConfig: {
    DRAFT: { description: "草拟中: not yet signed by both parties." },
    SIGNED: { description: "已签署: signed by both; immutable." },
    WITHDRAWN: { description: "撤回: the application it was drafted for was withdrawn or refused before both signed." },
    TERMINATED: { description: "终止: the fast track ended (EXIT) or the project must apply again (REAPPLY); it binds no more." },
  },
});

export const FULFILMENT_STATUSES = ["PENDING", "FULFILLED", "BREACHED"] as const;
export type FulfilmentStatus = (typeof FULFILMENT_STATUSES)[number];
export const FulfilmentStatusEnum = enumOf(FULFILMENT_STATUSES);
registerEnumType(FulfilmentStatusEnum, {
  name: "FulfilmentStatus",
  valuesConfig: { PENDING: { description: "履行中" }, FULFILLED: { description: "已兑现" }, BREACHED: { description: "未兑现 (逾期)" } },
});

/** PENDING -> FULFILLED or BREACHED; a breached promise kept late becomes FULFILLED. */
export const FULFILMENT_TRANSITIONS: Record<FulfilmentStatus, readonly FulfilmentStatus[]> = {
  PENDING: ["FULFILLED", "BREACHED"],
  BREACHED: ["FULFILLED"],
  FULFILLED: [],
};

/** 承诺条款范本: a clause the reform office offers one party; `{project}` and `{dueOn}` are filled in. */
@ObjectType({ description: "承诺条款范本: a standard clause for one party of the letter." })
@Entity("clause_template")
@Index("UQ_clause_template_code", ["code"], { unique: true })
export class ClauseTemplate extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field()
  @Column({ type: "varchar", length: 48 })
  code: string;

  @Field(() => PartyEnum)
  @Column({ type: "varchar", length: 16 })
  party: Party;

  @Field()
  @Column({ type: "varchar", length: 200 })
  title: string;

  @Field({ description: "Clause text; {project} and {dueOn} are replaced when a letter is drafted." })
  @Column({ type: "text" })
  body: string;

  @Field(() => String, { nullable: true, description: "An enterprise clause tied to a deferrable item: included when the project defers it, due on its promised date." })
  @Column({ name: "deferrable_item_code", type: "varchar", length: 48, nullable: true })
  deferrableItemCode: string | null;

  @Field(() => Int, { nullable: true, description: "For clauses not tied to an item: due this many days after drafting." })
  @Column({ name: "due_days", type: "int", nullable: true })
  dueDays: number | null;

  @Field()
  @Column({ type: "boolean", default: true })
  active: boolean;

  @Field(() => Int)
  @Column({ name: "sort_order", type: "int", default: 0 })
  sortOrder: number;
}

/**
 * 双向承诺书: one letter per project binding the enterprise and the government. Both sides sign;
 * once SIGNED it is immutable, and an amendment is a new version (the earlier stays readable).
 */
@ObjectType({ description: "双向承诺书: the two-way commitment letter of a project, one version." })
@Entity("commitment_letter")
@Index("UQ_commitment_letter_version", ["projectId", "version"], { unique: true })
export class CommitmentLetter extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_commitment_letter_project" })
  project?: Project;

  @Field(() => Int, { description: "1 for the first letter; each amendment adds one." })
  @Column({ type: "int", default: 0 })
  version: number;

  @Field(() => ID, { nullable: true, description: "The signed version this one amends." })
  @Column({ name: "amends_id", type: "varchar", length: 36, nullable: true })
  amendsId: string | null;

  @Field(() => LetterStatusEnum)
  @Column({ type: "varchar", length: 16, default: "DRAFT" })
  status: LetterStatus;

  @Column({ name: "drafted_by_id", type: "varchar", length: 36, nullable: true })
  draftedById: string | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("enterprise_signed_at", true)
  enterpriseSignedAt: Date | null;

  @Column({ name: "enterprise_signed_by_id", type: "varchar", length: 36, nullable: true })
  enterpriseSignedById: string | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("government_signed_at", true)
  governmentSignedAt: Date | null;

  @Column({ name: "government_signed_by_id", type: "varchar", length: 36, nullable: true })
  governmentSignedById: string | null;

  @Field(() => Date, { nullable: true, description: "When the second signature made it binding." })
  @TimestampColumn("signed_at", true)
  signedAt: Date | null;

  @Field()
  declare createdAt: Date;
}

/** One promise in a letter, with its due date and whether it was kept. */
@ObjectType({ description: "One clause of a commitment letter." })
@Entity("commitment_clause")
@Index("IDX_commitment_clause_letter", ["letterId", "sortOrder"])
@Index("IDX_commitment_clause_deferred", ["deferredItemId"])
export class CommitmentClause extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Column({ name: "letter_id", type: "varchar", length: 36 })
  letterId: string;

  @ManyToOne(() => CommitmentLetter)
  @JoinColumn({ name: "letter_id", foreignKeyConstraintName: "FK_commitment_clause_letter" })
  letter?: CommitmentLetter;

  @Field(() => PartyEnum)
  @Column({ type: "varchar", length: 16 })
  party: Party;

  @Field()
  @Column({ name: "template_code", type: "varchar", length: 48 })
  templateCode: string;

  @Field()
  @Column({ type: "varchar", length: 200 })
  title: string;

  @Field()
  @Column({ type: "text" })
  text: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @Column({ name: "due_on", type: "date", nullable: true })
  dueOn: string | null;

  @Column({ name: "deferred_item_id", type: "varchar", length: 36, nullable: true })
  deferredItemId: string | null;

  @ManyToOne(() => DeferredItem, { nullable: true })
  @JoinColumn({ name: "deferred_item_id", foreignKeyConstraintName: "FK_commitment_clause_deferred" })
  deferredItem?: DeferredItem | null;

  @Field(() => FulfilmentStatusEnum)
  @Column({ name: "fulfilment_status", type: "varchar", length: 16, default: "PENDING" })
  fulfilmentStatus: FulfilmentStatus;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @Column({ name: "fulfilled_on", type: "date", nullable: true })
  fulfilledOn: string | null;

  @Field(() => Int)
  @Column({ name: "sort_order", type: "int", default: 0 })
  sortOrder: number;
}

import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { Project } from "../projects/project.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

export const PARTIES = ["ENTERPRISE", "GOVERNMENT"] as const;
export type Party = (typeof PARTIES)[number];
export const PartyEnum = enumOf(PARTIES);
registerEnumType(PartyEnum, {
  name: "Party",
  description: "双向承诺: who a clause binds.",
  valuesConfig: labelEnum<Party>("Party", {
    ENTERPRISE: { zh: "企业", en: "Enterprise", description: "The enterprise's commitment (企业承诺)." },
    GOVERNMENT: { zh: "政府", en: "Government", description: "The government's commitment (政府承诺)." },
  }),
});

export const LETTER_STATUSES = ["DRAFT", "SIGNED", "WITHDRAWN", "TERMINATED"] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];
export const LetterStatusEnum = enumOf(LETTER_STATUSES);
registerEnumType(LetterStatusEnum, {
  name: "CommitmentLetterStatus",
  description: "双向承诺书: where a two-way commitment letter is; DRAFT -> SIGNED, or WITHDRAWN before both signed, or TERMINATED after.",
  valuesConfig: labelEnum<LetterStatus>("CommitmentLetterStatus", {
    DRAFT: { zh: "草拟中", en: "Draft", description: "Not yet signed by both parties." },
    SIGNED: { zh: "已签署", en: "Signed", description: "Signed by both; immutable." },
    WITHDRAWN: { zh: "已撤回", en: "Withdrawn", description: "The application it was drafted for was withdrawn or refused before both signed." },
    TERMINATED: { zh: "已终止", en: "Terminated", description: "The fast track ended (EXIT) or the project must apply again (REAPPLY); it binds no more." },
  }),
});

export const FULFILMENT_STATUSES = ["PENDING", "FULFILLED", "BREACHED"] as const;
export type FulfilmentStatus = (typeof FULFILMENT_STATUSES)[number];
export const FulfilmentStatusEnum = enumOf(FULFILMENT_STATUSES);
registerEnumType(FulfilmentStatusEnum, {
  name: "FulfilmentStatus",
  description: "履约: whether a commitment clause is kept.",
  valuesConfig: labelEnum<FulfilmentStatus>("FulfilmentStatus", {
    PENDING: { zh: "履行中", en: "Pending", description: "Not yet due, or due and not yet judged." },
    FULFILLED: { zh: "已兑现", en: "Fulfilled", description: "Kept." },
    BREACHED: { zh: "未兑现", en: "Breached", description: "Not kept by its date (逾期)." },
  }),
});

export const GOVERNMENT_CLAUSE_RULES = ["SERVICE_TEAM_IN_PLACE", "EMERGENCY_RESPONSE", "APPROVALS_ON_TIME", "NO_ADDED_ITEMS"] as const;
export type GovernmentClauseRule = (typeof GOVERNMENT_CLAUSE_RULES)[number];
export const GovernmentClauseRuleEnum = enumOf(GOVERNMENT_CLAUSE_RULES);
registerEnumType(GovernmentClauseRuleEnum, {
  name: "GovernmentClauseRule",
  description: "政府承诺的判定规则: how the deadline sweep judges a government clause from the data (KEPT = FULFILLED, or BREACHED). A government clause without a rule is judged by ADMIN with a note.",
  valuesConfig: labelEnum<GovernmentClauseRule>("GovernmentClauseRule", {
    SERVICE_TEAM_IN_PLACE: {
      zh: "一项目一专班",
      en: "Service team in place",
      description: "签署之日起 N 个工作日内明确项目经理人 — a project manager assigned by the letter's signing date + ruleWorkingDays working days (official calendar); one already in place at signing counts. Kept on the assignment date; breached once that day passed with none.",
    },
    EMERGENCY_RESPONSE: {
      zh: "急诊诉求限时响应",
      en: "Emergency answered in time",
      description: "每张急诊工单按时响应、按时解决 — every EMERGENCY ticket of the project opened from the signing to the end of dueOn acknowledged by its ack due and resolved by its resolve due (SLA_EMERGENCY_*_HOURS when opened). Breached by the first one late; kept once dueOn passed with all in time.",
    },
    APPROVALS_ON_TIME: {
      zh: "审批按时办结",
      en: "Approvals on time",
      description: "签署后受理的每项审批在承诺办结时限内办结 — every approval item submitted from the signing date to dueOn decided (approved or rejected) within its promisedWorkingDays working days. Breached by one decided late or still pending past it; kept once dueOn passed with all decided in time.",
    },
    NO_ADDED_ITEMS: {
      zh: "严禁增设",
      en: "No added items",
      description: "不得增设法律法规规定之外的审批或监管事项 — approvals are the closed list of approval kinds (ApprovalKind: none can be added beyond it); supervision is the 细则标准 active when the letter was signed. Breached by an inspection of the project, from the signing to the end of dueOn, checking a standard added after the signing or inactive then; kept once dueOn passed without one.",
    },
  }),
});

/** PENDING -> FULFILLED or BREACHED; a breached promise kept late becomes FULFILLED. */
export const FULFILMENT_TRANSITIONS: Record<FulfilmentStatus, readonly FulfilmentStatus[]> = {
  PENDING: ["FULFILLED", "BREACHED"],
  BREACHED: ["FULFILLED"],
  FULFILLED: [],
};

/**
 * 承诺条款范本: a clause the reform office offers one party; `{project}`, `{dueOn}`, `{workingDays}`
 * (ruleWorkingDays), `{ackHours}` and `{resolveHours}` (the EMERGENCY ticket SLA) are filled in
 * when a letter is drafted, so the text and what the rule judges come from one source. Only a
 * GOVERNMENT template carries a rule; the letter copies it onto its clause.
 */
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

  @Field({ description: "Clause text; {project}, {dueOn}, {workingDays} (ruleWorkingDays), {ackHours} and {resolveHours} (the EMERGENCY ticket SLA) are replaced when a letter is drafted." })
  @Column({ type: "text" })
  body: string;

  @Field(() => String, { nullable: true, description: "An enterprise clause tied to a deferrable item: included when the project defers it, due on its promised date." })
  @Column({ name: "deferrable_item_code", type: "varchar", length: 48, nullable: true })
  deferrableItemCode: string | null;

  @Field(() => Int, { nullable: true, description: "For clauses not tied to an item: due this many days after drafting." })
  @Column({ name: "due_days", type: "int", nullable: true })
  dueDays: number | null;

  @Field(() => GovernmentClauseRuleEnum, { nullable: true, description: "GOVERNMENT templates: the rule the deadline sweep judges the clause by; none: ADMIN judges it with a note." })
  @Column({ type: "varchar", length: 32, nullable: true })
  rule: GovernmentClauseRule | null;

  @Field(() => Int, { nullable: true, description: "The N of SERVICE_TEAM_IN_PLACE: working days after signing; {workingDays} in the body." })
  @Column({ name: "rule_working_days", type: "int", nullable: true })
  ruleWorkingDays: number | null;

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

/**
 * One promise in a letter, with its due date and whether it was kept. A government clause with a
 * rule is judged by the deadline sweep from the data; one without is judged by ADMIN with a note,
 * never by the date alone; an enterprise clause not kept by its due date is BREACHED.
 */
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

  @Field(() => GovernmentClauseRuleEnum, { nullable: true, description: "The rule the deadline sweep judges this government clause by (copied from the template when drafted); none: ADMIN judges it." })
  @Column({ type: "varchar", length: 32, nullable: true })
  rule: GovernmentClauseRule | null;

  @Field(() => Int, { nullable: true, description: "The N of SERVICE_TEAM_IN_PLACE, as drafted." })
  @Column({ name: "rule_working_days", type: "int", nullable: true })
  ruleWorkingDays: number | null;

  @Field(() => String, { nullable: true, description: "What the facts were when the clause was judged (by its rule, or ADMIN's note)." })
  @Column({ type: "text", nullable: true })
  judgement: string | null;

  @Field(() => Int)
  @Column({ name: "sort_order", type: "int", default: 0 })
  sortOrder: number;
}

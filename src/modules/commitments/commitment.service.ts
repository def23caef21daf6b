import { insertRows } from "../../core/base.entity";
import { idempotent } from "../../core/idempotency";
import { In, IsNull, Not } from "typeorm";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { groupedLoader } from "../../core/loaders";
import { addDays, districtDate } from "../../core/dates";
import { assertTransition, badInput, conflict, notFound, zhLabel } from "../../core/errors";
import { targetId } from "../../core/validation";
import { insertUnique } from "../../core/unique";
import { DeferrableItem } from "../fast-track/deferrable-item.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { fastTrackService } from "../fast-track/fast-track.service";
import { findVisibleProject } from "../projects/project-access";
import { policyService } from "../policy/policy.service";
import { rolesOf } from "../policy/remits";
import { Project } from "../projects/project.entity";
import { recordClauseBreach } from "./clause-sync";
import { notify } from "../notifications/notify";
import { noticeProject, projectPeople } from "../teams/project-people";
import { User } from "../accounts/user.entity";
import { valueLabel } from "../../core/labels";
import { renderClauseText } from "./clause-text";
// the letters follow the fast track they rest on: registered with the service, which every path loads
import "./commitment.reactions";
import {
  ClauseTemplate, CommitmentClause, CommitmentLetter, FULFILMENT_TRANSITIONS, type Party,
} from "./commitment.entity";
import type {
  AmendCommitmentLetterInput, ClauseDateInput, DraftCommitmentLetterInput, RecordClauseFulfilmentInput, UpdateCommitmentClauseInput,
} from "./commitment.inputs";

type ClauseDraft = Omit<CommitmentClause, "id" | "createdAt" | "updatedAt" | "letterId" | "assignId" | "letter" | "deferredItem">;

/**
 * 双向承诺书: one letter per project binding both parties. Drafted from the templates; signed by an
 * ENTERPRISE user of the project's enterprise and by ADMIN or the project's cadre for the
 * government; once SIGNED nothing in it changes (CONFLICT) except the clauses' fulfilment; an
 * amendment is a new version drafted from the latest signed one, which stays readable.
 */
export class CommitmentService {
  /**
   * Drafts the letter of an APPLIED project (CONFLICT otherwise: the letter follows 承诺前审核 and
   * precedes admission): every active GOVERNMENT template (due today + dueDays) and every active
   * ENTERPRISE template whose item the project deferred (due on the promised date, linked to the
   * deferred item) or that names no item. `dueDates` override. Each government clause copies its
   * template's rule and parameter, and the text is filled from them and the EMERGENCY ticket SLA
   * (renderClauseText), so what the letter says is what the sweep judges. CONFLICT while a DRAFT or SIGNED
   * letter exists; after a WITHDRAWN or TERMINATED one the new draft is the next version (not an
   * amendment).
   */
  draft(ctx: RequestContext, input: DraftCommitmentLetterInput): Promise<CommitmentLetter> {
    return idempotent(ctx, "draftCommitmentLetter", CommitmentLetter, input, (tx) => this.draftOnce(tx, input));
  }

  private async draftOnce(ctx: RequestContext, input: DraftCommitmentLetterInput): Promise<CommitmentLetter> {
    const user = ctx.requireUser();
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      if (project.fastTrackStatus !== "APPLIED") {
        throw conflict(`Project ${project.code} is ${project.fastTrackStatus}, not APPLIED: a commitment letter is drafted for a fast-track application, before admission`, `项目 ${project.code} 当前为“${zhLabel("FastTrackStatus", project.fastTrackStatus)}”，不是“${zhLabel("FastTrackStatus", "APPLIED")}”：双向承诺书须在申请快速通道后、承诺准入前起草`, {
          status: project.fastTrackStatus,
        });
      }
      if (await tx.repo(CommitmentLetter).existsBy({ projectId: project.id, status: In(["DRAFT", "SIGNED"]) })) {
        throw conflict(`Project ${project.code} already has a commitment letter; edit the draft or amend the signed one`, `项目 ${project.code} 已有双向承诺书；请修改草稿，或对已签署的承诺书进行变更`);
      }
      const last = await tx.repo(CommitmentLetter).findOne({ where: { projectId: project.id }, order: { version: "DESC" } });
      const templates = await tx.repo(ClauseTemplate).find({ where: { active: true }, order: { sortOrder: "ASC", code: "ASC" } });
      const deferred = await tx.repo(DeferredItem).createQueryBuilder("d")
        .innerJoinAndMapOne("d.item", DeferrableItem, "c", "c.id = d.deferrableItemId")
        .where("d.projectId = :id", { id: project.id }).getMany();
      const byItemCode = new Map(deferred.map((d) => [d.item!.code, d]));
      const today = districtDate(tx.clock.now());
      const clauses: ClauseDraft[] = [];
      for (const template of templates) {
        const item = template.deferrableItemCode ? byItemCode.get(template.deferrableItemCode) : undefined;
        if (template.deferrableItemCode && !item) continue;
        const dueOn = item ? item.promisedBy : template.dueDays !== null ? addDays(today, template.dueDays) : null;
        clauses.push({
          party: template.party,
          templateCode: template.code,
          title: template.title,
          text: template.body,
          dueOn,
          deferredItemId: item?.id ?? null,
          fulfilmentStatus: item?.status === "SUPPLIED" ? "FULFILLED" : item?.status === "OVERDUE" ? "BREACHED" : "PENDING",
          fulfilledOn: item?.status === "SUPPLIED" ? item.suppliedOn : null,
          // the letter carries its own copy of the rule: editing the template never changes it
          rule: template.party === "GOVERNMENT" ? template.rule : null,
          ruleWorkingDays: template.party === "GOVERNMENT" ? template.ruleWorkingDays : null,
          judgement: null,
          sortOrder: template.sortOrder,
        });
      }
      applyDueDates(clauses, input.dueDates);
      for (const clause of clauses) clause.text = renderClauseText(tx, clause.text, { project: project.name, dueOn: clause.dueOn, workingDays: clause.ruleWorkingDays });
      return this.insertVersion(tx, project, { version: (last?.version ?? 0) + 1, amendsId: null, draftedById: user.id }, clauses, "commitmentLetter.draft");
    });
  }

  /**
   * A new DRAFT version from the latest SIGNED letter of an ADMITTED project, with changed due
   * dates; the earlier stays as signed. A draft, a withdrawn or a terminated letter is not amended
   * (CONFLICT), nor one that a later version (other than a withdrawn draft) follows.
   */
  amend(ctx: RequestContext, input: AmendCommitmentLetterInput): Promise<CommitmentLetter> {
    return idempotent(ctx, "amendCommitmentLetter", CommitmentLetter, input, (tx) => this.amendOnce(tx, input));
  }

  private async amendOnce(ctx: RequestContext, input: AmendCommitmentLetterInput): Promise<CommitmentLetter> {
    const user = ctx.requireUser();
    return ctx.transaction(async (tx) => {
      const { letter: previous, project } = await this.visibleLetter(tx, input.letterId, "CommitmentLetter", input.letterId);
      if (previous.status !== "SIGNED") {
        throw conflict(
          previous.status === "DRAFT" ? "Only a signed letter is amended; edit the draft instead" : `A ${previous.status} letter binds no more and is not amended`,
          previous.status === "DRAFT" ? "只有已签署的承诺书才能变更；草稿请直接修改" : `“${zhLabel("CommitmentLetterStatus", previous.status)}”的承诺书已不再生效，不能变更`,
          { status: previous.status },
        );
      }
      if (project.fastTrackStatus !== "ADMITTED") {
        throw conflict(`Project ${project.code} is ${project.fastTrackStatus}: only an admitted project's letter is amended`, `项目 ${project.code} 当前为“${zhLabel("FastTrackStatus", project.fastTrackStatus)}”：只有已承诺准入项目的承诺书才能变更`, { status: project.fastTrackStatus });
      }
      const latest = await tx.repo(CommitmentLetter).findOne({ where: { projectId: previous.projectId, status: Not("WITHDRAWN") }, order: { version: "DESC" } });
      if (latest!.id !== previous.id) throw conflict(`Version ${previous.version} is not the latest (version ${latest!.version} exists)`, `第 ${previous.version} 版不是最新版本（已有第 ${latest!.version} 版）`);
      const old = await tx.repo(CommitmentClause).find({ where: { letterId: previous.id }, order: { sortOrder: "ASC", id: "ASC" } });
      const templates = new Map((await tx.repo(ClauseTemplate).findBy({ code: In(old.map((c) => c.templateCode)) })).map((t) => [t.code, t]));
      const clauses: ClauseDraft[] = old.map(({ id: _id, createdAt: _c, updatedAt: _u, letterId: _l, ...rest }) => ({ ...rest }));
      const changed = applyDueDates(clauses, input.dueDates);
      for (const clause of clauses) {
        const template = templates.get(clause.templateCode);
        if (changed.has(clause.templateCode) && template) clause.text = renderClauseText(tx, template.body, { project: project.name, dueOn: clause.dueOn, workingDays: clause.ruleWorkingDays });
      }
      return this.insertVersion(tx, project, { version: previous.version + 1, amendsId: previous.id, draftedById: user.id }, clauses, "commitmentLetter.amend");
    });
  }

  private async insertVersion(
    tx: RequestContext,
    project: Project,
    fields: Pick<CommitmentLetter, "version" | "amendsId" | "draftedById">,
    clauses: ClauseDraft[],
    action: string,
  ): Promise<CommitmentLetter> {
    const now = tx.clock.now();
    const letter = tx.repo(CommitmentLetter).create({
      projectId: project.id, status: "DRAFT", enterpriseSignedAt: null, enterpriseSignedById: null,
      governmentSignedAt: null, governmentSignedById: null, signedAt: null, createdAt: now, ...fields,
    });
    await insertUnique(() => tx.repo(CommitmentLetter).insert(letter), { en: `Version ${fields.version} of project ${project.code}'s letter was just drafted by someone else`, zh: `项目 ${project.code} 第 ${fields.version} 版承诺书刚刚已由他人起草` });
    const rows = clauses.map((c) => tx.repo(CommitmentClause).create({ ...c, letterId: letter.id }));
    await insertRows(tx.repo(CommitmentClause), rows); // the audit entry names each clause by its id
    await recordAudit(tx, { action, entityType: "CommitmentLetter", entityId: letter.id, after: { ...letter, clauses: rows } });
    await this.noticeAwaitingSignature(tx, project, letter);
    return letter;
  }

  /**
   * A new draft (or amendment) waits for both signatures: one notice per side, to the enterprise's
   * active users and to the government's signer, the project's manager (every active ADMIN while
   * the project has none; notify drops inactive accounts and the drafter).
   */
  private async noticeAwaitingSignature(tx: RequestContext, project: Project, letter: CommitmentLetter): Promise<void> {
    const people = await projectPeople(tx, project, { members: false });
    const government = people.managerId ? [people.managerId] : (await tx.repo(User).find({ select: { id: true }, where: { role: "ADMIN" }, order: { id: "ASC" } })).map((u) => u.id);
    const sides: Array<{ party: Party; recipientIds: string[] }> = [
      { party: "ENTERPRISE", recipientIds: people.enterpriseUserIds },
      { party: "GOVERNMENT", recipientIds: government },
    ];
    for (const { party, recipientIds } of sides) {
      await notify(tx, {
        kind: "LETTER_AWAITING_SIGNATURE", subject: { type: "COMMITMENT_LETTER", id: letter.id }, projectId: project.id, recipientIds,
        params: { project: noticeProject(project), detail: valueLabel("Party", party, "zh-CN"), detailEn: valueLabel("Party", party, "en") },
      });
    }
  }

  /**
   * Signs the side the input names (the caller's own when omitted): a user of the project's
   * enterprise for the enterprise, ADMIN (or the project's manager) for the government (the remits
   * signCommitmentLetterFor…). Each side signs once; the second signature makes the letter SIGNED
   * and, for an APPLIED project, is its admission (承诺准入: ADMITTED, by the second signer, now), in
   * the same transaction. A WITHDRAWN or TERMINATED letter answers CONFLICT.
   */
  async sign(ctx: RequestContext, letterId: string, party?: Party): Promise<CommitmentLetter> {
    const user = ctx.requireUser();
    const side: Party = party ?? (user.role === "ENTERPRISE" ? "ENTERPRISE" : "GOVERNMENT");
    const remit = side === "ENTERPRISE" ? "signCommitmentLetterForEnterprise" : "signCommitmentLetterForGovernment";
    return ctx.transaction(async (tx) => {
      // the resolver lets every role through; a role holding no relation for this side is refused
      // before the letter is looked up (FORBIDDEN, not NOT_FOUND)
      if (!rolesOf(remit).includes(user.role)) await policyService.authorize(tx, remit);
      const before = await this.findVisible(tx, letterId);
      const project = await tx.repo(Project).findOneByOrFail({ id: before.projectId });
      await policyService.authorize(tx, remit, { projectId: project.id, enterpriseId: project.enterpriseId });
      if (before.status === "SIGNED") throw conflict("The letter is already signed by both parties", "该承诺书已由双方签署");
      if (before.status !== "DRAFT") throw conflict(`The letter is ${before.status} and binds no more; it cannot be signed`, `该承诺书为“${zhLabel("CommitmentLetterStatus", before.status)}”，已不再生效，不能签署`, { status: before.status });
      const now = tx.clock.now();
      const signed = side === "ENTERPRISE"
        ? await tx.repo(CommitmentLetter).update({ id: before.id, status: "DRAFT", enterpriseSignedAt: IsNull() }, { enterpriseSignedAt: now, enterpriseSignedById: user.id })
        : await tx.repo(CommitmentLetter).update({ id: before.id, status: "DRAFT", governmentSignedAt: IsNull() }, { governmentSignedAt: now, governmentSignedById: user.id });
      if (!signed.affected) {
        const current = await tx.repo(CommitmentLetter).findOneByOrFail({ id: before.id });
        if (current.status !== "DRAFT") throw conflict(`The letter is ${current.status} and cannot be signed`, `该承诺书为“${zhLabel("CommitmentLetterStatus", current.status)}”，不能签署`, { status: current.status });
        throw conflict(`The ${side.toLowerCase()} side has already signed`, `${side === "ENTERPRISE" ? "企业方" : "政府方"}已经签署`);
      }
      const completed = await tx.repo(CommitmentLetter).update(
        { id: before.id, status: "DRAFT", enterpriseSignedAt: Not(IsNull()), governmentSignedAt: Not(IsNull()) },
        { status: "SIGNED", signedAt: now },
      );
      const after = await tx.repo(CommitmentLetter).findOneByOrFail({ id: before.id });
      await recordAudit(tx, { action: `commitmentLetter.sign${side === "ENTERPRISE" ? "Enterprise" : "Government"}`, entityType: "CommitmentLetter", entityId: before.id, before, after });
      if (completed.affected) await fastTrackService.admit(tx, project.id, user.id, after.id);
      return after;
    });
  }

  /**
   * 终止: the project's letters (drafts and signed ones) bind no more: the circuit breaker's EXIT
   * or REAPPLY. Runs in the caller's transaction; each letter ended is audited with the reason.
   */
  async terminate(tx: RequestContext, projectId: string, reason: string): Promise<CommitmentLetter[]> {
    const letters = await tx.repo(CommitmentLetter).findBy({ projectId, status: In(["DRAFT", "SIGNED"]) });
    for (const before of letters) {
      await tx.repo(CommitmentLetter).update({ id: before.id, status: before.status }, { status: "TERMINATED" });
      const after = await tx.repo(CommitmentLetter).findOneByOrFail({ id: before.id });
      await recordAudit(tx, { action: "commitmentLetter.terminate", entityType: "CommitmentLetter", entityId: before.id, before, after: { ...after, reason } });
    }
    return letters;
  }

  /** Edits a clause of a draft nobody has signed yet; a signed (or half-signed) letter answers CONFLICT. */
  async updateClause(ctx: RequestContext, input: UpdateCommitmentClauseInput): Promise<CommitmentClause> {
    return ctx.transaction(async (tx) => {
      const { clause: before, letter } = await this.findVisibleClause(tx, targetId(input, "clauseId"));
      const changes: Partial<CommitmentClause> = {};
      if (input.dueOn !== undefined) changes.dueOn = input.dueOn;
      if (input.text !== undefined) changes.text = input.text;
      const result = await tx.repo(CommitmentLetter).update(
        { id: letter.id, status: "DRAFT", enterpriseSignedAt: IsNull(), governmentSignedAt: IsNull() },
        { updatedAt: tx.clock.now() },
      );
      if (!result.affected) throw conflict("A signed letter is immutable: amend it to make a new version", "已签署的承诺书不能修改；如需调整，请变更并形成新版本");
      if (Object.keys(changes).length) await tx.repo(CommitmentClause).update({ id: before.id }, changes);
      const after = await tx.repo(CommitmentClause).findOneByOrFail({ id: before.id });
      await recordAudit(tx, { action: "commitmentClause.update", entityType: "CommitmentClause", entityId: before.id, before, after });
      return after;
    });
  }

  /**
   * Records whether a clause of a SIGNED letter was kept (FULFILLED) or not (BREACHED). A clause
   * with a rule is the rule's to judge (the deadline sweep, from the data): CONFLICT naming the
   * rule. A government clause without one is judged here by ADMIN and only with a note saying what
   * the facts were (BAD_USER_INPUT field `note` without it), stored as its judgement.
   */
  async recordFulfilment(ctx: RequestContext, input: RecordClauseFulfilmentInput): Promise<CommitmentClause> {
    const today = districtDate(ctx.clock.now());
    const fulfilledOn = input.fulfilled ? (input.fulfilledOn ?? today) : null;
    if (fulfilledOn && fulfilledOn > today) throw badInput("fulfilledOn", `The date ${fulfilledOn} is in the future`, `履约日期（${fulfilledOn}）不能晚于今天`);
    return ctx.transaction(async (tx) => {
      const { clause: before, letter, project } = await this.findVisibleClause(tx, input.clauseId);
      if (before.rule) {
        throw conflict(`The clause "${before.title}" is judged by its rule ${before.rule} from the data (the deadline sweep), not recorded by hand`, `条款“${before.title}”按“${zhLabel("GovernmentClauseRule", before.rule!)}”规则根据数据自动判定（期限巡检），不能手工登记`, { rule: before.rule });
      }
      if (before.party === "GOVERNMENT" && !input.note) throw badInput("note", "A government clause is judged with a note saying what the facts were", "判定政府方承诺条款须填写备注，说明事实情况");
      if (letter.status !== "SIGNED") throw conflict("A clause binds only once the letter is signed by both parties", "承诺书经双方签署后，条款才生效");
      const target = input.fulfilled ? "FULFILLED" : "BREACHED";
      assertTransition(FULFILMENT_TRANSITIONS, "CommitmentClause", before.fulfilmentStatus, target);
      const changes: Partial<CommitmentClause> = { fulfilmentStatus: target, fulfilledOn, ...(input.note ? { judgement: input.note } : {}) };
      const result = await tx.repo(CommitmentClause).update({ id: before.id, fulfilmentStatus: before.fulfilmentStatus }, changes);
      if (!result.affected) throw conflict("The clause changed meanwhile; read it again", "该条款刚刚已被他人修改，请刷新后重试");
      const after = await tx.repo(CommitmentClause).findOneByOrFail({ id: before.id });
      await recordAudit(tx, { action: "commitmentClause.fulfilment", entityType: "CommitmentClause", entityId: before.id, before, after });
      if (target === "BREACHED") await recordClauseBreach(tx, after, project.enterpriseId);
      return after;
    });
  }

  /** A letter whose project the caller may see (NOT_FOUND otherwise). */
  async findVisible(ctx: RequestContext, id: string): Promise<CommitmentLetter> {
    return (await this.visibleLetter(ctx, id, "CommitmentLetter", id)).letter;
  }

  /** A letter and its project, or NOT_FOUND naming what was asked for when either is missing or not the caller's. */
  private async visibleLetter(ctx: RequestContext, letterId: string, entity: string, id: string): Promise<{ letter: CommitmentLetter; project: Project }> {
    const letter = await ctx.repo(CommitmentLetter).findOneBy({ id: letterId });
    if (!letter) throw notFound(entity, id);
    const project = await findVisibleProject(ctx, letter.projectId, { entity, id });
    return { letter, project };
  }

  private async findVisibleClause(ctx: RequestContext, id: string): Promise<{ clause: CommitmentClause; letter: CommitmentLetter; project: Project }> {
    const clause = await ctx.repo(CommitmentClause).findOneBy({ id });
    if (!clause) throw notFound("CommitmentClause", id);
    return { clause, ...(await this.visibleLetter(ctx, clause.letterId, "CommitmentClause", id)) };
  }

  /** All versions of a project's letter, oldest first (per-request loader). */
  forProject(ctx: RequestContext, projectId: string): Promise<CommitmentLetter[]> {
    const load = (ids: string[]) => ctx.repo(CommitmentLetter).find({ where: { projectId: In(ids) }, order: { version: "ASC" } });
    return groupedLoader(ctx, "commitmentLetter.byProject", load, (l) => l.projectId).load(projectId);
  }

  /** The binding letter: the latest SIGNED version, or null. */
  async current(ctx: RequestContext, projectId: string): Promise<CommitmentLetter | null> {
    const letters = await this.forProject(ctx, projectId);
    return letters.filter((l) => l.status === "SIGNED").at(-1) ?? null;
  }

  /** A letter's clauses in order (per-request loader). */
  clauses(ctx: RequestContext, letterId: string): Promise<CommitmentClause[]> {
    const load = (ids: string[]) => ctx.repo(CommitmentClause).find({ where: { letterId: In(ids) }, order: { sortOrder: "ASC", id: "ASC" } });
    return groupedLoader(ctx, "commitmentClause.byLetter", load, (c) => c.letterId).load(letterId);
  }
}

/** Applies due-date overrides by template code; an override for a clause the letter lacks is BAD_USER_INPUT. */
function applyDueDates(clauses: ClauseDraft[], dueDates: ClauseDateInput[]): Set<string> {
  const changed = new Set<string>();
  dueDates.forEach((d, i) => {
    const clause = clauses.find((c) => c.templateCode === d.templateCode);
    if (!clause) throw badInput(`dueDates.${i}.templateCode`, `The letter has no clause from template ${d.templateCode}`, `该承诺书中没有来自条款范本 ${d.templateCode} 的条款`);
    clause.dueOn = d.dueOn;
    changed.add(d.templateCode);
  });
  return changed;
}

export const commitmentService = new CommitmentService();

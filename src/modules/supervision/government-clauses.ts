import { In, IsNull, Not } from "typeorm";
import { AuditEntry } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { addDays, districtDate } from "../../core/dates";
import { APPROVAL_KINDS } from "../approval-kinds/approval-kinds";
import { calendarService, type CalendarSnapshot } from "../calendar/calendar.service";
import { CommitmentClause, CommitmentLetter, type GovernmentClauseRule } from "../commitments/commitment.entity";
import { ApprovalItem } from "../instep/approval.entity";
import { ProjectManagerAssignment } from "../teams/project-manager-assignment.entity";
import { ServiceTicket } from "../tickets/service-ticket.entity";
import { approvalDueOn } from "./breaker-facts";
import { InspectionFinding, JointInspection, SupervisionStandard } from "./supervision.entity";

/**
 * 政府承诺的判定: the government clauses of a letter in force are judged by their rule from the
 * data, never by the date alone. Each rule reads the project's facts from the moment the letter
 * became binding (the signing of the first version an amendment chain starts from) and answers
 * KEPT (FULFILLED, with the day), BREACHED, or nothing yet (PENDING), with a short judgement
 * saying what the facts were. The deadline sweep applies the decisions (sweep.service.ts).
 */

/** A decision on one PENDING government clause. */
export interface ClauseJudgement {
  clauseId: string;
  rule: GovernmentClauseRule;
  status: "FULFILLED" | "BREACHED";
  fulfilledOn: string | null;
  judgement: string;
}

/** A PENDING government clause with a rule, of a letter in force, and when the letter became binding. */
interface RuledClause {
  clause: CommitmentClause & { rule: GovernmentClauseRule };
  projectId: string;
  signedAt: Date;
  signedOn: string;
}

type Verdict = Omit<ClauseJudgement, "clauseId" | "rule"> | null;

/** What the rules read, for the projects whose clauses are judged. */
interface Facts {
  now: Date;
  today: string;
  calendar: CalendarSnapshot;
  assignments: ProjectManagerAssignment[];
  tickets: ServiceTicket[];
  approvals: ApprovalItem[];
  /** Findings with the completion of their inspection and their project. */
  findings: Array<{ finding: InspectionFinding; projectId: string; completedAt: Date }>;
  standards: Map<string, SupervisionStandard>;
  /** standard.create / standard.update entries per standard, oldest first. */
  standardHistory: Map<string, AuditEntry[]>;
}

const HOUR = 3_600_000;
const kept = (fulfilledOn: string, judgement: string): Verdict => ({ status: "FULFILLED", fulfilledOn, judgement });
const breached = (judgement: string): Verdict => ({ status: "BREACHED", fulfilledOn: null, judgement });
/** A district time as people read it: 2026-03-02 10:00. */
const districtTime = (instant: Date) => `${districtDate(instant)} ${new Date(instant.getTime() + 8 * HOUR).toISOString().slice(11, 16)}`;
/** The first instant after the district day `date`. */
const endOfDay = (date: string) => new Date(`${addDays(date, 1)}T00:00:00.000+08:00`);
const hours = (ms: number) => {
  const h = ms / HOUR;
  return Number.isInteger(h) ? String(h) : h.toFixed(1);
};
/** Whether an instant falls in the clause's period: from the binding signature to the end of its dueOn (open-ended without one). */
const inPeriod = (c: RuledClause, instant: Date) => instant.getTime() >= c.signedAt.getTime() && (!c.clause.dueOn || instant.getTime() < endOfDay(c.clause.dueOn).getTime());
const period = (c: RuledClause) => `from ${c.signedOn} to ${c.clause.dueOn ?? "now"}`;
/** The clause's period is over: today is after its dueOn (never, without one). */
const periodOver = (c: RuledClause, today: string) => c.clause.dueOn !== null && today > c.clause.dueOn;

/**
 * SERVICE_TEAM_IN_PLACE (一项目一专班): a project manager assigned on or before the signing date
 * + N working days (official calendar). KEPT on the assignment date, or on the signing date when a
 * manager was already in place then; BREACHED once that day passed with none (or when the first
 * manager came later).
 */
function serviceTeamInPlace(c: RuledClause, facts: Facts): Verdict {
  const n = c.clause.ruleWorkingDays ?? 0;
  const served = facts.assignments
    .filter((a) => a.projectId === c.projectId && (a.endedAt === null || a.endedAt.getTime() >= c.signedAt.getTime()))
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const first = served[0];
  if (first && first.startedAt.getTime() <= c.signedAt.getTime()) {
    return kept(c.signedOn, `项目经理人 in place since ${districtDate(first.startedAt)}, before the letter was signed on ${c.signedOn}; promised within ${n} working days`);
  }
  const deadline = facts.calendar.addWorkingDaysIfKnown(c.signedOn, n);
  if (deadline === null) return null; // the calendar cannot say which day the promise ends
  if (first) {
    const on = districtDate(first.startedAt);
    return on <= deadline
      ? kept(on, `项目经理人 assigned ${on}; promised within ${n} working days of signing on ${c.signedOn} (by ${deadline})`)
      : breached(`项目经理人 assigned only ${on}; promised within ${n} working days of signing on ${c.signedOn} (by ${deadline})`);
  }
  return facts.today > deadline ? breached(`no 项目经理人 by ${deadline}; promised within ${n} working days of signing on ${c.signedOn}`) : null;
}

/**
 * EMERGENCY_RESPONSE (急诊诉求限时响应): the project's EMERGENCY tickets opened in the clause's
 * period, each against the ack and resolve due instants it was opened with. BREACHED by the first
 * acknowledged after its ack due (or unacknowledged once it passed), or resolved after its resolve
 * due (or unresolved once it passed); KEPT on dueOn once it passed with every one acknowledged and
 * resolved in time. A ticket still within its SLA keeps the clause PENDING.
 */
function emergencyResponse(c: RuledClause, facts: Facts): Verdict {
  const now = facts.now.getTime();
  const tickets = facts.tickets.filter((t) => t.projectId === c.projectId && inPeriod(c, t.openedAt)).sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  let open = false;
  for (const t of tickets) {
    const opened = `急诊 ticket "${t.title}" opened ${districtTime(t.openedAt)}`;
    const ackPromise = hours(t.ackDueAt.getTime() - t.openedAt.getTime());
    const resolvePromise = hours(t.resolveDueAt.getTime() - t.openedAt.getTime());
    if (t.acknowledgedAt ? t.acknowledgedAt.getTime() > t.ackDueAt.getTime() : now > t.ackDueAt.getTime()) {
      return breached(t.acknowledgedAt
        ? `${opened} acknowledged ${hours(t.acknowledgedAt.getTime() - t.openedAt.getTime())} h later; promised ${ackPromise} h`
        : `${opened} not acknowledged by ${districtTime(t.ackDueAt)}; promised ${ackPromise} h`);
    }
    if (t.resolvedAt ? t.resolvedAt.getTime() > t.resolveDueAt.getTime() : now > t.resolveDueAt.getTime()) {
      return breached(t.resolvedAt
        ? `${opened} resolved ${hours(t.resolvedAt.getTime() - t.openedAt.getTime())} h later; promised ${resolvePromise} h`
        : `${opened} not resolved by ${districtTime(t.resolveDueAt)}; promised ${resolvePromise} h`);
    }
    if (!t.acknowledgedAt || !t.resolvedAt) open = true;
  }
  if (open || !periodOver(c, facts.today)) return null;
  return kept(c.clause.dueOn!, tickets.length
    ? `${tickets.length} 急诊 ticket(s) ${period(c)}, each acknowledged and resolved within its promise`
    : `no 急诊 ticket ${period(c)}`);
}

/**
 * APPROVALS_ON_TIME (审批按时办结): the project's approval items submitted from the signing date
 * to dueOn, each due its promised working days after submission (approvalDueOn, shared with the
 * circuit breaker). BREACHED by one decided (approved or rejected) after its due day, or still
 * pending once it passed; KEPT on dueOn once it passed with every one decided in time.
 */
function approvalsOnTime(c: RuledClause, facts: Facts): Verdict {
  const items = facts.approvals
    .filter((i) => i.projectId === c.projectId && i.submittedOn !== null && i.submittedOn >= c.signedOn && (!c.clause.dueOn || i.submittedOn <= c.clause.dueOn))
    .sort((a, b) => a.submittedOn!.localeCompare(b.submittedOn!));
  let open = false;
  for (const item of items) {
    const due = approvalDueOn(facts.calendar, item.submittedOn!, item.promisedWorkingDays);
    const decidedOn = item.status === "APPROVED" ? item.approvedOn : item.status === "REJECTED" ? item.rejectedOn : null;
    if (due === null) {
      open = true; // the calendar cannot say: not kept yet, not broken either
      continue;
    }
    const promise = `promised within ${item.promisedWorkingDays} working days (by ${due})`;
    const label = `${APPROVAL_KINDS[item.kind]?.label ?? item.kind} submitted ${item.submittedOn}`;
    if (decidedOn && decidedOn > due) return breached(`${label}, ${item.status === "APPROVED" ? "approved" : "rejected"} ${decidedOn}; ${promise}`);
    if (!decidedOn && facts.today > due) return breached(`${label}, still pending on ${facts.today}; ${promise}`);
    if (!decidedOn) open = true;
  }
  if (open || !periodOver(c, facts.today)) return null;
  return kept(c.clause.dueOn!, items.length
    ? `${items.length} approval(s) submitted ${period(c)}, each decided within its promised working days`
    : `no approval submitted ${period(c)}`);
}

/**
 * Whether a supervision standard was in the catalog when the letter became binding, from its
 * audit trail: added (standard.create) after that instant, or inactive then (the state its last
 * change before that instant left, or the one its first change after it started from) -> not. A
 * standard with no trail was seeded with the catalog and is what it is now.
 */
function catalogAt(standard: SupervisionStandard, history: AuditEntry[], at: Date): { inCatalog: boolean; why: string } {
  const created = history.find((e) => e.action === "standard.create");
  if (created && created.at.getTime() > at.getTime()) return { inCatalog: false, why: `added to the catalog ${districtTime(created.at)}, after the letter was signed` };
  const activeIn = (json: string | null) => Boolean(json && (JSON.parse(json) as { active?: unknown }).active);
  const last = history.filter((e) => e.at.getTime() <= at.getTime()).at(-1);
  const next = history.find((e) => e.at.getTime() > at.getTime() && e.action === "standard.update");
  const active = last ? activeIn(last.after) : next ? activeIn(next.before) : standard.active;
  return active ? { inCatalog: true, why: "" } : { inCatalog: false, why: "inactive when the letter was signed" };
}

/**
 * NO_ADDED_ITEMS (严禁增设): approvals are the closed list of approval kinds (nothing can be added
 * beyond it); supervision is the 细则标准 in the catalog when the letter became binding. BREACHED
 * by an inspection of the project in the clause's period that checked a standard added after the
 * signing or inactive then; KEPT on dueOn once it passed without one.
 */
function noAddedItems(c: RuledClause, facts: Facts): Verdict {
  const checked = facts.findings.filter((f) => f.projectId === c.projectId && inPeriod(c, f.completedAt)).sort((a, b) => a.completedAt.getTime() - b.completedAt.getTime());
  for (const { finding, completedAt } of checked) {
    const standard = facts.standards.get(finding.standardId);
    if (!standard) continue;
    const { inCatalog, why } = catalogAt(standard, facts.standardHistory.get(standard.id) ?? [], c.signedAt);
    if (!inCatalog) return breached(`inspection of ${districtTime(completedAt)} checked standard ${standard.code} ${standard.title}, ${why} on ${c.signedOn}; 严禁增设`);
  }
  if (!periodOver(c, facts.today)) return null;
  return kept(c.clause.dueOn!, checked.length
    ? `${checked.length} standard check(s) ${period(c)}, all in the catalog at signing; approvals are the closed list of approval kinds`
    : `no inspection ${period(c)}; approvals are the closed list of approval kinds`);
}

/** Each rule, stated on its function. */
const RULES: Record<GovernmentClauseRule, (c: RuledClause, facts: Facts) => Verdict> = {
  SERVICE_TEAM_IN_PLACE: serviceTeamInPlace,
  EMERGENCY_RESPONSE: emergencyResponse,
  APPROVALS_ON_TIME: approvalsOnTime,
  NO_ADDED_ITEMS: noAddedItems,
};

/** The PENDING government clauses with a rule of letters in force (SIGNED, not amended by a signed version), each with its binding signature. */
async function ruledClauses(ctx: RequestContext): Promise<RuledClause[]> {
  const clauses = await ctx
    .repo(CommitmentClause)
    .createQueryBuilder("clause")
    .innerJoin(CommitmentLetter, "letter", "letter.id = clause.letterId")
    .where("clause.fulfilmentStatus = 'PENDING' AND clause.party = 'GOVERNMENT' AND clause.rule IS NOT NULL")
    .andWhere("letter.status = 'SIGNED'")
    .andWhere("NOT EXISTS (SELECT 1 FROM commitment_letter newer WHERE newer.amends_id = letter.id AND newer.status = 'SIGNED')")
    .orderBy("clause.id", "ASC")
    .getMany();
  if (!clauses.length) return [];
  // an amendment binds from the signing of the version its chain starts from
  const letters = new Map<string, CommitmentLetter>();
  let wanted = [...new Set(clauses.map((c) => c.letterId))];
  while (wanted.length) {
    for (const letter of await ctx.repo(CommitmentLetter).findBy({ id: In(wanted) })) letters.set(letter.id, letter);
    wanted = [...new Set([...letters.values()].map((l) => l.amendsId).filter((id): id is string => id !== null && !letters.has(id)))];
  }
  const bindingSince = (letter: CommitmentLetter): Date | null => {
    let first = letter;
    while (first.amendsId && letters.has(first.amendsId)) first = letters.get(first.amendsId)!;
    return first.signedAt ?? letter.signedAt;
  };
  return clauses.flatMap((clause) => {
    const letter = letters.get(clause.letterId)!;
    const signedAt = bindingSince(letter);
    return signedAt ? [{ clause: clause as RuledClause["clause"], projectId: letter.projectId, signedAt, signedOn: districtDate(signedAt) }] : [];
  });
}

/** The facts the clauses' rules read, for their projects only. */
async function factsFor(ctx: RequestContext, clauses: RuledClause[]): Promise<Facts> {
  const now = ctx.clock.now();
  const ids = (rule: GovernmentClauseRule) => [...new Set(clauses.filter((c) => c.clause.rule === rule).map((c) => c.projectId))];
  const [team, emergency, approvals, added] = [ids("SERVICE_TEAM_IN_PLACE"), ids("EMERGENCY_RESPONSE"), ids("APPROVALS_ON_TIME"), ids("NO_ADDED_ITEMS")];
  const [calendar, assignments, tickets, items, inspections] = await Promise.all([
    calendarService.snapshot(ctx),
    team.length ? ctx.repo(ProjectManagerAssignment).findBy({ projectId: In(team) }) : [],
    emergency.length ? ctx.repo(ServiceTicket).findBy({ projectId: In(emergency), stage: "EMERGENCY" }) : [],
    approvals.length ? ctx.repo(ApprovalItem).findBy({ projectId: In(approvals), submittedOn: Not(IsNull()) }) : [],
    added.length ? ctx.repo(JointInspection).findBy({ projectId: In(added), completedAt: Not(IsNull()) }) : [],
  ]);
  const inspectionById = new Map(inspections.map((i) => [i.id, i]));
  const findingRows = inspections.length ? await ctx.repo(InspectionFinding).findBy({ inspectionId: In([...inspectionById.keys()]) }) : [];
  const standardIds = [...new Set(findingRows.map((f) => f.standardId))];
  const [standards, history] = standardIds.length
    ? await Promise.all([
        ctx.repo(SupervisionStandard).findBy({ id: In(standardIds) }),
        ctx.repo(AuditEntry).find({ where: { entityType: "SupervisionStandard", entityId: In(standardIds), action: In(["standard.create", "standard.update"]) }, order: { at: "ASC", id: "ASC" } }),
      ])
    : [[], []];
  const standardHistory = new Map<string, AuditEntry[]>();
  for (const entry of history) standardHistory.set(entry.entityId, [...(standardHistory.get(entry.entityId) ?? []), entry]);
  return {
    now,
    today: districtDate(now),
    calendar,
    assignments,
    tickets,
    approvals: items,
    findings: findingRows.map((finding) => {
      const inspection = inspectionById.get(finding.inspectionId)!;
      return { finding, projectId: inspection.projectId, completedAt: inspection.completedAt! };
    }),
    standards: new Map(standards.map((s) => [s.id, s])),
    standardHistory,
  };
}

/**
 * The decisions the rules reach now on the PENDING government clauses of letters in force; the
 * clauses they cannot decide yet are left out. Reads only: the caller applies each decision by a
 * conditional UPDATE on PENDING, so that sweeps on several instances make each effect once.
 */
export async function judgeGovernmentClauses(ctx: RequestContext): Promise<ClauseJudgement[]> {
  const clauses = await ruledClauses(ctx);
  if (!clauses.length) return [];
  const facts = await factsFor(ctx, clauses);
  return clauses.flatMap((c) => {
    const verdict = RULES[c.clause.rule]?.(c, facts);
    return verdict ? [{ clauseId: c.clause.id, rule: c.clause.rule, ...verdict, judgement: verdict.judgement.slice(0, 1000) }] : [];
  });
}

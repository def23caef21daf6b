import type { RequestContext } from "../core/context";
import { AppError } from "../core/errors";
import { calendarService, type CalendarSnapshot } from "../modules/calendar/calendar.service";
import { addDays, districtDate } from "../core/dates";
import { Project } from "../modules/projects/project.entity";
import { projectService } from "../modules/projects/project.service";
import type { DemoRefs } from "./seed";
import { demoUpload } from "./documents.seed";
import { APPROVAL_KINDS, ApprovalItem, type ApprovalKind } from "../modules/instep/approval.entity";
import { approvalService } from "../modules/instep/approval.service";
import { Building } from "../modules/instep/building.entity";
import { buildingService } from "../modules/instep/building.service";
import { milestoneService } from "../modules/instep/milestone.service";
import { outstandingDeferredItems } from "../modules/instep/path-gates";
import { SurveyCommission } from "../modules/instep/survey.entity";
import { surveyService } from "../modules/instep/survey.service";
import type { MilestoneDates } from "../modules/projects/project-milestones";
import { DeferrableItem } from "../modules/fast-track/deferrable-item.entity";
import { DeferredItem } from "../modules/fast-track/deferred-item.entity";

/** Land contract days for projects that have none yet (交地即开工 story). */
const LAND_CONTRACTS = ["2025-03-10", "2025-04-14", "2025-06-09", "2025-09-15"];
/** Names the district reports (力升创投二期, 聚芯源二期, 共享产业园) are preferred when the projects exist. */
const STORY_NAMES = ["力升", "聚芯源", "共享产业园"];
/** 交地同步开工: the start-phase approvals submitted together on the land contract day, and the working days each takes. */
const START_ITEMS: Array<[ApprovalKind, number]> = [["FILING", 3], ["PLANNING_PERMIT", 8], ["CONSTRUCTION_PERMIT", 10]];

/** Working days from a day (negative: before it); throws CALENDAR_YEAR_UNKNOWN where the calendar does not know a year. */
export type WorkingDays = (n: number, from: string) => string;

/** What the in-step story of one project does beyond its milestones. */
export interface InStepOptions {
  /** The start-phase approvals its team applies for on the land contract day (default: filing, planning and construction permits). */
  startKinds?: ApprovalKind[];
  /** 凭证开工: construction starts on the approved permit, so the start-phase approvals are decided by the start day at the latest. */
  startOnPermit?: boolean;
}

type PlannedItem = { kind: ApprovalKind; submittedOn: string; decideOn: string | null; citesSurvey?: boolean };

/** One project's in-step story as dated steps, computed before anything is written (a calendar year unknown throws here, not half-way). */
export interface InStepSchedule {
  plan: Partial<MilestoneDates>;
  startItems: PlannedItem[];
  buildings: Array<{ name: string; partKind: Building["partKind"]; requiredForTrialProduction: boolean; acceptOn: string | null }>;
  trialItem: PlannedItem | null;
  survey: { commissionOn: string; deliverOn: string } | null;
  completionItems: PlannedItem[];
}

export function planInStep(plan: Partial<MilestoneDates>, wd: WorkingDays, options: InStepOptions = {}): InStepSchedule {
  const land = plan.landContractOn;
  if (!land) return { plan, startItems: [], buildings: [], trialItem: null, survey: null, completionItems: [] };
  const kinds = options.startKinds ?? START_ITEMS.map(([k]) => k);
  const clamp = (day: string) => (options.startOnPermit && plan.constructionStartOn && plan.constructionStartOn < day ? plan.constructionStartOn : day);
  const startItems = START_ITEMS.filter(([k]) => kinds.includes(k)).map(([kind, n]) => ({ kind, submittedOn: land, decideOn: clamp(wd(n, land)) }));
  const schedule: InStepSchedule = { plan, startItems, buildings: [], trialItem: null, survey: null, completionItems: [] };
  if (plan.preAcceptanceOn) {
    const pre = plan.preAcceptanceOn;
    schedule.buildings = [
      { name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true, acceptOn: wd(-5, pre) },
      { name: "2号厂房 1-2层", partKind: "FLOOR", requiredForTrialProduction: true, acceptOn: pre },
      { name: "综合楼", partKind: "BUILDING", requiredForTrialProduction: false, acceptOn: null },
    ];
    schedule.trialItem = { kind: "TRIAL_PRODUCTION", submittedOn: pre, decideOn: plan.trialProductionOn ?? null };
  }
  if (plan.completionOn) {
    const completion = plan.completionOn;
    // the days between completion and certificate (18 when there is none yet)
    let span = 18;
    if (plan.certificateOn) {
      span = 0;
      while (wd(span, completion) < plan.certificateOn) span++;
    }
    const half = Math.ceil(span / 2);
    schedule.survey = { commissionOn: wd(-5, completion), deliverOn: completion };
    schedule.completionItems = [
      { kind: "JOINT_ACCEPTANCE", submittedOn: completion, decideOn: wd(half, completion), citesSurvey: true },
      { kind: "COMPLETION_FILING", submittedOn: completion, decideOn: wd(Math.min(half + 1, span), completion), citesSurvey: true },
      { kind: "PROPERTY_REGISTRATION", submittedOn: completion, decideOn: plan.certificateOn ?? null, citesSurvey: true },
    ];
  }
  return schedule;
}

/**
 * Acts out one project's in-step story through the services, each step as its user on its day,
 * nothing after `today`: the land contract; the start-phase approvals submitted together on it
 * (受理 by the handling department) and decided on their days by it, or later, on the day the
 * deferred material an item waits for was supplied (容而不缺: an item whose material is still owed
 * stays SUBMITTED); the construction start filed by the enterprise (开工报备: on the approved permit
 * or on the signed commitment, as the gate allows); at pre-acceptance the parts accepted one by
 * one and trial production approved and started (预验同步试产); at completion one shared survey
 * (多测合一) cited by the completion approvals, and the certificate. A milestone already set is
 * kept; an item of a kind the project already has (through the one window) is left to it.
 */
export async function runInStep(tx: RequestContext, refs: Pick<DemoRefs, "as" | "cadreOf" | "enterpriseIds">, projectId: string, schedule: InStepSchedule): Promise<void> {
  const today = districtDate(tx.clock.now());
  const at = (day: string) => ({ now: () => new Date(`${day}T02:00:00.000Z`) });
  const as = (username: string, day: string) => refs.as(tx, username, at(day));
  const current = () => tx.repo(Project).findOneByOrFail({ id: projectId });
  const initial = await current();
  const key = [...refs.enterpriseIds].find(([, id]) => id === initial.enterpriseId)?.[0];
  const enterprise = key ? `ent.${key}` : "admin";
  const official = (kind: ApprovalKind) => refs.cadreOf(APPROVAL_KINDS[kind].department);
  const surveyor = refs.cadreOf("NATURAL_RESOURCES");
  const acceptor = refs.cadreOf("HOUSING_CONSTRUCTION");
  const { plan } = schedule;
  const due = (day: string | null | undefined): day is string => !!day && day <= today;

  /** A milestone that passes no gate, set when unset and due. */
  const setMilestone = async (column: "landContractOn" | "preAcceptanceOn" | "certificateOn") => {
    const day = plan[column];
    if (due(day) && !(await current())[column]) await projectService.update(as("admin", day), { id: projectId, [column]: day });
  };
  /** A gated milestone (recordProjectMilestone), recorded when unset and due. */
  const recordMilestone = async (milestone: "CONSTRUCTION_START" | "COMPLETION" | "TRIAL_PRODUCTION", column: "constructionStartOn" | "completionOn" | "trialProductionOn", by: string) => {
    const day = plan[column];
    if (due(day) && !(await current())[column]) await milestoneService.record(as(by, day), { projectId, milestone, on: day });
  };
  const items = async (planned: PlannedItem[], surveyResultId: string | null) => {
    for (const p of planned) await seedItem(tx, projectId, p, today, as, official(p.kind), p.citesSurvey ? surveyResultId : null);
  };

  await setMilestone("landContractOn");
  await items(schedule.startItems, null);
  await recordMilestone("CONSTRUCTION_START", "constructionStartOn", enterprise);

  if (plan.preAcceptanceOn && !(await tx.repo(Building).existsBy({ projectId }))) {
    for (const part of schedule.buildings) {
      const building = await buildingService.addBuilding(as(acceptor, due(part.acceptOn) ? part.acceptOn : today), {
        projectId, name: part.name, partKind: part.partKind, requiredForTrialProduction: part.requiredForTrialProduction,
      });
      if (due(part.acceptOn)) await buildingService.recordAcceptance(as(acceptor, part.acceptOn), { buildingId: building.id, passed: true, on: part.acceptOn, note: "分栋预验收通过" });
    }
  }
  await setMilestone("preAcceptanceOn");
  if (schedule.trialItem) await items([schedule.trialItem], null);
  await recordMilestone("TRIAL_PRODUCTION", "trialProductionOn", "admin");

  await recordMilestone("COMPLETION", "completionOn", "admin");
  let resultId: string | null = null;
  const survey = schedule.survey;
  if (survey && due(survey.deliverOn) && !(await tx.repo(SurveyCommission).existsBy({ projectId, stage: "COMPLETION" }))) {
    const commission = await surveyService.commission(as(surveyor, survey.commissionOn), { projectId, stage: "COMPLETION", surveyor: "河源市测绘研究院", on: survey.commissionOn });
    const result = await surveyService.recordResult(as(surveyor, survey.deliverOn), {
      commissionId: commission.id, reference: `HYCH-${survey.deliverOn.slice(0, 4)}-${projectId.slice(0, 4)}`,
      summary: "多测合一: 竣工规划核实测量、房产测绘、地籍测绘一次完成, 成果共享", on: survey.deliverOn,
    });
    resultId = result.id;
  }
  await items(schedule.completionItems, resultId);
  await setMilestone("certificateOn");
}

/**
 * Demo timelines on whatever projects exist (none: nothing is made), through the services (see
 * runInStep); a milestone already set is kept, never overwritten, and items are derived from the
 * project's own milestones:
 * - filing, planning and construction permits submitted together on the land contract day,
 *   approved 3, 8 and 10 working days later;
 * - at completion, one shared survey and joint acceptance, completion filing and property
 *   registration submitted together, registration approved on the certificate day;
 * - at pre-acceptance, the production buildings accepted one by one and trial production
 *   approved on its day (for a project in production without one, 5 working days later).
 * Items are SUBMITTED or NOT_STARTED where their days are after today.
 * Projects past PRE_LANDING without a land contract get the story's milestones: start 12
 * working days after the land contract (48 earlier than the 60-day baseline, on the permit
 * approved 2 days before); the first such project a certificate 18 working days after completion
 * (12 sooner than the 30-day baseline), the second trial production 63 working days (about 3
 * months) before completion. A project whose story falls in a year the calendar does not know is
 * left as it is.
 */
export async function seedInStep(tx: RequestContext, refs: Pick<DemoRefs, "as" | "cadreOf" | "enterpriseIds">): Promise<void> {
  const projects = await tx.repo(Project).find({ order: { createdAt: "ASC", id: "ASC" } });
  const rank = (p: Project) => {
    const i = STORY_NAMES.findIndex((n) => p.name.includes(n));
    return i === -1 ? STORY_NAMES.length : i;
  };
  const calendar = await calendarService.snapshot(tx);
  const wd: WorkingDays = (n, from) => calendar.addWorkingDays(from, n);
  let filled = 0;

  for (const project of [...projects].sort((a, b) => rank(a) - rank(b))) {
    if (!project.landContractOn && (project.stage === "PRE_LANDING" || filled >= LAND_CONTRACTS.length)) continue;
    let schedule: InStepSchedule;
    try {
      const plan: Partial<MilestoneDates> = project.landContractOn ? { ...project } : storyMilestoneDates(calendar, project, filled);
      if (plan.preAcceptanceOn && project.stage === "IN_PRODUCTION") plan.trialProductionOn ??= wd(5, plan.preAcceptanceOn);
      wd(12, plan.landContractOn!);
      schedule = planInStep(plan, wd);
    } catch (error) {
      // A milestone in a year the calendar does not know: leave this project as it is.
      if (error instanceof AppError && error.code === "CALENDAR_YEAR_UNKNOWN") continue;
      throw error;
    }
    if (!project.landContractOn) filled++;
    await runInStep(tx, refs, project.id, schedule);
  }
}

/** MilestoneDates for a project that has none yet (the story's k-th such project). */
function storyMilestoneDates(calendar: CalendarSnapshot, project: Project, k: number): Partial<MilestoneDates> {
  const land = LAND_CONTRACTS[k];
  const plan: Partial<MilestoneDates> = { ...project, signedOn: project.signedOn ?? addDays(land, -30), landContractOn: land, constructionStartOn: project.constructionStartOn ?? calendar.addWorkingDays(land, 12) };
  if (k === 0) {
    plan.completionOn ??= "2026-03-16";
    plan.certificateOn ??= calendar.addWorkingDays(plan.completionOn, 18);
  }
  if (k === 1) {
    plan.preAcceptanceOn ??= "2026-01-19";
    plan.trialProductionOn ??= calendar.addWorkingDays(plan.preAcceptanceOn, 5);
    plan.completionOn ??= calendar.addWorkingDays(plan.trialProductionOn, 63);
  }
  return plan;
}

/**
 * One planned item through the services: added (when the project has none of its kind: one it
 * applied for through the one window is its application's), submitted on its day by the handling
 * department, decided on its day (or on the day the last material it waits for was supplied)
 * when that is today or before, its material is not owed and the items it depends on were
 * approved by then; otherwise it stays SUBMITTED (or NOT_STARTED before its submission day).
 */
async function seedItem(
  tx: RequestContext,
  projectId: string,
  planned: PlannedItem,
  today: string,
  as: (username: string, day: string) => RequestContext,
  official: string,
  surveyResultId: string | null,
): Promise<void> {
  if (await tx.repo(ApprovalItem).existsBy({ projectId, kind: planned.kind })) return;
  const submitted = planned.submittedOn <= today;
  const item = await approvalService.add(as("admin", submitted ? planned.submittedOn : today), { projectId, kind: planned.kind });
  if (!submitted) return;
  await approvalService.submit(as(official, planned.submittedOn), { itemId: item.id, on: planned.submittedOn, surveyResultId });
  const on = await decisionDay(tx, projectId, planned);
  if (!on || on > today) return;
  // an approval issues its document (the permit, certificate or filing notice)
  const issued = await demoUpload(as(official, on), `${planned.kind}.pdf`, `Issued ${planned.kind}`);
  await approvalService.decide(as(official, on), { itemId: item.id, decision: "APPROVED", on, attachmentIds: [issued] });
}

/** The day the item can be decided on: its planned day, or the day the last material it waits for was supplied; null while one is owed or a required item is not approved by then. */
async function decisionDay(tx: RequestContext, projectId: string, planned: PlannedItem): Promise<string | null> {
  if (!planned.decideOn) return null;
  const completion = APPROVAL_KINDS[planned.kind].phase === "COMPLETION";
  if ((await outstandingDeferredItems(tx, projectId, completion ? undefined : [planned.kind])).length) return null;
  const supplied = await tx.repo(DeferredItem).createQueryBuilder("d")
    .innerJoin(DeferrableItem, "c", "c.id = d.deferrableItemId")
    .where("d.projectId = :projectId AND d.status = 'SUPPLIED'", { projectId })
    .andWhere(completion ? "1 = 1" : "c.approvalKind = :kind", { kind: planned.kind })
    .getMany();
  const on = [planned.decideOn, ...supplied.map((d) => d.suppliedOn!).filter(Boolean)].sort().at(-1)!;
  const required = (await approvalService.dependencies(tx)).filter((d) => d.kind === planned.kind).map((d) => d.requiresKind);
  for (const kind of required) {
    const item = await tx.repo(ApprovalItem).findOneBy({ projectId, kind });
    if (item && (item.status !== "APPROVED" || !item.approvedOn || item.approvedOn > on)) return null;
  }
  return on;
}

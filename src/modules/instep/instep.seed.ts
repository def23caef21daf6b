import { Department } from "../departments/department.entity";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { AppError } from "../../core/errors";
import { calendarService, type CalendarSnapshot } from "../calendar/calendar.service";
import { addDays, districtDate } from "../../core/dates";
import { Project } from "../projects/project.entity";
import type { DemoRefs } from "../seed";
import { APPROVAL_KINDS, ApprovalItem, type ApprovalKind } from "./approval.entity";
import { Building, BuildingAcceptance } from "./building.entity";
import { SurveyCommission, SurveyResult } from "./survey.entity";
import { projectStage, type MilestoneDates } from "../projects/project-milestones";

/** Land contract days for projects that have none yet (交地即开工 story). */
const LAND_CONTRACTS = ["2025-03-10", "2025-04-14", "2025-06-09", "2025-09-15"];
/** Names the district reports (力升创投二期, 聚芯源二期, 共享产业园) are preferred when the projects exist. */
const STORY_NAMES = ["力升", "聚芯源", "共享产业园"];

type PlannedItem = { kind: ApprovalKind; submittedOn: string; approvedOn: string | null; surveyResultId?: string | null };

/**
 * Demo timelines on whatever projects exist (none: nothing is made); a milestone already set
 * is kept, never overwritten, and items are derived from the project's own milestones:
 * - filing, planning and construction permits submitted together on the land contract day,
 *   approved 3, 8 and 10 working days later;
 * - at completion, one shared survey and joint acceptance, completion filing and property
 *   registration submitted together, registration approved on the certificate day;
 * - at pre-acceptance, the production buildings accepted one by one and trial production
 *   approved on its day (for a project in production without one, 5 working days later).
 * Items are SUBMITTED or NOT_STARTED where their days are after today.
 * Projects past PRE_LANDING without a land contract get the story's milestones: start 12
 * working days after the land contract (48 earlier than the 60-day baseline); the first such
 * project a certificate 18 working days after completion (12 sooner than the 30-day
 * baseline), the second trial production 63 working days (about 3 months) before completion.
 */
export async function seedInStep(tx: RequestContext, refs: Pick<DemoRefs, "userIds" | "cadreOf">): Promise<void> {
  const projects = await tx.repo(Project).find({ order: { createdAt: "ASC", id: "ASC" } });
  const rank = (p: Project) => {
    const i = STORY_NAMES.findIndex((n) => p.name.includes(n));
    return i === -1 ? STORY_NAMES.length : i;
  };
  const calendar = await calendarService.snapshot(tx);
  const today = districtDate(tx.clock.now());
  // surveys and acceptances by the demo cadres of the departments holding those duties
  const surveyor = refs.userIds.get(refs.cadreOf("NATURAL_RESOURCES")) ?? null;
  const acceptor = refs.userIds.get(refs.cadreOf("HOUSING_CONSTRUCTION")) ?? null;
  let filled = 0;

  for (const project of [...projects].sort((a, b) => rank(a) - rank(b))) {
    if (!project.landContractOn && (project.stage === "PRE_LANDING" || filled >= LAND_CONTRACTS.length)) continue;
    let plan: MilestoneDates;
    try {
      plan = project.landContractOn ? { ...project } : storyMilestoneDates(calendar, project, filled);
      // Trial production is recorded only here (the project seeder cannot: its parts come below).
      if (plan.preAcceptanceOn && project.stage === "IN_PRODUCTION") plan.trialProductionOn ??= calendar.addWorkingDays(plan.preAcceptanceOn, 5);
      calendar.addWorkingDays(plan.landContractOn!, 12);
    } catch (error) {
      // A milestone in a year the calendar does not know: leave this project as it is.
      if (error instanceof AppError && error.code === "CALENDAR_YEAR_UNKNOWN") continue;
      throw error;
    }
    if (!project.landContractOn) filled++;
    const unset = Object.fromEntries(Object.entries(plan).filter(([column, value]) => column.endsWith("On") && value && project[column as keyof MilestoneDates] === null));
    if (Object.keys(unset).length) {
      await tx.repo(Project).update({ id: project.id }, { ...unset, stage: projectStage({ ...project, ...unset }) });
      await recordAudit(tx, { action: "project.milestone", entityType: "Project", entityId: project.id, after: unset });
    }
    const wd = (n: number, from: string) => calendar.addWorkingDays(from, n);
    const land = plan.landContractOn!;
    const items: PlannedItem[] = [
      { kind: "FILING", submittedOn: land, approvedOn: wd(3, land) },
      { kind: "PLANNING_PERMIT", submittedOn: land, approvedOn: wd(8, land) },
      { kind: "CONSTRUCTION_PERMIT", submittedOn: land, approvedOn: wd(10, land) },
    ];
    if (plan.completionOn) {
      const completion = plan.completionOn;
      const resultId = completion <= today ? await seedSurvey(tx, project.id, wd(-5, completion), completion, surveyor) : null;
      const span = plan.certificateOn ? calendar.workingDaysBetween(completion, plan.certificateOn) : 18;
      const half = Math.ceil(span / 2);
      items.push(
        { kind: "JOINT_ACCEPTANCE", submittedOn: completion, approvedOn: wd(half, completion), surveyResultId: resultId },
        { kind: "COMPLETION_FILING", submittedOn: completion, approvedOn: wd(Math.min(half + 1, span), completion), surveyResultId: resultId },
        { kind: "PROPERTY_REGISTRATION", submittedOn: completion, approvedOn: plan.certificateOn, surveyResultId: resultId },
      );
    }
    if (plan.preAcceptanceOn) {
      await seedBuildings(tx, project.id, calendar, plan.preAcceptanceOn, today, acceptor);
      items.push({ kind: "TRIAL_PRODUCTION", submittedOn: plan.preAcceptanceOn, approvedOn: plan.trialProductionOn });
    }
    // each item handled by a cadre of its own department (the remits)
    for (const planned of items) await seedItem(tx, project.id, planned, today, refs.userIds.get(refs.cadreOf(APPROVAL_KINDS[planned.kind].department)) ?? null);
  }
}

/** MilestoneDates for a project that has none yet (the story's k-th such project). */
function storyMilestoneDates(calendar: CalendarSnapshot, project: Project, k: number): MilestoneDates {
  const land = LAND_CONTRACTS[k];
  const plan: MilestoneDates = { ...project, signedOn: project.signedOn ?? addDays(land, -30), landContractOn: land, constructionStartOn: project.constructionStartOn ?? calendar.addWorkingDays(land, 12) };
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

async function seedItem(tx: RequestContext, projectId: string, planned: PlannedItem, today: string, official: string | null): Promise<void> {
  if (await tx.repo(ApprovalItem).existsBy({ projectId, kind: planned.kind })) return;
  const submitted = planned.submittedOn <= today;
  const approved = submitted && planned.approvedOn !== null && planned.approvedOn <= today;
  const item = tx.repo(ApprovalItem).create({
    projectId,
    kind: planned.kind,
    departmentId: (await tx.repo(Department).findOneByOrFail({ code: APPROVAL_KINDS[planned.kind].department })).id,
    status: approved ? "APPROVED" : submitted ? "SUBMITTED" : "NOT_STARTED",
    submittedOn: submitted ? planned.submittedOn : null,
    approvedOn: approved ? planned.approvedOn : null,
    rejectedOn: null,
    note: null,
    handledById: submitted ? official : null,
    surveyResultId: planned.surveyResultId ?? null,
  });
  await tx.repo(ApprovalItem).insert(item);
  await recordAudit(tx, { action: "approval.seed", entityType: "ApprovalItem", entityId: item.id, after: item });
}

async function seedSurvey(tx: RequestContext, projectId: string, commissionedOn: string, deliveredOn: string, official: string | null): Promise<string | null> {
  if (await tx.repo(SurveyCommission).existsBy({ projectId, stage: "COMPLETION" })) return null;
  const commission = tx.repo(SurveyCommission).create({ projectId, stage: "COMPLETION", surveyor: "河源市测绘研究院", commissionedOn, commissionedById: official });
  await tx.repo(SurveyCommission).insert(commission);
  const result = tx.repo(SurveyResult).create({
    commissionId: commission.id, projectId, stage: "COMPLETION", reference: `HYCH-${deliveredOn.slice(0, 4)}-${projectId.slice(0, 4)}`,
    summary: "多测合一: 竣工规划核实测量、房产测绘、地籍测绘一次完成, 成果共享", deliveredOn,
  });
  await tx.repo(SurveyResult).insert(result);
  await recordAudit(tx, { action: "survey.seed", entityType: "SurveyResult", entityId: result.id, after: result });
  return result.id;
}

async function seedBuildings(tx: RequestContext, projectId: string, calendar: CalendarSnapshot, preAcceptance: string, today: string, official: string | null): Promise<void> {
  if (await tx.repo(Building).existsBy({ projectId })) return;
  const parts: Array<[string, Building["partKind"], boolean, string | null]> = [
    ["1号厂房", "BUILDING", true, calendar.addWorkingDays(preAcceptance, -5)],
    ["2号厂房 1-2层", "FLOOR", true, preAcceptance],
    ["综合楼", "BUILDING", false, null],
  ];
  for (const [name, partKind, requiredForTrialProduction, planned] of parts) {
    const acceptedOn = planned && planned <= today ? planned : null;
    const building = tx.repo(Building).create({ projectId, name, partKind, requiredForTrialProduction, acceptedOn });
    await tx.repo(Building).insert(building);
    if (acceptedOn) {
      await tx.repo(BuildingAcceptance).insert(tx.repo(BuildingAcceptance).create({ buildingId: building.id, inspectedOn: acceptedOn, passed: true, note: "分栋预验收通过", recordedById: official }));
    }
    await recordAudit(tx, { action: "building.seed", entityType: "Building", entityId: building.id, after: building });
  }
}

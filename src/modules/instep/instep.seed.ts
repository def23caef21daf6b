import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { AppError } from "../../core/errors";
import { calendarService, type CalendarSnapshot } from "../calendar/calendar.service";
import { addCalendarDays } from "../calendar/local-date";
import { Project } from "../projects/project.entity";
import type { DemoRefs } from "../seed";
import { APPROVAL_KINDS, ApprovalItem, type ApprovalKind } from "./approval.entity";
import { Building, BuildingAcceptance } from "./building.entity";
import { SurveyCommission, SurveyResult } from "./survey.entity";

/** Land contract days of the four projects started on land handover (交地即开工). */
const LAND_CONTRACTS = ["2025-03-10", "2025-04-14", "2025-06-09", "2025-09-15"];
/** Names the district reports (力升创投二期, 聚芯源二期, 共享产业园) are preferred when the projects exist. */
const STORY_NAMES = ["力升", "聚芯源", "共享产业园"];

type Plan = Partial<Pick<Project, "signedOn" | "landContractOn" | "constructionStartOn" | "completionOn" | "certificateOn" | "preAcceptanceOn" | "trialProductionOn">>;

/**
 * Demo timelines on whatever projects exist (none: nothing is made). The first four (the
 * named story projects first) start construction 12 working days after the land contract
 * (48 working days earlier than the 60-day baseline), with filing, planning and construction
 * permits side by side; the first also gets its certificate 18 working days after completion
 * (12 sooner than the 30-day baseline) with one shared completion survey; the second starts
 * trial production on accepted parts 63 working days (about 3 months) before completion.
 * A milestone already set on a project is kept, never overwritten.
 */
export async function seedInStep(tx: RequestContext, refs: DemoRefs): Promise<void> {
  const projects = await tx.repo(Project).find({ order: { createdAt: "ASC", id: "ASC" } });
  const rank = (p: Project) => {
    const i = STORY_NAMES.findIndex((n) => p.name.includes(n));
    return i === -1 ? STORY_NAMES.length : i;
  };
  const chosen = [...projects].sort((a, b) => rank(a) - rank(b)).slice(0, LAND_CONTRACTS.length);
  const calendar = await calendarService.snapshot(tx);
  const official = refs.userIds.get("cadre.wang") ?? refs.userIds.get("admin") ?? null;

  for (const [index, project] of chosen.entries()) {
    const land = project.landContractOn ?? LAND_CONTRACTS[index];
    const wd = (n: number, from = land) => calendar.addWorkingDays(from, n);
    try {
      wd(12);
    } catch (error) {
      // A land contract in a year the calendar does not know: leave this project as it is.
      if (error instanceof AppError && error.code === "CALENDAR_YEAR_UNKNOWN") continue;
      throw error;
    }
    const plan: Plan = { signedOn: addCalendarDays(land, -30), landContractOn: land, constructionStartOn: wd(12) };
    const items: Array<[ApprovalKind, string, string, string | null]> = [
      ["FILING", wd(1), wd(3), null],
      ["PLANNING_PERMIT", wd(1), wd(8), null],
      ["CONSTRUCTION_PERMIT", wd(1), wd(10), null],
    ];
    if (index === 0) {
      const completion = "2026-03-16";
      plan.completionOn = completion;
      plan.certificateOn = wd(18, completion);
      const resultId = await seedSurvey(tx, project.id, wd(-5, completion), wd(1, completion), official);
      items.push(
        ["JOINT_ACCEPTANCE", wd(1, completion), wd(10, completion), resultId],
        ["COMPLETION_FILING", wd(1, completion), wd(12, completion), resultId],
        ["PROPERTY_REGISTRATION", wd(1, completion), wd(18, completion), resultId],
      );
    }
    if (index === 1) {
      const preAcceptance = "2026-01-19";
      plan.preAcceptanceOn = preAcceptance;
      plan.trialProductionOn = wd(5, preAcceptance);
      plan.completionOn = wd(63, plan.trialProductionOn);
      await seedBuildings(tx, project.id, calendar, preAcceptance, official);
      items.push(["TRIAL_PRODUCTION", wd(1, preAcceptance), wd(4, preAcceptance), null]);
    }
    for (const [kind, submittedOn, approvedOn, surveyResultId] of items) {
      if (await tx.repo(ApprovalItem).existsBy({ projectId: project.id, kind })) continue;
      const item = tx.repo(ApprovalItem).create({
        projectId: project.id, kind, department: APPROVAL_KINDS[kind].department, status: "APPROVED",
        submittedOn, approvedOn, rejectedOn: null, note: null, handledById: official, surveyResultId,
      });
      await tx.repo(ApprovalItem).insert(item);
      await recordAudit(tx, { action: "approval.seed", entityType: "ApprovalItem", entityId: item.id, after: item });
    }
    const unset = Object.fromEntries(Object.entries(plan).filter(([column]) => project[column as keyof Plan] === null));
    if (Object.keys(unset).length) {
      await tx.repo(Project).update({ id: project.id }, unset);
      await recordAudit(tx, { action: "project.milestone", entityType: "Project", entityId: project.id, after: unset });
    }
  }
}

async function seedSurvey(tx: RequestContext, projectId: string, commissionedOn: string, deliveredOn: string, official: string | null): Promise<string> {
  const commission = tx.repo(SurveyCommission).create({ projectId, stage: "COMPLETION", surveyor: "河源市测绘研究院", commissionedOn, commissionedById: official });
  await tx.repo(SurveyCommission).insert(commission);
  const result = tx.repo(SurveyResult).create({
    commissionId: commission.id, projectId, stage: "COMPLETION", reference: "HYCH-2026-031",
    summary: "多测合一: 竣工规划核实测量、房产测绘、地籍测绘一次完成, 成果共享", deliveredOn,
  });
  await tx.repo(SurveyResult).insert(result);
  await recordAudit(tx, { action: "survey.seed", entityType: "SurveyResult", entityId: result.id, after: result });
  return result.id;
}

async function seedBuildings(tx: RequestContext, projectId: string, calendar: CalendarSnapshot, preAcceptance: string, official: string | null): Promise<void> {
  const parts: Array<[string, Building["partKind"], boolean, string | null]> = [
    ["1号厂房", "BUILDING", true, calendar.addWorkingDays(preAcceptance, -5)],
    ["2号厂房 1-2层", "FLOOR", true, preAcceptance],
    ["综合楼", "BUILDING", false, null],
  ];
  for (const [name, partKind, requiredForTrialProduction, acceptedOn] of parts) {
    const building = tx.repo(Building).create({ projectId, name, partKind, requiredForTrialProduction, acceptedOn });
    await tx.repo(Building).insert(building);
    if (acceptedOn) {
      await tx.repo(BuildingAcceptance).insert(tx.repo(BuildingAcceptance).create({ buildingId: building.id, inspectedOn: acceptedOn, passed: true, note: "分栋预验收通过", recordedById: official }));
    }
    await recordAudit(tx, { action: "building.seed", entityType: "Building", entityId: building.id, after: building });
  }
}

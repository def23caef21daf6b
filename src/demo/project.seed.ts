import type { RequestContext } from "../core/context";
import type { Clock } from "../core/clock";
import { commitmentService } from "../modules/commitments/commitment.service";
import { catalogService } from "../modules/fast-track/catalog.service";
import { loaderById } from "../core/loaders";
import { DeferrableItem } from "../modules/fast-track/deferrable-item.entity";
import type { DeferredItem } from "../modules/fast-track/deferred-item.entity";
import { deferredItemService } from "../modules/fast-track/deferred-item.service";
import { fastTrackService } from "../modules/fast-track/fast-track.service";
import { BACK_OFFICE_BY_CLASS, type ApplicationClass } from "../modules/intake/application.entity";
import { intakeService } from "../modules/intake/intake.service";
import type { DemoRefs } from "./seed";
import { demoUpload } from "./documents.seed";
import type { FastTrackStatus, ProjectStage } from "../modules/projects/project.entity";
import { projectService } from "../modules/projects/project.service";
import { planInStep, runInStep, type InStepOptions, type WorkingDays } from "./instep.seed";
import { calendarService } from "../modules/calendar/calendar.service";
import { dayNumber } from "../modules/calendar/local-date";
import { addDays, addMonths, districtDate } from "../core/dates";
import { AppError } from "../core/errors";

type Milestones = Partial<Record<"signedOn" | "landContractOn" | "constructionStartOn" | "completionOn" | "certificateOn" | "preAcceptanceOn" | "trialProductionOn", string>>;

/**
 * The day the demo's story is written as of. It is loaded shifted by whole days so that this day
 * is the seeding day (tx.clock): the story holds whenever the demo is loaded (what is overdue, who
 * is past the breaker's months), and the server's sweep at start finds it as the seed left it.
 */
export const STORY_DAY = "2026-12-01";

interface DemoProject {
  enterpriseKey: string;
  code: string;
  name: string;
  industry: string;
  totalInvestment: string;
  landParcel: string | null;
  createdOn: string;
  /** The stage its milestones put it in (derived, never typed; kept as the story's summary). */
  stage: ProjectStage;
  /** The fast-track status the path leaves it in (before the supervision seeder's sweep). */
  fastTrackStatus: FastTrackStatus;
  milestones: Milestones;
  /** Admission day and the deferrals declared, each with what became of it. */
  fastTrack?: {
    on: string;
    deferrals: Array<{ code: string; promisedBy: string; supplied?: string; overdueSeenOn?: string }>;
  };
  /** Letter steps: drafted, enterprise and government signatures; optional amendment. */
  letter?: { draftedOn: string; enterpriseSignedOn?: string; governmentSignedOn?: string; amend?: { on: string; templateCode: string; dueOn: string; enterpriseSignedOn?: string } };
  applications?: Array<{ cls: ApplicationClass; title: string; on: string; upTo: "RECEIVED" | "ROUTED" | "APPROVED" | "REJECTED" | "ISSUED"; note?: string }>;
  /** The in-step approvals beyond the applications (instep.seed runInStep). */
  inStep?: InStepOptions;
  /** Dated from its letter instead of STORY_DAY: the government signed this many months before the seeding day. */
  signedMonthsAgo?: number;
}

/**
 * The district's named projects (特区建工, 华润怡宝, 力升创投二期, 聚芯源二期, 共享产业园) in division
 * 441602, one at each step of the path (dates as of STORY_DAY):
 * - 特区建工·绿色建材基地: NOT_APPLIED, not landed;
 * - 华润怡宝二期: APPLIED, its letter signed by the enterprise only (admission waits for the government);
 * - 特区建工·产业园, 源城共享产业园: ADMITTED, started on commitment (承诺即开工), the permit after;
 * - 华润怡宝基地: ADMITTED, started on its permit, in production;
 * - 聚芯源二期: ADMITTED, started on commitment, letter signed 5 months ago: a month short of the breaker;
 * - 力升创投二期: ADMITTED, started on commitment, no permit and a material overdue: the supervision
 *   seeder's sweep trips its breaker (SUSPENDED, stop-work order).
 * Deferred items in each state, letters signed, half-signed and amended, one-window applications at each step.
 */
export const DEMO_PROJECTS: DemoProject[] = [
  {
    enterpriseKey: "tqjg", code: "2025-441602-47-01-000101", name: "特区建工·源城智能建造产业园", industry: "E4710", totalInvestment: "350000000.00",
    landParcel: "YC-2025-G08", createdOn: "2025-06-10", stage: "UNDER_CONSTRUCTION", fastTrackStatus: "ADMITTED",
    milestones: { signedOn: "2025-06-10", landContractOn: "2025-08-01", constructionStartOn: "2025-08-20" },
    fastTrack: { on: "2025-06-12", deferrals: [
      { code: "ENVIRONMENTAL_IMPACT", promisedBy: "2025-09-30", supplied: "2025-09-18" },
      { code: "CONSTRUCTION_PERMIT", promisedBy: "2025-11-30", supplied: "2025-11-20" },
    ] },
    letter: { draftedOn: "2025-06-13", enterpriseSignedOn: "2025-06-15", governmentSignedOn: "2025-06-16" },
    applications: [{ cls: "PLANNING_PERMIT", title: "建设工程规划许可申请", on: "2025-07-20", upTo: "ISSUED" }],
    // started on commitment; the permit is decided once its material is supplied (容而不缺)
  },
  {
    enterpriseKey: "tqjg", code: "2026-441602-30-01-000102", name: "特区建工·绿色建材基地", industry: "C3021", totalInvestment: "120000000.00",
    landParcel: null, createdOn: "2026-09-01", stage: "PRE_LANDING", fastTrackStatus: "NOT_APPLIED", milestones: { signedOn: "2026-09-01" },
  },
  {
    enterpriseKey: "crby", code: "2025-441602-15-01-000201", name: "华润怡宝河源饮料生产基地", industry: "C1522", totalInvestment: "1200000000.00",
    landParcel: "YC-2025-G02", createdOn: "2025-03-01", stage: "IN_PRODUCTION", fastTrackStatus: "ADMITTED",
    milestones: {
      signedOn: "2025-03-01", landContractOn: "2025-04-10", constructionStartOn: "2025-04-25",
      preAcceptanceOn: "2026-01-20", trialProductionOn: "2026-01-27", completionOn: "2026-03-30", certificateOn: "2026-04-15",
    },
    fastTrack: { on: "2025-03-05", deferrals: [
      // supplied before the planning permit is decided: the start rests on the permit
      { code: "DESIGN_PLAN_REVIEW", promisedBy: "2025-04-18", supplied: "2025-04-14" },
      { code: "FIRE_DESIGN_REVIEW", promisedBy: "2025-06-30", supplied: "2025-06-25" },
    ] },
    letter: { draftedOn: "2025-03-06", enterpriseSignedOn: "2025-03-08", governmentSignedOn: "2025-03-08" },
    applications: [
      { cls: "JOINT_ACCEPTANCE", title: "联合验收申请", on: "2026-03-30", upTo: "ISSUED" },
      { cls: "PROPERTY_REGISTRATION", title: "不动产首次登记", on: "2026-04-01", upTo: "ISSUED" },
    ],
    inStep: { startOnPermit: true },
  },
  {
    enterpriseKey: "crby", code: "2026-441602-15-01-000202", name: "华润怡宝河源饮料基地二期", industry: "C1522", totalInvestment: "680000000.00",
    landParcel: "YC-2026-G07", createdOn: "2026-10-20", stage: "LAND_OBTAINED", fastTrackStatus: "APPLIED",
    milestones: { signedOn: "2026-10-20", landContractOn: "2026-11-16" },
    fastTrack: { on: "2026-11-10", deferrals: [{ code: "ENVIRONMENTAL_IMPACT", promisedBy: "2027-03-31" }] },
    // half-signed: admission (and a start on commitment) waits for the government's signature
    letter: { draftedOn: "2026-11-12", enterpriseSignedOn: "2026-11-14" },
    inStep: { startKinds: ["FILING"] },
  },
  {
    enterpriseKey: "lsct", code: "2025-441602-39-01-000301", name: "力升创投科技园二期", industry: "C3971", totalInvestment: "450000000.50",
    landParcel: "YC-2025-G11", createdOn: "2025-08-15", stage: "UNDER_CONSTRUCTION", fastTrackStatus: "ADMITTED",
    milestones: { signedOn: "2025-08-15", landContractOn: "2025-09-10", constructionStartOn: "2025-09-10" },
    fastTrack: { on: "2025-08-20", deferrals: [
      { code: "ENVIRONMENTAL_IMPACT", promisedBy: "2025-11-30", supplied: "2025-11-28" },
      { code: "FIRE_DESIGN_REVIEW", promisedBy: "2026-01-31", overdueSeenOn: "2026-02-02" },
      { code: "CONSTRUCTION_DRAWING_REVIEW", promisedBy: "2026-02-15", supplied: "2026-02-10" },
    ] },
    letter: { draftedOn: "2025-08-21", enterpriseSignedOn: "2025-08-22", governmentSignedOn: "2025-08-25" },
    // not the fire design review: its material is still owed, and an approval waits for its material (容而不缺)
    applications: [{ cls: "ENVIRONMENTAL_IMPACT", title: "环评审批申请", on: "2026-01-10", upTo: "REJECTED", note: "废水处理工艺论证不足，请补充后重新申报" }],
    // no construction permit applied for: past its 6 months with an overdue material, the breaker trips (supervision seed)
    inStep: { startKinds: ["FILING", "PLANNING_PERMIT"] },
  },
  {
    enterpriseKey: "jxy", code: "2026-441602-39-73-000401", name: "聚芯源半导体二期", industry: "C3973", totalInvestment: "12345678901.23",
    landParcel: "YC-2026-G03", createdOn: "2026-06-01", stage: "UNDER_CONSTRUCTION", fastTrackStatus: "ADMITTED",
    milestones: { signedOn: "2026-06-01", landContractOn: "2026-07-15", constructionStartOn: "2026-07-15" },
    fastTrack: { on: "2026-06-26", deferrals: [
      { code: "DESIGN_PLAN_REVIEW", promisedBy: "2026-08-31", supplied: "2026-08-25" },
      { code: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-12-15" },
      { code: "CONSTRUCTION_PERMIT", promisedBy: "2026-12-20" },
    ] },
    // signed 5 months before the seeding day: started on commitment, a month short of the breaker's 6
    letter: {
      draftedOn: "2026-06-27", enterpriseSignedOn: "2026-06-29", governmentSignedOn: "2026-07-01",
      amend: { on: "2026-09-10", templateCode: "GOV_PARALLEL_APPROVAL", dueOn: "2026-10-15", enterpriseSignedOn: "2026-09-12" },
    },
    signedMonthsAgo: 5,
    applications: [
      { cls: "FILING", title: "企业投资项目备案", on: "2026-06-05", upTo: "ISSUED" },
      { cls: "PLANNING_PERMIT", title: "建设工程规划许可申请", on: "2026-11-20", upTo: "ROUTED" },
      { cls: "CONSTRUCTION_PERMIT", title: "施工许可申请", on: "2026-11-25", upTo: "RECEIVED" },
    ],
  },
  {
    enterpriseKey: "gxcy", code: "2026-441602-70-01-000501", name: "源城共享产业园", industry: "K7010", totalInvestment: "800000000.00",
    landParcel: "YC-2026-G01", createdOn: "2026-03-10", stage: "UNDER_CONSTRUCTION", fastTrackStatus: "ADMITTED",
    milestones: { signedOn: "2026-03-10", landContractOn: "2026-04-20", constructionStartOn: "2026-04-20" },
    fastTrack: { on: "2026-03-15", deferrals: [
      { code: "ENERGY_REVIEW", promisedBy: "2026-05-31", overdueSeenOn: "2026-06-01" },
      { code: "SOIL_WATER_CONSERVATION", promisedBy: "2026-09-10", supplied: "2026-09-01" },
    ] },
    // both signatures: it started on the commitment (承诺即开工); the permit followed, so the breaker does not watch it
    // (its filing waits for the overdue energy review, 容而不缺)
    letter: { draftedOn: "2026-03-16", enterpriseSignedOn: "2026-03-18", governmentSignedOn: "2026-03-19" },
    applications: [{ cls: "ENVIRONMENTAL_IMPACT", title: "环评审批申请", on: "2026-04-02", upTo: "APPROVED", note: "同意建设" }],
  },
];

const NEGATIVE_LIST = [
  { industryCode: "C16", category: "烟草制品业", reason: "烟草制品业实行专卖许可，不适用承诺制准入" },
  { industryCode: "C2511", category: "原油加工及石油制品制造", reason: "高耗能高排放项目须经完整前置审批" },
  { industryCode: "B06", category: "煤炭开采和洗选业", reason: "涉及安全生产与生态红线，不适用容缺受理" },
];

const FRONT_DESK_CADRE = "cadre.zhao";

/** A clock fixed at 10:00 on a district day (02:00 UTC). */
const at = (day: string): Clock => ({ now: () => new Date(`${day}T02:00:00.000Z`) });
const daysBetween = (from: string, to: string) => dayNumber(to) - dayNumber(from);

/**
 * Builds the demo through the services themselves (rules, gates, audit trail), each step as its
 * user on its day: the story's days moved to the seeding day (STORY_DAY), a project dated from its
 * letter (signedMonthsAgo) moved so that its letter was signed that many months before it.
 */
export async function seedProjects(tx: RequestContext, refs: DemoRefs): Promise<void> {
  const today = districtDate(tx.clock.now());
  const calendar = await calendarService.snapshot(tx);
  // where the calendar does not know a year, about 7 days for 5 working days
  const wd: WorkingDays = (n, from) => {
    try {
      return calendar.addWorkingDays(from, n);
    } catch (error) {
      if (error instanceof AppError && error.code === "CALENDAR_YEAR_UNKNOWN") return addDays(from, Math.sign(n) * Math.ceil((Math.abs(n) * 7) / 5));
      throw error;
    }
  };
  const storyShift = daysBetween(STORY_DAY, today);
  const as = (username: string, day: string) => refs.as(tx, username, at(day));
  for (const entry of NEGATIVE_LIST) await catalogService.addNegativeListEntry(as("admin", addDays("2025-01-02", storyShift)), entry);

  for (const story of DEMO_PROJECTS) {
    const shift = story.signedMonthsAgo && story.letter?.governmentSignedOn
      ? daysBetween(story.letter.governmentSignedOn, addMonths(today, -story.signedMonthsAgo))
      : storyShift;
    const demo = shiftDates(story, shift);
    const ent = `ent.${demo.enterpriseKey}`;
    const project = await projectService.create(as("admin", demo.createdOn), {
      code: demo.code, name: demo.name, enterpriseId: refs.enterpriseIds.get(demo.enterpriseKey)!, industry: demo.industry,
      totalInvestment: demo.totalInvestment, landParcel: demo.landParcel, signedOn: demo.milestones.signedOn,
    });
    if (demo.fastTrack) {
      // 承诺前审核: the enterprise applies (APPLIED); the letter follows, and admission with its second signature
      await fastTrackService.apply(as(ent, demo.fastTrack.on), {
        projectId: project.id,
        deferredItems: demo.fastTrack.deferrals.map((d) => ({ itemCode: d.code, promisedBy: d.promisedBy })),
      });
    }
    if (demo.letter) {
      const letter = await commitmentService.draft(as("admin", demo.letter.draftedOn), { projectId: project.id, dueDates: [] });
      if (demo.letter.enterpriseSignedOn) await commitmentService.sign(as(ent, demo.letter.enterpriseSignedOn), letter.id);
      if (demo.letter.governmentSignedOn) await commitmentService.sign(as("admin", demo.letter.governmentSignedOn), letter.id);
      const amend = demo.letter.amend;
      if (amend) {
        const v2 = await commitmentService.amend(as("admin", amend.on), { letterId: letter.id, dueDates: [{ templateCode: amend.templateCode, dueOn: amend.dueOn }] });
        if (amend.enterpriseSignedOn) await commitmentService.sign(as(ent, amend.enterpriseSignedOn), v2.id);
      }
    }
    if (demo.fastTrack) {
      const items: DeferredItem[] = await deferredItemService.forProject(as("admin", demo.createdOn), project.id);
      const byCode = new Map(await Promise.all(items.map(async (i) => [(await loaderById(tx, DeferrableItem).load(i.deferrableItemId))!.code, i] as const)));
      for (const d of demo.fastTrack.deferrals) {
        const item = byCode.get(d.code)!;
        // the reform office receives materials before the project's team is formed
        if (d.supplied) {
          const material = await demoUpload(as("admin", d.supplied), `${d.code}.pdf`, `Material ${d.code}`);
          await deferredItemService.recordSupplied(as("admin", d.supplied), { deferredItemId: item.id, suppliedOn: d.supplied, attachmentIds: [material] });
        }
        if (d.overdueSeenOn) await deferredItemService.markOverdue(as("admin", d.overdueSeenOn), item.id);
      }
    }
    for (const a of demo.applications ?? []) {
      // 前台综合受理 takes it in and routes it; the back office of its class decides (and so decides its approval item); the one window issues
      const application = await intakeService.submit(as(FRONT_DESK_CADRE, a.on), { projectId: project.id, applicationClass: a.cls, title: a.title });
      if (a.upTo === "RECEIVED") continue;
      await intakeService.route(as(FRONT_DESK_CADRE, a.on), application.id);
      if (a.upTo === "ROUTED") continue;
      const backOffice = as(refs.cadreOf(BACK_OFFICE_BY_CLASS[a.cls]), a.on);
      const approved = a.upTo !== "REJECTED";
      // an approval issues its document (the permit, certificate or filing notice)
      const issued = approved ? [await demoUpload(backOffice, `${a.cls}.pdf`, `Issued ${a.cls}`)] : [];
      await intakeService.decide(backOffice, { applicationId: application.id, approved, note: a.note, attachmentIds: issued });
      if (a.upTo !== "ISSUED") continue;
      await intakeService.issue(as(FRONT_DESK_CADRE, a.on), application.id);
    }
    // the milestones and the other approvals, in step, through their gates (承诺即开工, 容而不缺, 预验同步试产)
    await runInStep(tx, refs, project.id, planInStep(demo.milestones, wd, demo.inStep));
    // the story is what the path made of it: a drifted story fails the seed instead of misleading
    const after = await projectService.findVisible(as("admin", today), project.id);
    if (after.fastTrackStatus !== demo.fastTrackStatus || after.stage !== demo.stage) {
      throw new Error(`demo project ${demo.name} ended ${after.fastTrackStatus}/${after.stage}, not ${demo.fastTrackStatus}/${demo.stage}`);
    }
  }
}

/** The story with every date moved by `days`. */
function shiftDates(story: DemoProject, days: number): DemoProject {
  const move = (day: string) => addDays(day, days);
  const moveAll = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? move(v) : v])) as T;
  return {
    ...story,
    createdOn: move(story.createdOn),
    milestones: moveAll(story.milestones),
    fastTrack: story.fastTrack && { on: move(story.fastTrack.on), deferrals: story.fastTrack.deferrals.map(moveAll) },
    letter: story.letter && { ...moveAll(story.letter), amend: story.letter.amend && moveAll(story.letter.amend) },
    applications: story.applications?.map(moveAll),
  };
}

import type { DeepPartial, ObjectLiteral } from "typeorm";
import { BoardTask } from "../../src/modules/board/board-task.entity";
import { CommitmentLetter } from "../../src/modules/commitments/commitment.entity";
import { Application } from "../../src/modules/intake/application.entity";
import { InspectionFinding, JointInspection, JointInspectionDepartment, SupervisionStandard } from "../../src/modules/supervision/supervision.entity";
import { ServiceTicket } from "../../src/modules/tickets/service-ticket.entity";
import type { DepartmentCode } from "../../src/modules/departments/department.entity";
import { cadreOf, teamOf, type Caller } from "../instep/callers";
import { approvalItem } from "../supervision/fixtures";
import { deferredItem, makeEnterprise, makeProject } from "../support/fixtures";
import type { TestServer } from "../support/server";

const HOUR = 3_600_000;
const LOW_IDS = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003"];

/**
 * One district's to-dos, written straight to the database: a project P of enterprise E with its
 * manager, another enterprise's project Q, and for every kind of to-do records that wait on
 * someone and records that wait on nobody (closed, supplied, passed, another's). `expected`
 * names, per caller, the subjects of their list in its order, with the kind of each.
 */
export async function todoWorld(server: TestServer) {
  const ds = server.app.services.dataSource;
  const now = server.clock.now();
  const at = (hours: number) => new Date(now.getTime() + hours * HOUR);
  const insert = async <T extends ObjectLiteral>(entity: new () => T, fields: NoInfer<DeepPartial<T>>): Promise<T> => {
    const repo = ds.getRepository(entity);
    const row = repo.create(fields);
    await repo.insert(row);
    return row;
  };
  const department = async (code: DepartmentCode) => (await server.department(code)).id;

  const admin = await server.user("ADMIN");
  const enterprise = await makeEnterprise(server, "甲企业");
  const otherEnterprise = await makeEnterprise(server, "乙企业");
  const p = await makeProject(server, enterprise.id, { name: "甲项目" });
  const q = await makeProject(server, otherEnterprise.id, { name: "乙项目" });
  const { manager, member } = await teamOf(server, admin.token, p.id);
  const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  const otherOwner = await server.user("ENTERPRISE", { enterpriseId: otherEnterprise.id });
  const claimant = await server.user("CADRE");
  const otherClaimant = await server.user("CADRE");
  const housing: Caller = await cadreOf(server, "HOUSING_CONSTRUCTION", "住建干部");
  const natural: Caller = await cadreOf(server, "NATURAL_RESOURCES", "自然资源干部");
  const transport: Caller = await cadreOf(server, "TRANSPORT", "交通干部");

  // tickets of P assigned to its manager; one raised by P's enterprise and resolved; one of Q raised by Q's
  const ticket = (fields: DeepPartial<ServiceTicket>) =>
    insert(ServiceTicket, {
      projectId: p.id, stage: "GUIDANCE", title: "工单", description: "d", status: "OPEN", raisedById: owner.user.id, assigneeId: manager.user.id,
      openedAt: at(-24), ackDueAt: at(2), resolveDueAt: at(48), ...fields,
    });
  const ackSoon = await ticket({ title: "尽快受理" });
  const ackSoonToo = await ticket({ title: "同时受理" });
  const ackLate = await ticket({ title: "超时未受理", ackDueAt: at(-1) });
  const inProgress = await ticket({ title: "办理中", status: "IN_PROGRESS", acknowledgedAt: at(-20), ackDueAt: at(-22), resolveDueAt: at(5) });
  await ticket({ title: "已办结", status: "CLOSED", acknowledgedAt: at(-20), resolvedAt: at(-12), closedAt: at(-11) });
  const members = await ticket({ title: "成员的", assigneeId: member.user.id, ackDueAt: at(3) });
  const toConfirm = await ticket({ title: "待确认", status: "RESOLVED", acknowledgedAt: at(-20), resolvedAt: at(-10) });
  const otherToConfirm = await ticket({ projectId: q.id, title: "乙待确认", raisedById: otherOwner.user.id, assigneeId: null, status: "RESOLVED", acknowledgedAt: at(-20), resolvedAt: at(-30) });
  // raised by P's enterprise user on Q's ticket (the API lets nobody do so): Q's record, which P's user never sees
  await ticket({ projectId: q.id, title: "乙的工单", assigneeId: null, status: "RESOLVED", acknowledgedAt: at(-20), resolvedAt: at(-10) });

  // board tasks
  const task = (fields: DeepPartial<BoardTask>) =>
    insert(BoardTask, {
      title: "任务", description: "d", category: "KEY_WORK", projectId: p.id, publishedById: admin.user.id, publishedAt: at(-100), dueAt: at(72),
      status: "CLAIMED", claimantId: claimant.user.id, claimedAt: at(-50), firstClaimedAt: at(-50), pledge: "按期完成", ...fields,
    });
  const heldLater = await task({ title: "三天后到期" });
  const heldSooner = await task({ title: "明天到期", projectId: null, dueAt: at(24) });
  // ties on the due time are broken by the kind order: the later kind gets the lower id, so that the id alone would order them the other way
  const submitted = await task({ id: LOW_IDS[0], title: "已提交", status: "SUBMITTED", submittedAt: at(-2) });
  await task({ title: "别人揭榜", claimantId: otherClaimant.user.id });
  await task({ title: "已兑现", status: "FULFILLED", submittedAt: at(-30), verifiedAt: at(-20) });
  // due at the very instant the scheduled inspection's day ends: the kind order decides
  const housingTask = await task({ title: "住建揭榜", claimantId: housing.user.id, dueAt: new Date("2026-03-04T16:00:00.000Z") });

  // deferred materials (容缺) of P and Q
  const deferredLater = await deferredItem(server, p.id, "ENERGY_REVIEW", "2026-03-10");
  const deferredOverdue = await deferredItem(server, p.id, "SOIL_WATER_CONSERVATION", "2026-02-20", "OVERDUE");
  // due after the ticket to confirm was resolved and before it closes by itself: a page after it must still find the ticket
  const deferredSoon = await deferredItem(server, p.id, "DESIGN_PLAN_REVIEW", "2026-03-03");
  await deferredItem(server, p.id, "CIVIL_AIR_DEFENCE_REVIEW", "2026-03-01", "SUPPLIED");
  const otherDeferred = await deferredItem(server, q.id, "ENERGY_REVIEW", "2026-03-12");

  // approvals handled by 住建局: two decided directly, one through a routed one-window application, one not started
  const permit = await approvalItem(server, p.id, "CONSTRUCTION_PERMIT", "2026-03-02"); // 3 working days: 2026-03-05
  const otherFire = await approvalItem(server, q.id, "FIRE_DESIGN_REVIEW", "2026-03-02"); // 5 working days: 2026-03-09
  const fire = await approvalItem(server, p.id, "FIRE_DESIGN_REVIEW", "2026-03-02");
  await approvalItem(server, p.id, "JOINT_ACCEPTANCE", "2026-03-02", { status: "NOT_STARTED", submittedOn: null });
  const application = await insert(Application, {
    id: LOW_IDS[1], projectId: p.id, applicationClass: "FIRE_DESIGN_REVIEW", title: "消防设计审查申请", status: "ROUTED", departmentId: await department("HOUSING_CONSTRUCTION"), approvalItemId: fire.id,
    receivedById: admin.user.id, receivedAt: at(-3), routedById: admin.user.id, routedAt: at(-2),
  });

  // joint inspections: one scheduled (自然资源局 leads, 住建局 takes part), one completed with findings (住建局, 水务局)
  const standards = await ds.getRepository(SupervisionStandard).find({ order: { code: "ASC" } });
  const scheduled = await insert(JointInspection, { id: LOW_IDS[2], projectId: p.id, scheduledOn: "2026-03-04", leadDepartmentId: await department("NATURAL_RESOURCES"), status: "SCHEDULED", scheduledById: admin.user.id });
  const done = await insert(JointInspection, { projectId: p.id, scheduledOn: "2026-02-10", leadDepartmentId: await department("HOUSING_CONSTRUCTION"), status: "COMPLETED", scheduledById: admin.user.id, completedAt: at(-400) });
  await insert(JointInspection, { projectId: q.id, scheduledOn: "2026-03-05", leadDepartmentId: await department("WATER_AFFAIRS"), status: "CANCELLED", scheduledById: admin.user.id });
  for (const [inspection, codes] of [[scheduled, ["NATURAL_RESOURCES", "HOUSING_CONSTRUCTION"]], [done, ["HOUSING_CONSTRUCTION", "WATER_AFFAIRS"]]] as const) {
    for (const [i, code] of codes.entries()) await insert(JointInspectionDepartment, { inspectionId: inspection.id, departmentId: await department(code), sortOrder: i });
  }
  const finding = (i: number, fields: DeepPartial<InspectionFinding>) =>
    insert(InspectionFinding, { inspectionId: done.id, standardId: standards[i].id, passed: false, note: null, followUpDueOn: "2026-03-06", followUpStatus: "OPEN", followUpResolvedAt: null, ...fields });
  const findingOpen = await finding(0, {});
  const findingOpenToo = await finding(4, {});
  const findingOverdue = await finding(1, { followUpDueOn: "2026-02-25", followUpStatus: "OVERDUE" });
  await finding(2, { passed: true, followUpDueOn: null, followUpStatus: "NONE" });
  await finding(3, { followUpStatus: "RESOLVED", followUpResolvedAt: at(-5) });

  // commitment letters: P's draft nobody signed; Q's draft its enterprise signed; a signed one
  const letter = (fields: DeepPartial<CommitmentLetter>) =>
    insert(CommitmentLetter, {
      version: 1, amendsId: null, status: "DRAFT", draftedById: admin.user.id, enterpriseSignedAt: null, enterpriseSignedById: null,
      governmentSignedAt: null, governmentSignedById: null, signedAt: null, createdAt: at(-5), ...fields,
    });
  const draft = await letter({ projectId: p.id });
  const otherDraft = await letter({ projectId: q.id, enterpriseSignedAt: at(-2), enterpriseSignedById: otherOwner.user.id });
  const p2 = await makeProject(server, enterprise.id, { name: "甲二期" });
  await letter({ projectId: p2.id, status: "SIGNED", enterpriseSignedAt: at(-9), governmentSignedAt: at(-8), signedAt: at(-8) });
  // the government signed first: waits on the enterprise only
  const p3 = await makeProject(server, enterprise.id, { name: "甲三期" });
  const governmentSigned = await letter({ projectId: p3.id, governmentSignedAt: at(-1), governmentSignedById: admin.user.id });

  type Row = [kind: string, id: string];
  const byId = (a: Row, b: Row) => (a[1] < b[1] ? -1 : 1);
  const expected: Record<string, Row[]> = {
    manager: [
      ["TICKET_TO_ACKNOWLEDGE", ackLate.id],
      ...([["TICKET_TO_ACKNOWLEDGE", ackSoon.id], ["TICKET_TO_ACKNOWLEDGE", ackSoonToo.id]] as Row[]).sort(byId),
      ["TICKET_TO_RESOLVE", inProgress.id],
      ["LETTER_TO_SIGN", draft.id],
    ],
    claimant: [["TASK_HELD", heldSooner.id], ["TASK_HELD", heldLater.id]],
    admin: [...([["LETTER_TO_SIGN", draft.id], ["LETTER_TO_SIGN", otherDraft.id]] as Row[]).sort(byId), ["TASK_TO_VERIFY", submitted.id]],
    housing: [
      ["FINDING_TO_FOLLOW_UP", findingOverdue.id],
      ["TASK_HELD", housingTask.id],
      ["INSPECTION_TO_RECORD", scheduled.id],
      ["APPROVAL_TO_DECIDE", permit.id],
      ...([["FINDING_TO_FOLLOW_UP", findingOpen.id], ["FINDING_TO_FOLLOW_UP", findingOpenToo.id]] as Row[]).sort(byId),
      ["APPROVAL_TO_DECIDE", otherFire.id],
      ["APPLICATION_TO_DECIDE", application.id],
    ],
    natural: [["INSPECTION_TO_RECORD", scheduled.id]],
    transport: [],
    member: [["TICKET_TO_ACKNOWLEDGE", members.id]],
    owner: [
      ["DEFERRED_ITEM_DUE", deferredOverdue.id], ["DEFERRED_ITEM_DUE", deferredSoon.id], ["TICKET_TO_CONFIRM", toConfirm.id], ["DEFERRED_ITEM_DUE", deferredLater.id],
      ...([["LETTER_TO_SIGN", draft.id], ["LETTER_TO_SIGN", governmentSigned.id]] as Row[]).sort(byId),
    ],
    otherOwner: [["TICKET_TO_CONFIRM", otherToConfirm.id], ["DEFERRED_ITEM_DUE", otherDeferred.id]],
  };
  const callers = { admin, manager, member, claimant, housing, natural, transport, owner, otherOwner };
  return {
    callers, expected, p, q, enterprise, otherEnterprise,
    records: { ackSoon, ackLate, inProgress, toConfirm, otherToConfirm, heldSooner, heldLater, submitted, deferredSoon, deferredLater, deferredOverdue, otherDeferred, permit, otherFire, fire, application, scheduled, findingOpen, findingOverdue, draft, otherDraft, governmentSigned },
  };
}

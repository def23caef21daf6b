import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { auditOf, createEnterprise, createProject } from "../projects/fixtures";
import { approvalItem } from "./fixtures";

// 政府承诺 judged by facts: each government clause of a signed letter is KEPT (FULFILLED) or
// BREACHED by its rule from the project's data, by the deadline sweep, once; a clause without a
// rule waits for ADMIN's judgement with a note. The server's 急诊 SLA is 3 h to acknowledge (not
// the default 2 h), which the drafted text must say.

let server: TestServer;
let admin: string;

const APPLY = `mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id fastTrackStatus } }`;
const CLAUSE_FIELDS = "id templateCode party rule ruleWorkingDays text dueOn fulfilmentStatus fulfilledOn judgement";
const DRAFT = `mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { id clauses { ${CLAUSE_FIELDS} } } }`;
const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { id status signedAt } }`;
const LETTER = `query($id: ID!) { commitmentLetter(id: $id) { clauses { ${CLAUSE_FIELDS} } } }`;
const SWEEP = `mutation { runDeadlineSweep { breachedClauses keptClauses } }`;
const RECORD = `mutation($input: RecordClauseFulfilmentInput!) { recordClauseFulfilment(input: $input) { id fulfilmentStatus fulfilledOn judgement } }`;
const CREATE_TEMPLATE = `mutation($input: CreateClauseTemplateInput!) { createClauseTemplate(input: $input) { id code rule ruleWorkingDays } }`;
const UPDATE_TEMPLATE = `mutation($input: UpdateClauseTemplateInput!) { updateClauseTemplate(input: $input) { id rule active } }`;
const TICKET = "id status ackDueAt resolveDueAt";

/** The clock at a district time (UTC+8) on a day. */
const at = (date: string, time = "10:00") => server.clock.set(new Date(`${date}T${time}:00.000+08:00`));
const PERIOD_END = "2026-03-13";

beforeAll(async () => {
  server = await startTestServer({ env: { SLA_EMERGENCY_ACK_HOURS: "3" } });
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

/**
 * A project applied for the fast track with nothing deferred, its letter drafted and signed by
 * both sides on Monday 2026-03-02 10:00 (district time); the government clauses whose period is a
 * date run to Friday 2026-03-13.
 */
async function signedProject(name: string, beforeSigning?: (projectId: string) => Promise<void>, signOn = "2026-03-02") {
  at(beforeSigning ? "2026-02-20" : signOn);
  const enterprise = await createEnterprise(server, admin, name);
  const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  const project = await createProject(server, admin, enterprise.id, { signedOn: beforeSigning ? "2026-02-20" : signOn });
  if (beforeSigning) {
    await beforeSigning(project.id);
    at(signOn);
  }
  expect((await server.gql(APPLY, { input: { projectId: project.id, deferredItems: [] } }, owner.token)).data.applyFastTrack.fastTrackStatus).toBe("APPLIED");
  const dueDates = ["GOV_EMERGENCY_RESPONSE", "GOV_PARALLEL_APPROVAL", "GOV_NO_ADDED_ITEMS"].map((templateCode) => ({ templateCode, dueOn: PERIOD_END }));
  const drafted = await server.gql(DRAFT, { input: { projectId: project.id, dueDates } }, admin);
  expect(drafted.errors).toBeUndefined();
  const letter = drafted.data.draftCommitmentLetter;
  expect((await server.gql(SIGN, { input: { letterId: letter.id } }, owner.token)).errors).toBeUndefined();
  expect((await server.gql(SIGN, { input: { letterId: letter.id } }, admin)).data.signCommitmentLetter.status).toBe("SIGNED");
  /** The letter's clause drafted from the template, as the API shows it now. */
  const clause = async (templateCode: string) => (await server.gql(LETTER, { id: letter.id }, admin)).data.commitmentLetter.clauses.find((c: any) => c.templateCode === templateCode);
  return { enterprise, owner, project, letter, clause };
}

/** Sweeps, reads the clause, sweeps again at the same instant: the second sweep changes nothing, anywhere. */
async function sweepTwice(read: () => Promise<any>) {
  const first = await server.gql(SWEEP, {}, admin);
  expect(first.errors).toBeUndefined();
  const after = await read();
  expect((await server.gql(SWEEP, {}, admin)).data.runDeadlineSweep).toEqual({ breachedClauses: 0, keptClauses: 0 });
  expect(await read()).toEqual(after);
  return after;
}

/** The sweep's audit entries on the clause. */
const fulfilmentEntries = async (clauseId: string) => (await auditOf(server, admin, "CommitmentClause", clauseId)).filter((e) => e.action === "commitmentClause.fulfilment");

test("the drafted government clauses carry their rules, and their text the configured figures", async () => {
  const { letter } = await signedProject("条款文本企业");
  const gov = Object.fromEntries(letter.clauses.filter((c: any) => c.party === "GOVERNMENT").map((c: any) => [c.templateCode, c]));
  expect(Object.fromEntries(Object.entries(gov).map(([code, c]: [string, any]) => [code, [c.rule, c.ruleWorkingDays]]))).toEqual({
    GOV_SERVICE_TEAM: ["SERVICE_TEAM_IN_PLACE", 5],
    GOV_EMERGENCY_RESPONSE: ["EMERGENCY_RESPONSE", null],
    GOV_PARALLEL_APPROVAL: ["APPROVALS_ON_TIME", null],
    GOV_NO_ADDED_ITEMS: ["NO_ADDED_ITEMS", null],
  });
  // one source: the 急诊 promise is the SLA the tickets are opened with (SLA_EMERGENCY_ACK_HOURS=3, resolve 72 h by default)
  expect(gov.GOV_EMERGENCY_RESPONSE.text).toContain("3小时内响应、72小时内解决");
  expect(gov.GOV_EMERGENCY_RESPONSE.text).not.toContain("24小时");
  expect(gov.GOV_SERVICE_TEAM.text).toContain("5个工作日内");
  expect(gov.GOV_NO_ADDED_ITEMS.text).toContain("严禁");
  expect(gov.GOV_NO_ADDED_ITEMS.text).not.toMatch(/\{\w+\}/);
});

describe("SERVICE_TEAM_IN_PLACE: a project manager within 5 working days of signing", () => {
  const assign = async (projectId: string) => {
    const cadre = await server.user("CADRE");
    expect((await server.gql(`mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`, { input: { projectId, cadreId: cadre.user.id } }, admin)).errors).toBeUndefined();
  };

  test("kept on the day the manager was assigned", async () => {
    const { project, clause } = await signedProject("专班守诺企业");
    at("2026-03-04", "15:00");
    await assign(project.id);
    const judged = await sweepTwice(() => clause("GOV_SERVICE_TEAM"));
    expect(judged).toMatchObject({ fulfilmentStatus: "FULFILLED", fulfilledOn: "2026-03-04" });
    expect(judged.judgement).toBe("项目经理人 assigned 2026-03-04; promised within 5 working days of signing on 2026-03-02 (by 2026-03-09)");
    expect(await fulfilmentEntries(judged.id)).toHaveLength(1);
  });

  test("kept on the signing day when a manager was already in place (one replaced before the signing does not count)", async () => {
    const { clause } = await signedProject("专班在岗企业", async (projectId) => {
      await assign(projectId); // 2026-02-20, replaced before the signing
      at("2026-02-27");
      await assign(projectId);
    });
    at("2026-03-03");
    const judged = await sweepTwice(() => clause("GOV_SERVICE_TEAM"));
    expect(judged).toMatchObject({ fulfilmentStatus: "FULFILLED", fulfilledOn: "2026-03-02" });
    expect(judged.judgement).toBe("项目经理人 in place since 2026-02-27, before the letter was signed on 2026-03-02; promised within 5 working days");
  });

  test("breached by a manager assigned after the fifth working day", async () => {
    const { project, clause } = await signedProject("专班迟到企业");
    at("2026-03-10", "08:00");
    await assign(project.id);
    const judged = await sweepTwice(() => clause("GOV_SERVICE_TEAM"));
    expect(judged).toMatchObject({ fulfilmentStatus: "BREACHED", fulfilledOn: null });
    expect(judged.judgement).toBe("项目经理人 assigned only 2026-03-10; promised within 5 working days of signing on 2026-03-02 (by 2026-03-09)");
  });

  test("breached the day after the fifth working day passed with none, not on it", async () => {
    const { clause } = await signedProject("专班违诺企业");
    at("2026-03-09", "23:00"); // the fifth working day itself (Mon 2 + Tue..Fri, Mon 9)
    await server.gql(SWEEP, {}, admin);
    expect(await clause("GOV_SERVICE_TEAM")).toMatchObject({ fulfilmentStatus: "PENDING", judgement: null });
    at("2026-03-10", "09:00");
    const judged = await sweepTwice(() => clause("GOV_SERVICE_TEAM"));
    expect(judged).toMatchObject({ fulfilmentStatus: "BREACHED", fulfilledOn: null });
    expect(judged.judgement).toBe("no 项目经理人 by 2026-03-09; promised within 5 working days of signing on 2026-03-02");
    const [entry] = await fulfilmentEntries(judged.id);
    expect(entry.after).toMatchObject({ fulfilmentStatus: "BREACHED", rule: "SERVICE_TEAM_IN_PLACE" });
  });
});

describe("EMERGENCY_RESPONSE: every 急诊 ticket acknowledged and resolved within its SLA", () => {
  const OPEN = `mutation($input: OpenServiceTicketInput!) { openServiceTicket(input: $input) { ${TICKET} } }`;
  const step = (name: string, ticketId: string) => server.gql(`mutation($input: TicketStatusInput!) { ${name}(input: $input) { ${TICKET} } }`, { input: { ticketId } }, admin);
  async function emergency(projectId: string, ownerToken: string, title: string) {
    const res = await server.gql(OPEN, { input: { projectId, stage: "EMERGENCY", title, description: "施工用水用电急需接通" } }, ownerToken);
    expect(res.errors).toBeUndefined();
    return res.data.openServiceTicket.id as string;
  }

  test("kept once the period is over with every ticket answered in time; a ticket within its SLA keeps it pending", async () => {
    const { project, owner, clause } = await signedProject("急诊守诺企业");
    at("2026-03-03", "10:00");
    const water = await emergency(project.id, owner.token, "水电接入");
    at("2026-03-03", "12:59");
    expect((await step("acknowledgeTicket", water)).errors).toBeUndefined();
    await step("startTicket", water);
    at("2026-03-05", "10:00");
    expect((await step("resolveTicket", water)).data.resolveTicket.status).toBe("RESOLVED");
    // on the period's last evening another one, acknowledged in time and not resolved yet
    at(PERIOD_END, "20:00");
    const road = await emergency(project.id, owner.token, "临时道路");
    at(PERIOD_END, "21:00");
    await step("acknowledgeTicket", road);
    await step("startTicket", road);
    at("2026-03-14", "10:00");
    await server.gql(SWEEP, {}, admin);
    expect(await clause("GOV_EMERGENCY_RESPONSE")).toMatchObject({ fulfilmentStatus: "PENDING", judgement: null });
    at("2026-03-16", "09:00"); // within its 72 h
    await step("resolveTicket", road);
    const judged = await sweepTwice(() => clause("GOV_EMERGENCY_RESPONSE"));
    expect(judged).toMatchObject({ fulfilmentStatus: "FULFILLED", fulfilledOn: PERIOD_END });
    expect(judged.judgement).toBe("2 急诊 ticket(s) from 2026-03-02 to 2026-03-13, each acknowledged and resolved within its promise");
  });

  test("breached as soon as one was acknowledged later than promised, before the period is over", async () => {
    const { project, owner, clause } = await signedProject("急诊违诺企业");
    at("2026-03-03", "10:00");
    const ticket = await emergency(project.id, owner.token, "水电接入");
    at("2026-03-03", "14:00");
    expect((await step("acknowledgeTicket", ticket)).errors).toBeUndefined();
    const judged = await sweepTwice(() => clause("GOV_EMERGENCY_RESPONSE"));
    expect(judged).toMatchObject({ fulfilmentStatus: "BREACHED", fulfilledOn: null });
    expect(judged.judgement).toBe(`急诊 ticket "水电接入" opened 2026-03-03 10:00 acknowledged 4 h later; promised 3 h`);
  });

  test("breached by a ticket left unresolved past its resolve due", async () => {
    const { project, owner, clause } = await signedProject("急诊未办结企业");
    at("2026-03-03", "10:00");
    const ticket = await emergency(project.id, owner.token, "临时用电");
    at("2026-03-03", "11:00");
    await step("acknowledgeTicket", ticket);
    at("2026-03-06", "10:00"); // exactly 72 h: still in time
    await server.gql(SWEEP, {}, admin);
    expect(await clause("GOV_EMERGENCY_RESPONSE")).toMatchObject({ fulfilmentStatus: "PENDING" });
    at("2026-03-06", "10:01");
    const judged = await sweepTwice(() => clause("GOV_EMERGENCY_RESPONSE"));
    expect(judged).toMatchObject({ fulfilmentStatus: "BREACHED", fulfilledOn: null });
    expect(judged.judgement).toBe(`急诊 ticket "临时用电" opened 2026-03-03 10:00 not resolved by 2026-03-06 10:00; promised 72 h`);
  });
});

describe("APPROVALS_ON_TIME: every approval submitted in the period decided within its promised working days", () => {
  test("kept once the period is over, each decided by its due day", async () => {
    const { project, clause } = await signedProject("审批守诺企业");
    // 施工许可, 3 working days from Tue 03-03: due Fri 03-06, approved on it
    await approvalItem(server, project.id, "CONSTRUCTION_PERMIT", "2026-03-03", { status: "APPROVED", approvedOn: "2026-03-06" });
    // 项目备案 on the signing day, 1 working day: rejected the next day
    await approvalItem(server, project.id, "FILING", "2026-03-02", { status: "REJECTED", rejectedOn: "2026-03-03" });
    // submitted before the letter was signed: not the clause's
    await approvalItem(server, project.id, "ENVIRONMENTAL_IMPACT", "2026-02-02", { status: "APPROVED", approvedOn: "2026-03-10" });
    at(PERIOD_END, "18:00");
    await server.gql(SWEEP, {}, admin);
    expect(await clause("GOV_PARALLEL_APPROVAL")).toMatchObject({ fulfilmentStatus: "PENDING" });
    at("2026-03-14");
    const judged = await sweepTwice(() => clause("GOV_PARALLEL_APPROVAL"));
    expect(judged).toMatchObject({ fulfilmentStatus: "FULFILLED", fulfilledOn: PERIOD_END });
    expect(judged.judgement).toBe("2 approval(s) submitted from 2026-03-02 to 2026-03-13, each decided within its promised working days");
  });

  test("breached by one decided after its due day", async () => {
    const { project, clause } = await signedProject("审批逾期办结企业");
    await approvalItem(server, project.id, "CONSTRUCTION_PERMIT", "2026-03-03", { status: "APPROVED", approvedOn: "2026-03-09" });
    at("2026-03-09", "18:00");
    const judged = await sweepTwice(() => clause("GOV_PARALLEL_APPROVAL"));
    expect(judged).toMatchObject({ fulfilmentStatus: "BREACHED", fulfilledOn: null });
    expect(judged.judgement).toBe("施工许可 submitted 2026-03-03, approved 2026-03-09; promised within 3 working days (by 2026-03-06)");
  });

  test("breached by one still pending after its due day, not on it", async () => {
    const { project, clause } = await signedProject("审批逾期未办企业");
    await approvalItem(server, project.id, "PLANNING_PERMIT", "2026-03-03");
    at("2026-03-10", "18:00"); // 5 working days from Tue 03-03: due Tue 03-10
    await server.gql(SWEEP, {}, admin);
    expect(await clause("GOV_PARALLEL_APPROVAL")).toMatchObject({ fulfilmentStatus: "PENDING" });
    at("2026-03-11");
    const judged = await sweepTwice(() => clause("GOV_PARALLEL_APPROVAL"));
    expect(judged).toMatchObject({ fulfilmentStatus: "BREACHED", fulfilledOn: null });
    expect(judged.judgement).toBe("建设工程规划许可 submitted 2026-03-03, still pending on 2026-03-11; promised within 5 working days (by 2026-03-10)");
  });
});

describe("NO_ADDED_ITEMS (严禁增设): inspections check only the standards in force at signing", () => {
  const SCHEDULE = `mutation($input: ScheduleJointInspectionInput!) { scheduleJointInspection(input: $input) { id } }`;
  const FINDINGS = `mutation($input: RecordInspectionFindingsInput!) { recordInspectionFindings(input: $input) { id status } }`;
  async function inspect(projectId: string, standardIds: string[]) {
    const housing = (await server.department("HOUSING_CONSTRUCTION")).id;
    const fire = (await server.department("FIRE_RESCUE")).id;
    const inspector = (await server.user("CADRE", { departmentId: housing })).token;
    const scheduled = await server.gql(SCHEDULE, { input: { projectId, scheduledOn: "2026-03-05", leadDepartmentId: housing, departmentIds: [fire] } }, admin);
    expect(scheduled.errors).toBeUndefined();
    const recorded = await server.gql(FINDINGS, { input: { inspectionId: scheduled.data.scheduleJointInspection.id, results: standardIds.map((standardId) => ({ standardId, passed: true })) } }, inspector);
    expect(recorded.data.recordInspectionFindings.status).toBe("COMPLETED");
  }
  const seeded = async () => (await server.gql(`{ supervisionStandards { id code } }`, {}, admin)).data.supervisionStandards as Array<{ id: string; code: string }>;

  test("kept once the period is over, every standard checked one of the catalog at signing", async () => {
    const { project, clause } = await signedProject("增设守诺企业");
    const standards = await seeded();
    at("2026-03-05", "15:00");
    await inspect(project.id, [standards[0].id, standards[1].id]);
    at(PERIOD_END, "20:00");
    await server.gql(SWEEP, {}, admin);
    expect(await clause("GOV_NO_ADDED_ITEMS")).toMatchObject({ fulfilmentStatus: "PENDING" });
    at("2026-03-14");
    const judged = await sweepTwice(() => clause("GOV_NO_ADDED_ITEMS"));
    expect(judged).toMatchObject({ fulfilmentStatus: "FULFILLED", fulfilledOn: PERIOD_END });
    expect(judged.judgement).toBe("2 standard check(s) from 2026-03-02 to 2026-03-13, all in the catalog at signing; approvals are the closed list of approval kinds");
  });

  test("breached by an inspection checking a standard added after the signing", async () => {
    const { project, clause } = await signedProject("增设违诺企业");
    at("2026-03-04", "09:30");
    const added = await server.gql(`mutation { createSupervisionStandard(input: {code: "S91", title: "额外检查项", phase: DURING}) { id } }`, {}, admin);
    expect(added.errors).toBeUndefined();
    at("2026-03-05", "15:00");
    await inspect(project.id, [(await seeded())[0].id, added.data.createSupervisionStandard.id]);
    const judged = await sweepTwice(() => clause("GOV_NO_ADDED_ITEMS"));
    expect(judged).toMatchObject({ fulfilmentStatus: "BREACHED", fulfilledOn: null });
    expect(judged.judgement).toBe("inspection of 2026-03-05 15:00 checked standard S91 额外检查项, added to the catalog 2026-03-04 09:30, after the letter was signed on 2026-03-02; 严禁增设");
  });

  test("breached by an inspection checking a standard that was inactive when the letter was signed", async () => {
    const UPDATE = `mutation($input: UpdateSupervisionStandardInput!) { updateSupervisionStandard(input: $input) { id active } }`;
    let standardId = "";
    const { project, clause } = await signedProject("停用标准企业", async () => {
      const created = await server.gql(`mutation { createSupervisionStandard(input: {code: "S92", title: "已停用检查项", phase: DURING}) { id } }`, {}, admin);
      standardId = created.data.createSupervisionStandard.id;
      at("2026-02-25");
      expect((await server.gql(UPDATE, { input: { standardId, active: false } }, admin)).data.updateSupervisionStandard.active).toBe(false);
    });
    at("2026-03-03");
    expect((await server.gql(UPDATE, { input: { standardId, active: true } }, admin)).data.updateSupervisionStandard.active).toBe(true);
    at("2026-03-05", "15:00");
    await inspect(project.id, [standardId]);
    const judged = await sweepTwice(() => clause("GOV_NO_ADDED_ITEMS"));
    expect(judged).toMatchObject({ fulfilmentStatus: "BREACHED", fulfilledOn: null });
    expect(judged.judgement).toBe("inspection of 2026-03-05 15:00 checked standard S92 已停用检查项, inactive when the letter was signed on 2026-03-02; 严禁增设");
  });
});

describe("a government clause without a rule, and the rules against hand-made judgements", () => {
  test("stays PENDING past its date; ADMIN judges it only with a note, stored as its judgement", async () => {
    at("2026-03-02");
    const template = await server.gql(CREATE_TEMPLATE, { input: { code: "GOV_SITE_WATER", party: "GOVERNMENT", title: "水电保障", body: "政府承诺于{dueOn}前保障{project}施工水电。", dueDays: 3 } }, admin);
    expect(template.data.createClauseTemplate).toMatchObject({ rule: null, ruleWorkingDays: null });
    const templateId = template.data.createClauseTemplate.id;
    // an active template goes into every letter drafted from now on: retired when this test ends
    onTestFinished(async () => {
      expect((await server.gql(UPDATE_TEMPLATE, { input: { id: templateId, active: false } }, admin)).data.updateClauseTemplate.active).toBe(false);
    });
    const { clause } = await signedProject("无规则条款企业");
    // editing the template never changes a drafted letter
    expect((await server.gql(UPDATE_TEMPLATE, { input: { id: templateId, rule: "NO_ADDED_ITEMS" } }, admin)).data.updateClauseTemplate.rule).toBe("NO_ADDED_ITEMS");
    expect(await clause("GOV_SITE_WATER")).toMatchObject({ rule: null, dueOn: "2026-03-05", fulfilmentStatus: "PENDING" });
    at("2026-06-01");
    await server.gql(SWEEP, {}, admin);
    const waiting = await clause("GOV_SITE_WATER");
    expect(waiting).toMatchObject({ fulfilmentStatus: "PENDING", fulfilledOn: null, judgement: null });

    const withoutNote = await server.gql(RECORD, { input: { clauseId: waiting.id, fulfilled: false } }, admin);
    expect(codeOf(withoutNote)).toBe("BAD_USER_INPUT");
    expect(withoutNote.errors![0].extensions!.field).toBe("note");
    expect(await clause("GOV_SITE_WATER")).toEqual(waiting);
    expect(await fulfilmentEntries(waiting.id)).toHaveLength(0);

    const judged = await server.gql(RECORD, { input: { clauseId: waiting.id, fulfilled: true, fulfilledOn: "2026-03-05", note: "3月5日接通施工水电，现场核实" } }, admin);
    expect(judged.data.recordClauseFulfilment).toEqual({ id: waiting.id, fulfilmentStatus: "FULFILLED", fulfilledOn: "2026-03-05", judgement: "3月5日接通施工水电，现场核实" });
    expect(await fulfilmentEntries(waiting.id)).toHaveLength(1);
  });

  test("recordClauseFulfilment on a clause with a rule is CONFLICT naming the rule, and writes nothing", async () => {
    const { clause } = await signedProject("规则条款企业");
    const before = await clause("GOV_EMERGENCY_RESPONSE");
    for (const input of [{ fulfilled: false, note: "人工判定" }, { fulfilled: true, note: "人工判定" }, { fulfilled: true }]) {
      const res = await server.gql(RECORD, { input: { clauseId: before.id, ...input } }, admin);
      expect(codeOf(res)).toBe("CONFLICT");
      expect(res.errors![0].extensions!.rule).toBe("EMERGENCY_RESPONSE");
    }
    expect(await clause("GOV_EMERGENCY_RESPONSE")).toEqual(before);
    expect(await fulfilmentEntries(before.id)).toHaveLength(0);
  });

  test("only a GOVERNMENT template carries a rule; SERVICE_TEAM_IN_PLACE needs its working days", async () => {
    const enterprise = await server.gql(CREATE_TEMPLATE, { input: { code: "ENT_RULED", party: "ENTERPRISE", title: "x", body: "企业承诺", dueDays: 3, rule: "NO_ADDED_ITEMS" } }, admin);
    expect(codeOf(enterprise)).toBe("BAD_USER_INPUT");
    expect(enterprise.errors![0].extensions!.field).toBe("rule");
    const noDays = await server.gql(CREATE_TEMPLATE, { input: { code: "GOV_TEAM_2", party: "GOVERNMENT", title: "x", body: "{workingDays}日内", dueDays: 3, rule: "SERVICE_TEAM_IN_PLACE" } }, admin);
    expect(noDays.errors![0].extensions!.field).toBe("ruleWorkingDays");
    const templates = (await server.gql(`{ clauseTemplates(includeInactive: true) { id code party rule } }`, {}, admin)).data.clauseTemplates;
    expect(templates.filter((t: any) => ["ENT_RULED", "GOV_TEAM_2"].includes(t.code))).toEqual([]);
    const enterpriseTemplate = templates.find((t: any) => t.party === "ENTERPRISE");
    const update = await server.gql(UPDATE_TEMPLATE, { input: { id: enterpriseTemplate.id, rule: "APPROVALS_ON_TIME" } }, admin);
    expect(update.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "rule" });
  });
});

test("two instances sweeping at the same moment judge each clause once", async () => {
  const { project, letter, clause } = await signedProject("双实例企业");
  await approvalItem(server, project.id, "CONSTRUCTION_PERMIT", "2026-03-03", { status: "APPROVED", approvedOn: "2026-03-04" });
  const other = await startTestServer({ share: server, env: { SLA_EMERGENCY_ACK_HOURS: "3" } });
  try {
    const otherAdmin = (await other.user("ADMIN")).token;
    at("2026-03-16");
    other.clock.set(server.clock.now());
    const reports = await Promise.all([server.gql(SWEEP, {}, admin), other.gql(SWEEP, {}, otherAdmin), server.gql(SWEEP, {}, admin), other.gql(SWEEP, {}, otherAdmin)]);
    for (const r of reports) expect(r.errors).toBeUndefined();
    const government = letter.clauses.filter((c: any) => c.party === "GOVERNMENT");
    const judged = await Promise.all(government.map((c: any) => clause(c.templateCode)));
    expect(Object.fromEntries(judged.map((c: any) => [c.templateCode, c.fulfilmentStatus]))).toEqual({
      GOV_SERVICE_TEAM: "BREACHED", GOV_EMERGENCY_RESPONSE: "FULFILLED", GOV_PARALLEL_APPROVAL: "FULFILLED", GOV_NO_ADDED_ITEMS: "FULFILLED",
    });
    for (const c of government) expect(await fulfilmentEntries(c.id)).toHaveLength(1);
    const total = reports.reduce((n, r) => n + r.data.runDeadlineSweep.breachedClauses + r.data.runDeadlineSweep.keptClauses, 0);
    expect(total).toBeGreaterThanOrEqual(government.length);
  } finally {
    await other.stop();
  }
});

test("a promise whose deadline falls in a year the official calendar does not know yet waits: PENDING, not breached", async () => {
  // signed Monday 2026-12-28: five working days run into 2027, which neither the package nor ADMIN covers here
  const { clause } = await signedProject("跨年企业", undefined, "2026-12-28");
  at("2027-02-01");
  const after = await sweepTwice(() => clause("GOV_SERVICE_TEAM"));
  expect(after).toMatchObject({ fulfilmentStatus: "PENDING", fulfilledOn: null, judgement: null });
});

import { randomUUID } from "node:crypto";
import { getMetadataStorage as validationMetadata } from "class-validator";
import {
  getNamedType, GraphQLID, isEnumType, isInputObjectType, isIntrospectionType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLEnumType, type GraphQLField, type GraphQLInputType, type GraphQLSchema,
} from "graphql";
import { getMetadataStorage as typeGraphqlMetadata } from "type-graphql";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { enumLabels } from "../../src/core/labels";
import { printAppSchema } from "../../src/schema";
import { CommitmentClause } from "../../src/modules/commitments/commitment.entity";
import { ProjectSupervision, SupervisionStandard } from "../../src/modules/supervision/supervision.entity";
import { createEnterprise, createProject } from "../projects/fixtures";
import { codeOf, startTestServer, subscribe, type GraphQLResponse, type TestServer } from "../support/server";

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

const schemaEnums = (schema: GraphQLSchema): GraphQLEnumType[] =>
  Object.values(schema.getTypeMap()).filter((type): type is GraphQLEnumType => isEnumType(type) && !isIntrospectionType(type));

const DICTIONARY = `query($names: [String!]) { dictionary(names: $names) { name description values { value labelZh labelEn description order } } }`;
type Entry = { name: string; description: string | null; values: Array<{ value: string; labelZh: string; labelEn: string; description: string; order: number }> };
const HAN = /\p{Script=Han}/u;

describe("数据字典: the dictionary query", () => {
  test("lists every enum of the schema, without sign-in, each value with zh-CN and English labels, a description and its natural order", async () => {
    const res = await server.gql<{ dictionary: Entry[] }>(DICTIONARY);
    expect(res.errors).toBeUndefined();
    const entries = res.data!.dictionary;
    const names = schemaEnums(server.app.schema).map((type) => type.name).sort();
    expect(entries.map((entry) => entry.name)).toEqual(names);
    expect(names).toEqual(expect.arrayContaining(["TicketStage", "TaskStatus", "RiskLevel", "FastTrackStatus", "UrgentRequestEventType", "DelayCauseKind", "InspectionStatus", "ErrorCode"]));
    for (const entry of entries) {
      const type = server.app.schema.getType(entry.name) as GraphQLEnumType;
      expect(entry.description, entry.name).toBe(type.description);
      // the enum's own order, every value once, numbered from 1
      expect(entry.values.map((v) => v.value), entry.name).toEqual(type.getValues().map((v) => v.name));
      expect(entry.values.map((v) => v.order), entry.name).toEqual(entry.values.map((_, i) => i + 1));
      for (const value of entry.values) {
        expect(value.labelZh, `${entry.name}.${value.value}`).toMatch(HAN);
        expect(value.labelEn, `${entry.name}.${value.value}`).not.toMatch(HAN);
        expect(value.labelEn.length, `${entry.name}.${value.value}`).toBeGreaterThan(0);
        expect(value.description.trim().length, `${entry.name}.${value.value}`).toBeGreaterThan(0);
      }
    }
  });

  test("TicketStage reads 预诊, 导诊, 会诊, 急诊 and states come in lifecycle order, not alphabetical", async () => {
    const res = await server.gql<{ dictionary: Entry[] }>(DICTIONARY, { names: ["TicketStage", "TaskStatus", "RiskLevel", "TicketStatus"] });
    expect(res.errors).toBeUndefined();
    const [stage, task, risk, ticket] = res.data!.dictionary;
    expect(stage.values.map((v) => [v.value, v.labelZh, v.labelEn, v.order])).toEqual([
      ["PRE_DIAGNOSIS", "预诊", "Pre-diagnosis", 1],
      ["GUIDANCE", "导诊", "Guidance", 2],
      ["CONSULTATION", "会诊", "Consultation", 3],
      ["EMERGENCY", "急诊", "Emergency", 4],
    ]);
    expect(task.values.map((v) => v.labelZh)).toEqual(["待揭榜", "已揭榜", "已提交", "已兑现", "未兑现", "已撤榜"]);
    expect(risk.values.map((v) => [v.value, v.labelZh])).toEqual([["LOW", "低风险"], ["MEDIUM", "中风险"], ["HIGH", "高风险"]]);
    expect(ticket.values.map((v) => v.value)).toEqual(["OPEN", "ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED", "CLOSED"]);
  });

  test("names picks enums in the order asked, each once; a name that is no enum of the schema is refused naming it", async () => {
    const res = await server.gql<{ dictionary: Entry[] }>(DICTIONARY, { names: ["RiskLevel", "ErrorCode", "RiskLevel"] });
    expect(res.data!.dictionary.map((e) => e.name)).toEqual(["RiskLevel", "ErrorCode"]);
    const codes = res.data!.dictionary[1].values;
    expect(codes.find((v) => v.value === "NOT_FOUND")).toMatchObject({ labelZh: expect.stringMatching(HAN) });
    const refused = await server.gql(DICTIONARY, { names: ["TicketStage", "Project", "NoSuchEnum"] });
    expect(codeOf(refused)).toBe("BAD_USER_INPUT");
    expect(refused.errors![0].extensions!.field).toBe("names");
    expect(refused.errors![0].message).toContain("Project");
    expect(refused.errors![0].message).toContain("NoSuchEnum");
    expect(refused.data).toBeNull();
  });

  test("the schema describes each value with its labels, and the checked-in SDL keeps the natural order", async () => {
    const res = await server.gql(`{ __type(name: "TicketStage") { enumValues { name description } } }`);
    expect(res.data.__type.enumValues[0]).toEqual({ name: "PRE_DIAGNOSIS", description: expect.stringMatching(/^预诊 \(Pre-diagnosis\): /) });
    const sdl = printAppSchema(server.app.schema);
    const block = sdl.slice(sdl.indexOf("enum TicketStage {"), sdl.indexOf("}", sdl.indexOf("enum TicketStage {")));
    expect([...block.matchAll(/^\s+([A-Z_]+)$/gm)].map((m) => m[1])).toEqual(["PRE_DIAGNOSIS", "GUIDANCE", "CONSULTATION", "EMERGENCY"]);
    // everything else stays sorted
    expect(sdl.indexOf("type BoardTask ")).toBeLessThan(sdl.indexOf("type Project "));
  });
});

describe("every enum is labelled", () => {
  test("each value of each schema enum has a zh-CN label, an English label and a description, in the enum's own order", () => {
    const problems: string[] = [];
    for (const type of schemaEnums(server.app.schema)) {
      if (!type.description) problems.push(`${type.name}: no description`);
      const labels = enumLabels(type.name);
      if (!labels) {
        problems.push(`${type.name}: no labels (register them with labelEnum)`);
        continue;
      }
      const values = type.getValues().map((value) => value.name);
      for (const value of values) {
        const label = labels[value];
        if (!label) problems.push(`${type.name}.${value}: no label`);
        else {
          if (!HAN.test(label.zh)) problems.push(`${type.name}.${value}: zh label "${label.zh}" has no Chinese`);
          if (!label.en.trim() || HAN.test(label.en)) problems.push(`${type.name}.${value}: English label "${label.en}"`);
          if (!label.description.trim()) problems.push(`${type.name}.${value}: no description`);
        }
      }
      const extra = Object.keys(labels).filter((value) => !values.includes(value));
      if (extra.length) problems.push(`${type.name}: labels for values it does not have: ${extra.join(", ")}`);
      if (JSON.stringify(Object.keys(labels)) !== JSON.stringify(values)) problems.push(`${type.name}: the enum's order ${values.join(",")} is not its labels' order ${Object.keys(labels).join(",")}`);
    }
    expect(problems).toEqual([]);
  });
});

describe("every input is described", () => {
  test("every input type, input field, and argument of every field (queries, mutations, subscriptions) has a description", () => {
    const missing: string[] = [];
    for (const type of Object.values(server.app.schema.getTypeMap())) {
      if (isIntrospectionType(type)) continue;
      if (isInputObjectType(type)) {
        if (!type.description?.trim()) missing.push(`input ${type.name}`);
        for (const field of Object.values(type.getFields())) if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
      }
      if (isObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          for (const arg of field.args) if (!arg.description?.trim()) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

const isIdType = (type: GraphQLInputType) => getNamedType(type) === GraphQLID;

describe("ids are validated one way everywhere", () => {
  test("every ID and [ID] input field is validated with IsId (an isUuid rule, on each item of a list)", () => {
    const inputClasses = new Map(typeGraphqlMetadata().inputTypes.map((meta) => [meta.name, meta.target]));
    const unchecked: string[] = [];
    for (const type of Object.values(server.app.schema.getTypeMap())) {
      if (!isInputObjectType(type)) continue;
      const target = inputClasses.get(type.name);
      const rules = target ? validationMetadata().getTargetValidationMetadatas(target, "", true, false) : [];
      for (const field of Object.values(type.getFields())) {
        if (!isIdType(field.type)) continue;
        const list = isListType(isNonNullType(field.type) ? field.type.ofType : field.type);
        const rule = rules.find((r) => r.propertyName === field.name && r.name === "isUuid");
        if (!rule || Boolean(rule.each) !== list) unchecked.push(`${type.name}.${field.name}`);
      }
    }
    expect(unchecked).toEqual([]);
  });

  /** An operation calling `field` with `arg` set to `value`, other required arguments filled in. */
  function callWith(kind: "query" | "subscription", field: GraphQLField<unknown, unknown>, arg: string, value: string) {
    const args = field.args
      .filter((a) => a.name === arg || isNonNullType(a.type))
      .map((a) => `${a.name}: ${JSON.stringify(a.name === arg ? value : isIdType(a.type) ? randomUUID() : "Project")}`);
    const named = getNamedType(field.type);
    const selection = isScalarType(named) || isEnumType(named) ? "" : " { __typename }";
    return `${kind} { ${field.name}(${args.join(", ")})${selection} }`;
  }

  test("every ID argument of a query refuses a malformed id as BAD_USER_INPUT naming it, and a well-formed unknown one is not refused as malformed", async () => {
    const queries = Object.values(server.app.schema.getQueryType()!.getFields());
    const withIds = queries.flatMap((field) => field.args.filter((arg) => isIdType(arg.type)).map((arg) => ({ field, arg: arg.name })));
    expect(withIds.length).toBeGreaterThanOrEqual(10);
    for (const { field, arg } of withIds) {
      const bad = await server.gql(callWith("query", field, arg, "not-an-id"), {}, admin);
      expect({ call: `${field.name}(${arg})`, code: codeOf(bad), field: bad.errors?.[0]?.extensions?.field }).toEqual({ call: `${field.name}(${arg})`, code: "BAD_USER_INPUT", field: arg });
      const unknown = await server.gql(callWith("query", field, arg, randomUUID()), {}, admin);
      expect(unknown.errors?.[0]?.extensions?.field === arg && codeOf(unknown) === "BAD_USER_INPUT", `${field.name}(${arg})`).toBe(false);
    }
    expect(codeOf(await server.gql(`query($id: ID!) { project(id: $id) { id } }`, { id: randomUUID() }, admin))).toBe("NOT_FOUND");
    // worded alike in both languages, argument or input field
    for (const language of ["zh-CN", "en"]) {
      const headers = { "accept-language": language };
      const asArgument = await server.gql(`{ project(id: "x") { id } }`, {}, admin, headers);
      const asField = await server.gql(`mutation { updateProject(input: { id: "x" }) { id } }`, {}, admin, headers);
      expect(asArgument.errors![0]).toMatchObject({ message: asField.errors![0].message, extensions: { code: "BAD_USER_INPUT", field: "id" } });
      expect(asArgument.errors![0].message).toMatch(language === "zh-CN" ? HAN : /must be an id/);
    }
  });

  test("an input field, an [ID] item, a deprecated field and a subscription argument refuse a malformed id the same way, writing nothing", async () => {
    const audits = () => server.app.services.dataSource.getRepository(AuditEntry).count();
    const cadre = (await server.user("CADRE")).token;
    const before = await audits();
    const cases: Array<[string, Record<string, unknown>, string, string?]> = [
      [`mutation($input: ClaimTaskInput!) { claimTask(input: $input) { id } }`, { input: { taskId: "x", pledge: "按期完成" } }, "taskId", cadre],
      [`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id } }`, { input: { id: "12345" } }, "id"],
      [`mutation($input: ScheduleJointInspectionInput!) { scheduleJointInspection(input: $input) { id } }`, { input: { projectId: randomUUID(), scheduledOn: "2026-04-01", leadDepartmentId: randomUUID(), departmentIds: [randomUUID(), "dept-2"] } }, "departmentIds"],
      [`mutation($input: UpdateSupervisionStandardInput!) { updateSupervisionStandard(input: $input) { id } }`, { input: { standardId: "S-01", title: "新标题" } }, "standardId"],
      [`mutation($input: SetRiskLevelInput!) { setProjectRiskLevel(input: $input) { id } }`, { input: { id: "' OR 1=1 --", riskLevel: "HIGH" } }, "id"],
    ];
    for (const [query, variables, field, token = admin] of cases) {
      const res = await server.gql(query, variables, token);
      expect({ field, code: codeOf(res), named: res.errors?.[0]?.extensions?.field }).toEqual({ field, code: "BAD_USER_INPUT", named: expect.stringMatching(new RegExp(`^${field}(\\.\\d+)?$`)) });
    }
    expect(await audits()).toBe(before);
    const sub = subscribe(server.ws(admin), `subscription { urgentRequests(projectId: "nope") { type } }`);
    await expect.poll(() => sub.errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(sub.errors[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "projectId" } });
  });
});

describe("update inputs name their target id; the former names still work, deprecated", () => {
  const UPDATE_STANDARD = `mutation($input: UpdateSupervisionStandardInput!) { updateSupervisionStandard(input: $input) { id title } }`;
  const SET_RISK = `mutation($input: SetRiskLevelInput!) { setProjectRiskLevel(input: $input) { id riskLevel } }`;
  const UPDATE_CLAUSE = `mutation($input: UpdateCommitmentClauseInput!) { updateCommitmentClause(input: $input) { id text } }`;

  const refusedNaming = (res: GraphQLResponse, field: string) => {
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0].extensions!.field).toBe(field);
  };

  test("introspection shows id beside the former name, which is nullable and @deprecated", async () => {
    const res = await server.gql(`query($name: String!) { __type(name: $name) { inputFields(includeDeprecated: true) { name isDeprecated deprecationReason type { kind } } } }`, { name: "UpdateSupervisionStandardInput" });
    const fields = Object.fromEntries(res.data.__type.inputFields.map((f: any) => [f.name, f]));
    expect(fields.id).toMatchObject({ isDeprecated: false, type: { kind: "SCALAR" } });
    expect(fields.standardId).toEqual({ name: "standardId", isDeprecated: true, deprecationReason: "Use id.", type: { kind: "SCALAR" } });
    for (const [input, former] of [["UpdateCommitmentClauseInput", "clauseId"], ["SetRiskLevelInput", "projectId"]]) {
      const other = await server.gql(`query($name: String!) { __type(name: $name) { inputFields(includeDeprecated: true) { name isDeprecated } } }`, { name: input });
      expect(other.data.__type.inputFields).toEqual(expect.arrayContaining([{ name: "id", isDeprecated: false }, { name: former, isDeprecated: true }]));
    }
    expect(printAppSchema(server.app.schema)).toMatch(/standardId: ID @deprecated\(reason: "Use id\."\)/);
  });

  test("updateSupervisionStandard: by id, by the deprecated standardId; both or neither refused naming the field, writing nothing", async () => {
    const created = await server.gql(`mutation($input: CreateSupervisionStandardInput!) { createSupervisionStandard(input: $input) { id } }`, { input: { code: "DICT1", title: "原标题", phase: "DURING" } }, admin);
    const id = created.data.createSupervisionStandard.id;
    const byId = await server.gql(UPDATE_STANDARD, { input: { id, title: "按 id 修改" } }, admin);
    expect(byId.data.updateSupervisionStandard).toEqual({ id, title: "按 id 修改" });
    const byFormer = await server.gql(UPDATE_STANDARD, { input: { standardId: id, title: "按旧字段修改" } }, admin);
    expect(byFormer.data.updateSupervisionStandard).toEqual({ id, title: "按旧字段修改" });
    const audits = await server.app.services.dataSource.getRepository(AuditEntry).countBy({ entityId: id });
    refusedNaming(await server.gql(UPDATE_STANDARD, { input: { id, standardId: id, title: "两个都给" } }, admin), "standardId");
    refusedNaming(await server.gql(UPDATE_STANDARD, { input: { title: "都不给" } }, admin), "id");
    expect((await server.app.services.dataSource.getRepository(SupervisionStandard).findOneByOrFail({ id })).title).toBe("按旧字段修改");
    expect(await server.app.services.dataSource.getRepository(AuditEntry).countBy({ entityId: id })).toBe(audits);
  });

  test("setProjectRiskLevel: by id, by the deprecated projectId; both or neither refused", async () => {
    const enterprise = await createEnterprise(server, admin);
    const project = await createProject(server, admin, enterprise.id);
    expect((await server.gql(SET_RISK, { input: { id: project.id, riskLevel: "HIGH" } }, admin)).data.setProjectRiskLevel).toEqual({ id: project.id, riskLevel: "HIGH" });
    expect((await server.gql(SET_RISK, { input: { projectId: project.id, riskLevel: "MEDIUM" } }, admin)).data.setProjectRiskLevel).toEqual({ id: project.id, riskLevel: "MEDIUM" });
    refusedNaming(await server.gql(SET_RISK, { input: { id: project.id, projectId: project.id, riskLevel: "LOW" } }, admin), "projectId");
    refusedNaming(await server.gql(SET_RISK, { input: { riskLevel: "LOW" } }, admin), "id");
    expect((await server.app.services.dataSource.getRepository(ProjectSupervision).findOneByOrFail({ projectId: project.id })).riskLevel).toBe("MEDIUM");
  });

  test("updateCommitmentClause: by id, by the deprecated clauseId; both or neither refused", async () => {
    const enterprise = await createEnterprise(server, admin);
    const { token } = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
    const project = await createProject(server, admin, enterprise.id);
    const applied = await server.gql(`mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id } }`, { input: { projectId: project.id, deferredItems: [] } }, token);
    expect(applied.errors).toBeUndefined();
    const letter = await server.gql(`mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { clauses { id text } } }`, { input: { projectId: project.id } }, admin);
    const clause = letter.data.draftCommitmentLetter.clauses[0];
    expect((await server.gql(UPDATE_CLAUSE, { input: { id: clause.id, text: "按 id 修改的条款。" } }, admin)).data.updateCommitmentClause).toEqual({ id: clause.id, text: "按 id 修改的条款。" });
    expect((await server.gql(UPDATE_CLAUSE, { input: { clauseId: clause.id, text: "按旧字段修改的条款。" } }, admin)).data.updateCommitmentClause).toEqual({ id: clause.id, text: "按旧字段修改的条款。" });
    refusedNaming(await server.gql(UPDATE_CLAUSE, { input: { id: clause.id, clauseId: clause.id, text: "两个都给。" } }, admin), "clauseId");
    refusedNaming(await server.gql(UPDATE_CLAUSE, { input: { text: "都不给。" } }, admin), "id");
    expect((await server.app.services.dataSource.getRepository(CommitmentClause).findOneByOrFail({ id: clause.id })).text).toBe("按旧字段修改的条款。");
  });
});

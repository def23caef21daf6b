import { addDays, districtDate } from "../../../src/core/dates";
import { creditCodeCheckCharacter } from "../../../src/modules/enterprises/credit-code";
import { DeferrableItem } from "../../../src/modules/fast-track/deferrable-item.entity";
import { DeferredItem } from "../../../src/modules/fast-track/deferred-item.entity";
import { makeProject } from "../../support/fixtures";
import { withOwnUploads, type RemitCases, type World } from "../world";

let n = 0;
const base = 100000 + Math.floor(Math.random() * 800000);

/** A valid unified social credit code no other world uses. */
function creditCode(): string {
  const body = `91441602MA${String(base + ++n).padStart(7, "0")}`.slice(0, 17);
  return body + creditCodeCheckCharacter(body);
}

/** A well-formed project code no other world uses. */
const projectCode = () => `2026-441602-39-01-${String(base + ++n).slice(-6)}`;

/**
 * A negative-list code in section T (国际组织), which no project of the matrix is in: an entry left
 * behind by ADMIN's call must not keep another case's project off the fast track.
 */
const negativeCode = () => `T${String(++n % 10000).padStart(4, "0")}`;

const ADD_NEGATIVE = `mutation($input: NegativeListEntryInput!) { addNegativeListEntry(input: $input) { id industryCode } }`;
const CREATE_DEFERRABLE = `mutation($input: CreateDeferrableItemInput!) { createDeferrableItem(input: $input) { id code } }`;
const SUPPLIED = `mutation($input: RecordDeferredItemSuppliedInput!) { recordDeferredItemSupplied(input: $input) { id status suppliedOn } }`;
const OVERDUE = `mutation($input: MarkDeferredItemOverdueInput!) { markDeferredItemOverdue(input: $input) { id status overdueAt } }`;

const APPLY = `mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id fastTrackStatus deferredItems { id status } } }`;
const WITHDRAW = `mutation($input: WithdrawFastTrackApplicationInput!) { withdrawFastTrackApplication(input: $input) { id fastTrackStatus } }`;
const REFUSE = `mutation($input: RefuseFastTrackApplicationInput!) { refuseFastTrackApplication(input: $input) { id fastTrackStatus } }`;
const DRAFT = `mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { id } }`;

/** A second project of the world's enterprise that has not applied for the fast track. */
const notApplied = (world: World) => makeProject(world.server, world.enterprise.id, { fastTrackStatus: "NOT_APPLIED", fastTrackAdmittedAt: null });

/**
 * An application awaiting both signatures, made through GraphQL: a second project of the world's
 * enterprise applied (with a deferred material) and its letter drafted, as ADMIN. Returns its id.
 */
async function application(world: World): Promise<string> {
  const project = await notApplied(world);
  const promisedBy = addDays(districtDate(world.server.clock.now()), 30);
  await world.must(APPLY, { input: { projectId: project.id, deferredItems: [{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy }] } }, world.admin);
  await world.must(DRAFT, { input: { projectId: project.id } }, world.admin);
  return project.id;
}

/**
 * A PENDING deferral of the world's (admitted) project, promised `days` from today: written
 * straight to the database, since admission through GraphQL refuses a promise in the past.
 */
async function deferredItem(world: World, days: number): Promise<string> {
  const { dataSource } = world.server.app.services;
  const catalog = await dataSource.getRepository(DeferrableItem).findOneByOrFail({ code: "ENVIRONMENTAL_IMPACT" });
  const now = world.server.clock.now();
  const repo = dataSource.getRepository(DeferredItem);
  const item = repo.create({
    projectId: world.project.id,
    deferrableItemId: catalog.id,
    promisedBy: addDays(districtDate(now), days),
    status: "PENDING",
    suppliedOn: null,
    suppliedById: null,
    overdueAt: null,
    createdAt: now,
  });
  await repo.insert(item);
  return item.id;
}

/**
 * Enterprises and projects (the reform office's register), the negative list and the deferrable
 * catalog (its lists, not any project's), admission to the fast track and the deferred materials.
 */
export const projectCases: RemitCases = {
  createEnterprise: {
    projectScoped: false,
    async prepare() {
      return {
        query: `mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { id creditCode } }`,
        variables: { input: { name: `矩阵企业${++n}`, creditCode: creditCode(), legalRepresentative: "李四", contact: "0762-7654321" } },
      };
    },
  },
  updateEnterprise: {
    projectScoped: false,
    async prepare(world) {
      return {
        query: `mutation($input: UpdateEnterpriseInput!) { updateEnterprise(input: $input) { id name } }`,
        variables: { input: { id: world.enterprise.id, name: `改名企业${++n}`, contact: "0762-1111111" } },
      };
    },
  },
  createProject: {
    projectScoped: false,
    async prepare(world) {
      return {
        query: `mutation($input: CreateProjectInput!) { createProject(input: $input) { id code fastTrackStatus } }`,
        variables: { input: { code: projectCode(), name: "矩阵新项目", enterpriseId: world.enterprise.id, industry: "C3971", totalInvestment: "50000000.00" } },
      };
    },
  },
  updateProject: {
    projectScoped: false,
    async prepare(world) {
      return {
        query: `mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id name landParcel } }`,
        variables: { input: { id: world.project.id, name: `改名项目${++n}`, landParcel: "GY2026-01" } },
      };
    },
  },
  addNegativeListEntry: {
    projectScoped: false,
    async prepare() {
      return { query: ADD_NEGATIVE, variables: { input: { industryCode: negativeCode(), category: "国际组织", reason: "矩阵测试" } } };
    },
  },
  removeNegativeListEntry: {
    projectScoped: false,
    async prepare(world) {
      const id = (await world.must(ADD_NEGATIVE, { input: { industryCode: negativeCode(), category: "国际组织", reason: "矩阵测试" } }, world.admin)).addNegativeListEntry.id;
      return { query: `mutation($input: RemoveNegativeListEntryInput!) { removeNegativeListEntry(input: $input) { id industryCode } }`, variables: { input: { id } } };
    },
  },
  createDeferrableItem: {
    projectScoped: false,
    async prepare() {
      return { query: CREATE_DEFERRABLE, variables: { input: { code: `MATRIX_ITEM_${++n}`, name: "矩阵容缺材料", sortOrder: 9000 } } };
    },
  },
  updateDeferrableItem: {
    projectScoped: false,
    async prepare(world) {
      // made here so that the seeded catalog stays as it was
      const id = (await world.must(CREATE_DEFERRABLE, { input: { code: `MATRIX_ITEM_${++n}`, name: "矩阵容缺材料", sortOrder: 9000 } }, world.admin)).createDeferrableItem.id;
      return {
        query: `mutation($input: UpdateDeferrableItemInput!) { updateDeferrableItem(input: $input) { id name active } }`,
        variables: { input: { id, name: "改名容缺材料", active: false } },
      };
    },
  },
  applyFastTrack: {
    async prepare(world) {
      // the world's project is admitted already (only NOT_APPLIED may apply): a second project of its enterprise
      const project = await notApplied(world);
      const promisedBy = addDays(districtDate(world.server.clock.now()), 30);
      return { query: APPLY, variables: { input: { projectId: project.id, deferredItems: [{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy }] } } };
    },
  },
  withdrawFastTrackApplication: {
    async prepare(world) {
      const projectId = await application(world);
      return { query: WITHDRAW, variables: { input: { projectId, reason: "企业决定按常规流程办理" } } };
    },
  },
  refuseFastTrackApplication: {
    async prepare(world) {
      const projectId = await application(world);
      return { query: REFUSE, variables: { input: { projectId, reason: "承诺前审核未通过" } } };
    },
  },
  recordDeferredItemSupplied: {
    async prepare(world) {
      const deferredItemId = await deferredItem(world, 10);
      return { query: SUPPLIED, ...(await withOwnUploads(world, (material) => ({ input: { deferredItemId, attachmentIds: [material] } }))) };
    },
  },
  markDeferredItemOverdue: {
    async prepare(world) {
      return { query: OVERDUE, variables: { input: { deferredItemId: await deferredItem(world, -1) } } };
    },
  },
};

import { Project } from "../../../src/modules/projects/project.entity";
import { withOwnUploads, type RemitCases, type World } from "../world";

let n = 0;

const CREATE_DEFERRABLE = `mutation($input: CreateDeferrableItemInput!) { createDeferrableItem(input: $input) { id code } }`;
const CREATE_TEMPLATE = `mutation($input: CreateClauseTemplateInput!) { createClauseTemplate(input: $input) { id code } }`;
const UPDATE_TEMPLATE = `mutation($input: UpdateClauseTemplateInput!) { updateClauseTemplate(input: $input) { id title } }`;
const DRAFT = `mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { id status clauses { id party templateCode } } }`;
const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { id status } }`;
const AMEND = `mutation($input: AmendCommitmentLetterInput!) { amendCommitmentLetter(input: $input) { id version } }`;
const UPDATE_CLAUSE = `mutation($input: UpdateCommitmentClauseInput!) { updateCommitmentClause(input: $input) { id text } }`;
const SCAN = `mutation($input: AttachLetterScanInput!) { attachLetterScan(input: $input) { id scans { id } } }`;
const FULFIL = `mutation($input: RecordClauseFulfilmentInput!) { recordClauseFulfilment(input: $input) { id fulfilmentStatus } }`;

/**
 * A new template's input. It follows a deferrable item made for it, which no project defers, so
 * that the letters the other cases draft keep only the seeded clauses.
 */
async function templateInput(world: World) {
  const itemCode = `CLAUSE_MATRIX_ITEM_${++n}`;
  await world.must(CREATE_DEFERRABLE, { input: { code: itemCode, name: "矩阵承诺材料", sortOrder: 9000 } }, world.admin);
  return { code: `CLAUSE_MATRIX_${n}`, party: "ENTERPRISE", title: "矩阵承诺", body: "企业承诺于{dueOn}前为{project}补齐材料。", deferrableItemCode: itemCode, sortOrder: 9000 };
}

/**
 * The world's project as an application awaiting its letter (APPLIED, not admitted): a letter is
 * drafted and signed before admission. Set on the row, so that the project keeps its team (whose
 * manager may sign for the government); the matrix's fast-track cases apply through GraphQL.
 */
async function applied(world: World): Promise<void> {
  await world.server.app.services.dataSource.getRepository(Project).update({ id: world.project.id }, { fastTrackStatus: "APPLIED", fastTrackAdmittedAt: null });
}

/** The world's (APPLIED) project's letter, drafted from the seeded templates as ADMIN. */
async function draft(world: World): Promise<{ id: string; clauses: Array<{ id: string; party: string; templateCode: string }> }> {
  await applied(world);
  return (await world.must(DRAFT, { input: { projectId: world.project.id } }, world.admin)).draftCommitmentLetter;
}

/** The letter, drafted and signed by both parties (the enterprise's user, then ADMIN): the project is ADMITTED. */
async function signed(world: World) {
  const letter = await draft(world);
  await world.must(SIGN, { input: { letterId: letter.id, party: "ENTERPRISE" } }, world.callers.ENTERPRISE_OWN.token);
  await world.must(SIGN, { input: { letterId: letter.id, party: "GOVERNMENT" } }, world.admin);
  return letter;
}

/**
 * The two-way commitment letter (双向承诺书) of the world's project, applied for the fast track
 * (drafted and signed while APPLIED; the second signature admits it), and the clause templates it
 * is drafted from (a catalog, not a project's record).
 */
export const commitmentCases: RemitCases = {
  attachLetterScan: {
    async prepare(world) {
      const letter = await signed(world);
      return { query: SCAN, ...(await withOwnUploads(world, (scan) => ({ input: { letterId: letter.id, attachmentIds: [scan] } }))) };
    },
  },
  createClauseTemplate: {
    projectScoped: false,
    async prepare(world) {
      return { query: CREATE_TEMPLATE, variables: { input: await templateInput(world) } };
    },
  },
  updateClauseTemplate: {
    projectScoped: false,
    async prepare(world) {
      const id = (await world.must(CREATE_TEMPLATE, { input: await templateInput(world) }, world.admin)).createClauseTemplate.id;
      return { query: UPDATE_TEMPLATE, variables: { input: { id, title: "矩阵承诺（修订）" } } };
    },
  },
  draftCommitmentLetter: {
    async prepare(world) {
      await applied(world);
      return { query: DRAFT, variables: { input: { projectId: world.project.id } } };
    },
  },
  signCommitmentLetterForEnterprise: {
    async prepare(world) {
      const letter = await draft(world);
      return { query: SIGN, variables: { input: { letterId: letter.id, party: "ENTERPRISE" } } };
    },
  },
  signCommitmentLetterForGovernment: {
    async prepare(world) {
      // the enterprise signs first, so that the government's signature makes the letter SIGNED (and admits the project)
      const letter = await draft(world);
      await world.must(SIGN, { input: { letterId: letter.id, party: "ENTERPRISE" } }, world.callers.ENTERPRISE_OWN.token);
      return { query: SIGN, variables: { input: { letterId: letter.id, party: "GOVERNMENT" } } };
    },
  },
  amendCommitmentLetter: {
    async prepare(world) {
      const letter = await signed(world);
      return { query: AMEND, variables: { input: { letterId: letter.id } } };
    },
  },
  updateCommitmentClause: {
    async prepare(world) {
      const letter = await draft(world);
      return { query: UPDATE_CLAUSE, variables: { input: { id: letter.clauses[0].id, text: "企业承诺按期补齐材料（矩阵修订）。" } } };
    },
  },
  recordClauseFulfilment: {
    async prepare(world) {
      // a government clause without a rule (the seeded ones are the sweep's to judge): kept, with
      // the note such a judgement needs, so that no credit record is written either way; its
      // template is retired once drafted, so that the other cases' letters keep the seeded clauses
      const code = `CLAUSE_MATRIX_GOV_${++n}`;
      const template = (await world.must(CREATE_TEMPLATE, { input: { code, party: "GOVERNMENT", title: "矩阵政府承诺", body: "政府承诺于{dueOn}前为{project}协调解决。", dueDays: 30, sortOrder: 9000 } }, world.admin)).createClauseTemplate;
      const letter = await signed(world);
      await world.must(`mutation($input: UpdateClauseTemplateInput!) { updateClauseTemplate(input: $input) { id active } }`, { input: { id: template.id, active: false } }, world.admin);
      const clause = letter.clauses.find((c) => c.party === "GOVERNMENT" && c.templateCode === code)!;
      return { query: FULFIL, variables: { input: { clauseId: clause.id, fulfilled: true, note: "矩阵核实：已协调解决" } } };
    },
  },
};

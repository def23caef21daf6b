import type { Project } from "../../src/modules/projects/project.entity";
import { APPROVAL_KINDS, ApprovalItem, type ApprovalKind } from "../../src/modules/instep/approval.entity";
import { makeEnterprise, makeProject, signedLetter } from "../support/fixtures";
import type { TestServer } from "../support/server";

/**
 * An enterprise and a project admitted to the fast track now (unless `project` says otherwise) on a commitment letter both parties
 * signed on `project.signedOn` (2026-01-05 unless told otherwise; 10:00 in the district): the
 * circuit breaker counts its months from that letter. Rows written straight to the database; the
 * governed path itself (apply, draft, sign) is walked through GraphQL in test/path.
 */
export async function enterpriseWithProject(server: TestServer, project: Partial<Project> = {}) {
  const enterprise = await makeEnterprise(server);
  const row = await makeProject(server, enterprise.id, { fastTrackAdmittedAt: server.clock.now(), signedOn: "2026-01-05", ...project });
  if (row.fastTrackStatus !== "ADMITTED") return { enterprise, project: row, letter: null };
  const signedAt = new Date(`${row.signedOn ?? "2026-01-05"}T02:00:00.000Z`);
  return { enterprise, project: row, letter: await signedLetter(server, row.id, signedAt) };
}

/**
 * An approval item of the project, written straight to the database: `kind`'s department and
 * promised working days (承诺办结时限) unless `fields` says otherwise, SUBMITTED on `submittedOn`.
 */
export async function approvalItem(server: TestServer, projectId: string, kind: ApprovalKind, submittedOn: string, fields: Partial<ApprovalItem> = {}): Promise<ApprovalItem> {
  const repo = server.app.services.dataSource.getRepository(ApprovalItem);
  const spec = APPROVAL_KINDS[kind];
  const item = repo.create({
    projectId, kind, departmentId: (await server.department(spec.department)).id, status: "SUBMITTED", promisedWorkingDays: spec.promisedWorkingDays,
    submittedOn, approvedOn: null, rejectedOn: null, note: null, handledById: null, surveyResultId: null, ...fields,
  });
  await repo.insert(item);
  return item;
}

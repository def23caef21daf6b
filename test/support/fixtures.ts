import crypto from "node:crypto";
import { Enterprise } from "../../src/modules/enterprises/enterprise.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { CommitmentLetter } from "../../src/modules/commitments/commitment.entity";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { DeferrableItem } from "../../src/modules/fast-track/deferrable-item.entity";
import { DeferredItem } from "../../src/modules/fast-track/deferred-item.entity";
import type { TestServer } from "./server";

/**
 * Fixture rows written straight to the database, for tests of modules other than the projects
 * module (whose own tests create them through GraphQL).
 */
export async function makeEnterprise(server: TestServer, name = "测试企业"): Promise<Enterprise> {
  const repo = server.app.services.dataSource.getRepository(Enterprise);
  const enterprise = repo.create({
    name,
    creditCode: `91441602${crypto.randomBytes(5).toString("hex").toUpperCase()}`,
    legalRepresentative: "张三",
    contact: "0762-0000000",
  });
  await repo.insert(enterprise);
  return enterprise;
}

/** A fast-track project of the enterprise; `fields` sets milestones, stage or status. */
export async function makeProject(server: TestServer, enterpriseId: string, fields: Partial<Project> = {}): Promise<Project> {
  const repo = server.app.services.dataSource.getRepository(Project);
  const project = repo.create({
    code: `2025-441602-${String(crypto.randomInt(10, 99))}-01-${String(crypto.randomInt(0, 999999)).padStart(6, "0")}`,
    name: "测试项目",
    enterpriseId,
    industry: "C3971",
    totalInvestment: "100000000.00",
    landParcel: null,
    stage: "LAND_OBTAINED",
    fastTrackStatus: "ADMITTED",
    ...fields,
  });
  await repo.insert(project);
  return project;
}

/**
 * 承诺即开工: a commitment letter both parties signed (version 1, no clauses), written straight to
 * the database, so that an ADMITTED project may start construction on commitment. Signed at
 * `signedAt` (the server's clock when omitted).
 */
export async function signedLetter(server: TestServer, projectId: string, signedAt: Date = server.clock.now()): Promise<CommitmentLetter> {
  const repo = server.app.services.dataSource.getRepository(CommitmentLetter);
  const version = (await repo.countBy({ projectId })) + 1;
  const letter = repo.create({
    projectId, version, amendsId: null, status: "SIGNED", draftedById: null,
    enterpriseSignedAt: signedAt, enterpriseSignedById: null, governmentSignedAt: signedAt, governmentSignedById: null, signedAt,
    createdAt: signedAt,
  });
  await repo.insert(letter);
  return letter;
}

/** The project's CONSTRUCTION_PERMIT item, APPROVED on `approvedOn` (submitted the same day), handled by 住建局; written straight to the database. */
export async function approvedPermit(server: TestServer, projectId: string, approvedOn: string): Promise<ApprovalItem> {
  const repo = server.app.services.dataSource.getRepository(ApprovalItem);
  const item = repo.create({
    projectId, kind: "CONSTRUCTION_PERMIT", departmentId: (await server.department("HOUSING_CONSTRUCTION")).id, status: "APPROVED", promisedWorkingDays: 3,
    submittedOn: approvedOn, approvedOn, rejectedOn: null, note: null, handledById: null, surveyResultId: null,
  });
  await repo.insert(item);
  return item;
}

/**
 * 容缺: the project defers the catalog's material `itemCode` (a seeded deferrable item, bound to an
 * approval kind), promised by `promisedBy`; PENDING unless told; written straight to the database.
 */
export async function deferredItem(server: TestServer, projectId: string, itemCode: string, promisedBy: string, status: DeferredItem["status"] = "PENDING"): Promise<DeferredItem> {
  const catalog = await server.app.services.dataSource.getRepository(DeferrableItem).findOneByOrFail({ code: itemCode });
  const repo = server.app.services.dataSource.getRepository(DeferredItem);
  const item = repo.create({
    projectId, deferrableItemId: catalog.id, promisedBy, status, suppliedOn: null, suppliedById: null,
    overdueAt: status === "OVERDUE" ? server.clock.now() : null, createdAt: server.clock.now(),
  });
  await repo.insert(item);
  return item;
}

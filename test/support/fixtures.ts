import crypto from "node:crypto";
import { Enterprise } from "../../src/modules/enterprises/enterprise.entity";
import { Project } from "../../src/modules/projects/project.entity";
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

import crypto from "node:crypto";
import { Enterprise } from "../../src/modules/enterprises/enterprise.entity";
import { Project } from "../../src/modules/projects/project.entity";
import type { TestServer } from "../support/server";

let n = 0;

/** An enterprise and a fast-track project written directly (their GraphQL lives in the projects module). */
export async function enterpriseWithProject(server: TestServer, project: Partial<Project> = {}) {
  const { dataSource } = server.app.services;
  const suffix = `${process.pid}${++n}`.padStart(6, "0").slice(-6);
  const enterprise = dataSource.getRepository(Enterprise).create({
    name: `测试企业${suffix}`,
    creditCode: `9144160200${crypto.randomBytes(4).toString("hex").toUpperCase()}`.slice(0, 18),
    legalRepresentative: `法人${suffix}`,
    contact: "0762-0000000",
  });
  await dataSource.getRepository(Enterprise).insert(enterprise);
  const row = dataSource.getRepository(Project).create({
    code: `2026-441602-39-01-${suffix}`,
    name: `测试项目${suffix}`,
    enterpriseId: enterprise.id,
    industry: "C3971",
    totalInvestment: "100000000.00",
    landParcel: null,
    stage: "LAND_OBTAINED",
    fastTrackStatus: "ADMITTED",
    fastTrackAdmittedAt: server.clock.now(),
    fastTrackAdmittedById: null,
    signedOn: "2026-01-05",
    ...project,
  });
  await dataSource.getRepository(Project).insert(row);
  return { enterprise, project: row };
}

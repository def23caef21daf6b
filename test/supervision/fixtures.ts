import type { Project } from "../../src/modules/projects/project.entity";
import { makeEnterprise, makeProject } from "../support/fixtures";
import type { TestServer } from "../support/server";

/** An enterprise and a project admitted to the fast track now, signed on 2026-01-05 unless `project` says otherwise. */
export async function enterpriseWithProject(server: TestServer, project: Partial<Project> = {}) {
  const enterprise = await makeEnterprise(server);
  const row = await makeProject(server, enterprise.id, { fastTrackAdmittedAt: server.clock.now(), signedOn: "2026-01-05", ...project });
  return { enterprise, project: row };
}

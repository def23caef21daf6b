import { creditCodeCheckCharacter } from "../../src/modules/enterprises/credit-code";
import type { TestServer } from "../support/server";

let serial = 0;
const base = 100000 + Math.floor(Math.random() * 800000);

/** A valid unified social credit code with a fresh body. */
export function creditCode(): string {
  serial += 1;
  const body = `91441602MA${String(Date.now() % 1e5).padStart(5, "0")}${String(serial).padStart(2, "0")}`.slice(0, 17);
  return body + creditCodeCheckCharacter(body);
}

/** A well-formed project code in division 441602. */
export function projectCode(): string {
  serial += 1;
  return `2026-441602-39-01-${String(base + serial)}`;
}

export const ENTERPRISE_FIELDS = "id name creditCode legalRepresentative contact createdAt";
export const PROJECT_FIELDS = "id createdAt code name industry totalInvestment landParcel stage fastTrackStatus fastTrackAdmittedAt signedOn landContractOn constructionStartOn enterprise { id name }";

export async function createEnterprise(server: TestServer, adminToken: string, name = "测试企业"): Promise<{ id: string; creditCode: string }> {
  const res = await server.gql(
    `mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { ${ENTERPRISE_FIELDS} } }`,
    { input: { name, creditCode: creditCode(), legalRepresentative: "张三", contact: "0762-1234567" } },
    adminToken,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.createEnterprise;
}

export async function createProject(
  server: TestServer,
  adminToken: string,
  enterpriseId: string,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; code: string; [k: string]: any }> {
  const res = await server.gql(
    `mutation($input: CreateProjectInput!) { createProject(input: $input) { ${PROJECT_FIELDS} } }`,
    { input: { code: projectCode(), name: "测试项目", enterpriseId, industry: "C3971", totalInvestment: "50000000.00", ...fields } },
    adminToken,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.createProject;
}

/** The audit entries of one record, through GraphQL as the reform office reads them. */
export async function auditOf(server: TestServer, adminToken: string, entityType: string, entityId: string) {
  const res = await server.gql(
    `query($t: String!, $id: ID!) { auditTrail(entityType: $t, entityId: $id, first: 100) { totalCount edges { node { action entityType entityId at actor { id username } before after } } } }`,
    { t: entityType, id: entityId },
    adminToken,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.auditTrail.edges.map((e: any) => e.node) as Array<{ action: string; actor: { id: string } | null; before: any; after: any; at: string }>;
}

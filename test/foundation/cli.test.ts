import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { createApp } from "../../src/app";
import { withApp } from "../../src/cli/cli-app";
import { loadConfig } from "../../src/config";
import { User } from "../../src/modules/accounts/user.entity";
import { freshDatabase } from "../support/server";

test("one-off commands run without a signing secret; a server reads it before it listens, and refuses to listen without one where it is required", async () => {
  const database = await freshDatabase();
  try {
    const env = { NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: database.dataDir, ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}) };
    // `npm run sweep` itself: migrations applied, every periodic job run once, nothing seeded
    const sweep = spawnSync(process.execPath, ["--require", path.join(__dirname, "../support/ts-require.cjs"), path.join(__dirname, "../../src/cli/sweep.ts")], {
      env: { PATH: process.env.PATH, ...env },
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(sweep.stderr).toBe("");
    expect(JSON.parse(sweep.stdout)).toEqual({
      deadline: expect.objectContaining({ overdueDeferredItems: 0, breachedClauses: 0, overdueFindings: 0, creditRecords: 0 }),
      sla: expect.anything(),
      "login-failure-retention": 0,
      "session-revocation-retention": 0,
      "idempotency-key-retention": 0,
      "board-changes-retention": 0,
      "unattached-uploads": { uploadsDeleted: 0, blobsRemoved: 0 },
      reminders: { TICKET_SLA_WARNING: 0, TASK_DUE_SOON: 0, DEFERRED_ITEM_DUE_SOON: 0 },
      webhooks: { eventsFannedOut: 0, deliveriesCreated: 0, attempts: 0, delivered: 0, failed: 0, retrying: 0 },
    });
    // no secret was read, so none was made on the embedded database either
    expect(fs.existsSync(path.join(database.dataDir, "jwt-secret"))).toBe(false);
    const app = await createApp(loadConfig(env));
    try {
      if (database.databaseUrl) {
        await expect(app.listen(0, "127.0.0.1")).rejects.toThrow("JWT_SECRET is required with DATABASE_URL");
      } else {
        // a server does read it: on the embedded database it makes the secret as it starts
        await app.listen(0, "127.0.0.1");
        expect(fs.existsSync(path.join(database.dataDir, "jwt-secret"))).toBe(true);
      }
    } finally {
      await app.stop();
    }
  } finally {
    await database.drop();
  }
});

test("create-admin takes text as the API does: a bidirectional override is refused, decomposed text is stored composed", async () => {
  const database = await freshDatabase();
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["--require", path.join(__dirname, "../support/ts-require.cjs"), path.join(__dirname, "../../src/cli/create-admin.ts"), ...args], {
      env: { PATH: process.env.PATH, NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: database.dataDir, ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}) },
      encoding: "utf8",
      timeout: 90_000,
      killSignal: "SIGKILL",
    });
  try {
    const refused = run("--username", "office", "--password", "long-enough-password", "--name", "区委改革办\u202e");
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("U+202E");
    const created = run("--username", "office", "--password", "long-enough-password", "--name", "Jose\u0301");
    expect(created.stderr).toBe("");
    expect(created.status).toBe(0);
    await withApp(async (app) => {
      const users = await app.services.dataSource.getRepository(User).find();
      expect(users.map((user) => [user.username, user.name, user.role])).toEqual([["office", "Jos\u00e9", "ADMIN"]]);
    }, { NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: database.dataDir, ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}) });
  } finally {
    await database.drop();
  }
}, 120_000);

import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createHash } from "node:crypto";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import type { AuthUser } from "../../src/core/auth";
import { Attachment } from "../../src/modules/files/attachment.entity";
import { attachmentService } from "../../src/modules/files/attachment.service";
import { isImage } from "../../src/modules/files/content-type";
import { uploadTempDir } from "../../src/modules/files/file-store";
import type { User } from "../../src/modules/accounts/user.entity";
import { startTestServer, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";
import { ofd, pdf, png, rootOf, STORES, stopLocalS3, storeConfig, uploadFile, zip, type StoreKind } from "../support/file-store";

const MAX_BYTES = 64 * 1024;
const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
let counter = 0;
const unique = () => `${process.pid}-${++counter}-${Math.random()}`;

afterAll(async () => stopLocalS3());

describe.each(STORES)("files on the %s store", (kind: StoreKind) => {
  let server: TestServer;
  let limited: TestServer;
  let limitedToo: TestServer;
  let owner: { user: User; token: string };
  let other: { user: User; token: string };

  beforeAll(async () => {
    const store = await storeConfig(kind);
    server = await startTestServer({ config: { ...store, fileMaxBytes: MAX_BYTES } });
    // the same database and store, with small allowances
    limited = await startTestServer({ share: server, config: { ...server.config, uploadsPerHour: 3, unattachedUploadBytesPerUser: 2_000 } });
    // a second instance with the same allowances: they hold across instances
    limitedToo = await startTestServer({ share: server, config: limited.config });
    owner = await server.user("ENTERPRISE");
    other = await server.user("ENTERPRISE");
  });
  afterAll(async () => {
    await limitedToo?.stop();
    await limited?.stop();
    await server?.stop();
  });

  const rows = () => server.app.services.dataSource.getRepository(Attachment).find();
  const rowsOf = async (sha256: string) => (await rows()).filter((row) => row.sha256 === sha256);
  const tempFiles = () => (fs.existsSync(uploadTempDir(server.config)) ? fs.readdirSync(uploadTempDir(server.config)) : []);
  /** The blobs in the store, by sha256. */
  async function blobs(): Promise<string[]> {
    if (kind === "local") {
      const root = path.join(server.config.dataDir, "files");
      if (!fs.existsSync(root)) return [];
      return fs.readdirSync(root).flatMap((dir) => fs.readdirSync(path.join(root, dir)));
    }
    const { s3 } = server.config;
    const client = new S3Client({
      endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId!, secretAccessKey: s3.secretAccessKey! },
      requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED",
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    client.destroy();
    return (listed.Contents ?? []).map((object) => object.Key!.split("/").pop()!);
  }
  const authUser = (user: User): AuthUser => ({ id: user.id, username: user.username, name: user.name, role: user.role, enterpriseId: user.enterpriseId, departmentId: user.departmentId });
  const ctxOf = (user: User) => RequestContext.create(server.app.services, authUser(user), "test");

  /** Expects a refusal that left nothing behind: no new row, no new blob, no temp file. */
  async function expectNothingLeft(before: { rows: number; blobs: number }) {
    expect((await rows()).length).toBe(before.rows);
    expect((await blobs()).length).toBe(before.blobs);
    expect(tempFiles()).toEqual([]);
  }
  const snapshot = async () => ({ rows: (await rows()).length, blobs: (await blobs()).length });

  test("an upload answers 201 with its id, name, detected type, size and SHA-256, and stores the content", async () => {
    const bytes = png(unique());
    const answer = await uploadFile(server, owner.token, bytes, "营业执照 副本.png", { type: "image/png" });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toEqual({ id: expect.any(String), name: "营业执照 副本.png", contentType: "image/png", size: bytes.length, sha256: sha(bytes) });
    const [row] = await rowsOf(sha(bytes));
    expect(row).toMatchObject({ id: answer.body.id, uploadedById: owner.user.id, ownerType: null, ownerId: null, attachedAt: null });
    expect(await blobs()).toContain(sha(bytes));
    expect(tempFiles()).toEqual([]);
  });

  test("the same content is stored once, whoever uploads it", async () => {
    const bytes = pdf(unique());
    const before = (await blobs()).length;
    const first = await uploadFile(server, owner.token, bytes, "a.pdf");
    const second = await uploadFile(server, other.token, bytes, "b.pdf");
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.id).not.toBe(second.body.id);
    expect(first.body.sha256).toBe(second.body.sha256);
    expect((await rowsOf(sha(bytes))).length).toBe(2);
    expect((await blobs()).length).toBe(before + 1);
  });

  test("the type comes from the content, not the name or the client's claim", async () => {
    const disguised = await uploadFile(server, owner.token, png(unique()), "许可证.pdf", { type: "application/pdf" });
    expect(disguised).toMatchObject({ status: 201, body: { contentType: "image/png", name: "许可证.pdf" } });
    expect((await uploadFile(server, owner.token, pdf(unique()), "scan")).body.contentType).toBe("application/pdf");
    expect((await uploadFile(server, owner.token, ofd(unique()), "承诺书.ofd")).body.contentType).toBe("application/ofd");
    expect((await uploadFile(server, owner.token, zip({ "readme.txt": unique() }), "材料.zip")).body.contentType).toBe("application/zip");
  });

  test("content of another type is refused with UNSUPPORTED_FILE_TYPE (415), leaving no row, blob or temp file", async () => {
    const before = await snapshot();
    const exe = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "latin1"), Buffer.alloc(8000, 7)]);
    for (const [bytes, name] of [
      [exe, "setup.exe"],
      [exe, "license.pdf"],
      [Buffer.from(`<!doctype html><html><body><script>alert(1)</script>${unique()}</body></html>`), "page.html"],
      [Buffer.from(`just text ${unique()}`), "note.png"],
    ] as const) {
      const answer = await uploadFile(server, owner.token, bytes, name, { type: "image/png" });
      expect(answer.status, name).toBe(415);
      expect(answer.body.errors[0].extensions.code).toBe("UNSUPPORTED_FILE_TYPE");
    }
    await expectNothingLeft(before);
  });

  test("a file larger than FILE_MAX_BYTES is refused mid-stream with PAYLOAD_TOO_LARGE (413), leaving nothing", async () => {
    const before = await snapshot();
    // chunked: no Content-Length to refuse up front, so the limit is met while the file streams in
    const boundary = "----files-test";
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${rootOf(server)}/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${owner.token}`, "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", (error) => (answered ? undefined : reject(error)));
      let answered = false;
      req.on("response", () => (answered = true));
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`);
      req.write(png());
      let sent = 0;
      const more = () => {
        while (sent < 4 * MAX_BYTES && !answered) {
          sent += 8192;
          if (!req.write(Buffer.alloc(8192, 1))) return void req.once("drain", more);
        }
        if (!answered) req.end(`\r\n--${boundary}--\r\n`);
      };
      more();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).errors[0].extensions).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    await expectNothingLeft(before);
    // a declared Content-Length over the limit is refused before reading
    const declared = await uploadFile(server, owner.token, Buffer.concat([png(), Buffer.alloc(MAX_BYTES + 20_000)]), "big.png");
    expect(declared.status).toBe(413);
    // exactly FILE_MAX_BYTES is accepted
    const exact = await uploadFile(server, owner.token, Buffer.concat([png(unique()), Buffer.alloc(MAX_BYTES)]).subarray(0, MAX_BYTES), "exact.png");
    expect(exact).toMatchObject({ status: 201, body: { size: MAX_BYTES } });
  });

  test("exactly one file part named file: a second file, another field, another name or no file is BAD_USER_INPUT", async () => {
    const before = await snapshot();
    const twoFiles = new FormData();
    twoFiles.append("file", new Blob([png(unique())]), "a.png");
    twoFiles.append("file", new Blob([png(unique())]), "b.png");
    const withField = new FormData();
    withField.append("file", new Blob([png(unique())]), "a.png");
    withField.append("note", "hello");
    const fieldFirst = new FormData();
    fieldFirst.append("note", "hello");
    fieldFirst.append("file", new Blob([png(unique())]), "a.png");
    const wrongName = new FormData();
    wrongName.append("upload", new Blob([png(unique())]), "a.png");
    const empty = new FormData();
    empty.append("file", new Blob([]), "empty.png");
    for (const form of [twoFiles, withField, fieldFirst, wrongName, empty, new FormData()]) {
      const answer = await uploadFile(server, owner.token, Buffer.alloc(0), "", { form });
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    }
    const notMultipart = await fetch(`${rootOf(server)}/files`, { method: "POST", headers: { authorization: `Bearer ${owner.token}`, "content-type": "image/png" }, body: png(unique()) });
    expect(notMultipart.status).toBe(400);
    await expectNothingLeft(before);
  });

  test("uploads need a bearer token: anonymous and signed-link-only requests answer 401 and store nothing", async () => {
    const before = await snapshot();
    const anonymous = await uploadFile(server, null, png(unique()), "a.png");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    // a signed link for this very path is no way to upload (a cross-site form could carry one)
    const claims = await server.app.services.tokens.verify(owner.token);
    const { token: link } = await server.app.services.tokens.signLink(claims, owner.user.role, "/files", 600);
    const form = new FormData();
    form.append("file", new Blob([png(unique())]), "a.png");
    const linked = await fetch(`${rootOf(server)}/files?access=${encodeURIComponent(link)}`, { method: "POST", body: form });
    expect(linked.status).toBe(401);
    const cookieOnly = await uploadFile(server, null, png(unique()), "a.png", { headers: { cookie: `token=${owner.token}` } });
    expect(cookieOnly.status).toBe(401);
    await expectNothingLeft(before);
  });

  test("the file name keeps the client's (Chinese too), without path parts or control characters, at most 255 characters", async () => {
    const cases: Array<[string, string]> = [
      ["C:\\Users\\张三\\Desktop\\施工许可证.png", "施工许可证.png"],
      ["../../etc/passwd.png", "passwd.png"],
      ["  名\u202e称.png  ", "名称.png"],
      [`${"长".repeat(300)}.png`, "长".repeat(255)],
    ];
    for (const [given, kept] of cases) {
      const answer = await uploadFile(server, owner.token, png(unique()), given);
      expect(answer.status, `${given}: ${JSON.stringify(answer.body)}`).toBe(201);
      expect(answer.body.name).toBe(kept);
    }
    // a control character can only come percent-encoded (RFC 5987 filename*): dropped too
    const boundary = "----names";
    const raw = await fetch(`${rootOf(server)}/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      body: Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''%E5%90%8D%07%0A%E7%A7%B0.png\r\n\r\n`),
        png(unique()),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    expect(raw.status).toBe(201);
    expect(((await raw.json()) as any).name).toBe("名称.png");
  });

  test("per user: at most UPLOADS_PER_HOUR uploads an hour, counted in the database (TOO_MANY_REQUESTS, 429)", async () => {
    const someone = await limited.user("ENTERPRISE");
    for (let i = 0; i < 3; i++) expect((await uploadFile(limited, someone.token, png(unique()), "a.png")).status).toBe(201);
    const before = await snapshot();
    const refused = await uploadFile(limited, someone.token, png(unique()), "a.png");
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(refused.body.errors[0].message).toMatch(/uploads an hour/);
    await expectNothingLeft(before);
    // another user is not held back
    expect((await uploadFile(limited, (await limited.user("ENTERPRISE")).token, png(unique()), "a.png")).status).toBe(201);
    for (const each of [server, limited, limitedToo]) each.clock.advance(3600_000 + 1000);
    expect((await uploadFile(limited, someone.token, png(unique()), "a.png")).status).toBe(201);
  });

  test("per user: concurrent uploads through two instances are counted together, exactly", async () => {
    const someone = await limited.user("ENTERPRISE");
    const send = (instance: TestServer, count: number) => Array.from({ length: count }, () => uploadFile(instance, someone.token, png(unique()), "a.png"));
    // SQLite (one instance per deployment): two in-process instances would block on the file lock;
    // there each instance's uploads go at once, one instance after the other
    const answers = process.env.TEST_DATABASE_URL
      ? await Promise.all([...send(limited, 3), ...send(limitedToo, 3)])
      : [...(await Promise.all(send(limited, 2))), ...(await Promise.all(send(limitedToo, 4)))];
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 429, 429, 429]);
    expect((await rows()).filter((row) => row.uploadedById === someone.user.id)).toHaveLength(3);
    expect(tempFiles()).toEqual([]);
  });

  test("per user: unattached uploads may hold at most UNATTACHED_UPLOAD_BYTES_PER_USER bytes; attaching frees them", async () => {
    const someone = await limited.user("ENTERPRISE");
    const big = (tag: string) => Buffer.concat([png(tag), Buffer.alloc(1200, 1)]);
    const first = await uploadFile(limited, someone.token, big(unique()), "a.png");
    expect(first.status).toBe(201);
    const before = await snapshot();
    const refused = await uploadFile(limited, someone.token, big(unique()), "b.png");
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(refused.body.errors[0].message).toMatch(/not yet attached/);
    await expectNothingLeft(before);
    await ctxOf(someone.user).transaction((tx) => attachmentService.attach(tx, [first.body.id], { type: "SERVICE_TICKET", id: crypto.randomUUID() }));
    expect((await uploadFile(limited, someone.token, big(unique()), "b.png")).status).toBe(201);
  });

  test("download: the uploader gets the file with its detected type, length, a UTF-8 file name, nosniff, private caching and the SHA-256 as ETag", async () => {
    const bytes = pdf(unique());
    const { body: uploaded } = await uploadFile(server, owner.token, bytes, "双向承诺书 (签字版).png", { type: "image/png" });
    const response = await fetch(`${rootOf(server)}/files/${uploaded.id}`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-length")).toBe(String(bytes.length));
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toMatch(/^private\b/);
    expect(response.headers.get("etag")).toBe(`"${sha(bytes)}"`);
    const disposition = response.headers.get("content-disposition")!;
    expect(disposition).toMatch(/^attachment; filename="[ -~]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe("双向承诺书 (签字版).png");
    const again = await fetch(`${rootOf(server)}/files/${uploaded.id}`, { headers: { authorization: `Bearer ${owner.token}`, "if-none-match": `"${sha(bytes)}"` } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(`"${sha(bytes)}"`);
    const changed = await fetch(`${rootOf(server)}/files/${uploaded.id}`, { headers: { authorization: `Bearer ${owner.token}`, "if-none-match": '"0000"' } });
    expect(changed.status).toBe(200);
  });

  test("an unattached upload is its uploader's only: anyone else NOT_FOUND (as for an id that does not exist), anonymous 401", async () => {
    const { body: uploaded } = await uploadFile(server, owner.token, png(unique()), "a.png");
    const get = (token?: string, id = uploaded.id) => fetch(`${rootOf(server)}/files/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const stranger = await get(other.token);
    expect(stranger.status).toBe(404);
    expect(((await stranger.json()) as any).errors[0].extensions.code).toBe("NOT_FOUND");
    const admin = await server.user("ADMIN");
    expect((await get(admin.token)).status).toBe(404);
    expect((await get(other.token, crypto.randomUUID())).status).toBe(404);
    expect((await get(other.token, "not-an-id")).status).toBe(404);
    const anonymous = await get();
    expect(anonymous.status).toBe(401);
    // the GraphQL view of one's own upload, and nobody else's
    const query = "query($id: ID!) { upload(id: $id) { id name contentType size sha256 uploadedAt uploadedBy { id } downloadUrl } }";
    const mine = await server.gql(query, { id: uploaded.id }, owner.token);
    expect(mine.data.upload).toMatchObject({ id: uploaded.id, name: "a.png", contentType: "image/png", uploadedBy: { id: owner.user.id }, downloadUrl: expect.stringMatching(new RegExp(`^/files/${uploaded.id}\\?access=`)) });
    expect((await server.gql(query, { id: uploaded.id }, other.token)).errors?.[0].extensions?.code).toBe("NOT_FOUND");
  });

  test("the signed downloadUrl works without a header, for that path only, and expires after LINK_TTL_SECONDS", async () => {
    const bytes = png(unique());
    const { body: uploaded } = await uploadFile(server, owner.token, bytes, "photo.png");
    const { body: another } = await uploadFile(server, owner.token, png(unique()), "another.png");
    const query = "query($id: ID!) { upload(id: $id) { downloadUrl } }";
    const url = (await server.gql(query, { id: uploaded.id }, owner.token)).data.upload.downloadUrl as string;
    const linked = await fetch(`${rootOf(server)}${url}`);
    expect(linked.status).toBe(200);
    expect(Buffer.from(await linked.arrayBuffer()).equals(bytes)).toBe(true);
    const access = new URL(url, "http://x").searchParams.get("access")!;
    expect((await fetch(`${rootOf(server)}/files/${another.id}?access=${encodeURIComponent(access)}`)).status).toBe(401);
    // a link is not a sign-in: as a bearer token it is refused, on /graphql and on the route
    const asBearer = await server.gql("{ me { id } }", {}, access);
    expect(asBearer.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
    expect((await fetch(`${rootOf(server)}/files/${uploaded.id}`, { headers: { authorization: `Bearer ${access}` } })).status).toBe(401);
    for (const each of [server, limited, limitedToo]) each.clock.advance((server.config.linkTtlSeconds + 5) * 1000);
    expect((await fetch(`${rootOf(server)}${url}`)).status).toBe(401);
  });

  test("attach: the caller's own unattached uploads, once; other users', repeated, already attached, too many or refused types are BAD_USER_INPUT", async () => {
    const a = (await uploadFile(server, owner.token, png(unique()), "a.png")).body;
    server.clock.advance(1000); // upload order, not id order
    const b = (await uploadFile(server, owner.token, pdf(unique()), "b.pdf")).body;
    const theirs = (await uploadFile(server, other.token, png(unique()), "c.png")).body;
    const ticket = { type: "SERVICE_TICKET" as const, id: crypto.randomUUID() };
    const attach = (ids: string[], allowed?: (type: string) => boolean, field?: string) =>
      ctxOf(owner.user).transaction((tx) => attachmentService.attach(tx, ids, ticket, field, allowed));
    const refusal = async (work: Promise<unknown>) => {
      const error = await work.then(() => null, (e) => e);
      return error && { code: error.extensions?.code, field: error.extensions?.field };
    };
    expect(await refusal(attach([a.id, theirs.id]))).toEqual({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    expect(await refusal(attach([a.id, a.id]))).toEqual({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    expect(await refusal(attach([a.id, crypto.randomUUID()], undefined, "photoIds"))).toEqual({ code: "BAD_USER_INPUT", field: "photoIds" });
    expect(await refusal(attach(Array.from({ length: 21 }, () => crypto.randomUUID())))).toEqual({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    expect(await refusal(attach([a.id, b.id], isImage))).toEqual({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    // nothing of the refused calls was attached
    expect((await rows()).filter((row) => row.ownerId === ticket.id)).toEqual([]);
    const attached = await attach([b.id, a.id]);
    expect(attached.map((row) => row.id)).toEqual([a.id, b.id]);
    expect(await refusal(attach([a.id]))).toEqual({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    expect(await refusal(ctxOf(owner.user).transaction((tx) => attachmentService.attach(tx, [b.id], { type: "TICKET_EVENT", id: crypto.randomUUID() })))).toEqual({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    const listed = await attachmentService.listFor(ctxOf(other.user), "SERVICE_TICKET", ticket.id);
    expect(listed.map((row) => [row.id, row.ownerType, row.ownerId])).toEqual([[a.id, "SERVICE_TICKET", ticket.id], [b.id, "SERVICE_TICKET", ticket.id]]);
    // an attached upload is no longer "yours to see as an upload"
    expect((await server.gql("query($id: ID!) { upload(id: $id) { id } }", { id: a.id }, owner.token)).errors?.[0].extensions?.code).toBe("NOT_FOUND");
  });

  test("listFor loads the files of a page of owners in one statement", async () => {
    const owners = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    for (const id of owners.slice(0, 2)) {
      const up = (await uploadFile(server, owner.token, png(unique()), "p.png")).body;
      await ctxOf(owner.user).transaction((tx) => attachmentService.attach(tx, [up.id], { type: "INSPECTION_FINDING", id }));
    }
    const ctx = ctxOf(owner.user);
    const { result: lists, statements } = await countStatements(server, () => Promise.all(owners.map((id) => attachmentService.listFor(ctx, "INSPECTION_FINDING", id))));
    expect(lists.map((list) => list.length)).toEqual([1, 1, 0]);
    expect(statements.length).toBe(1);
  });

  test("the sweep deletes uploads unattached for a day and their blobs, keeping a blob another row still names and every attached file", async () => {
    const shared = png(unique());
    const alone = pdf(unique());
    const kept = png(unique());
    const oldShared = (await uploadFile(server, owner.token, shared, "old.png")).body;
    const oldAlone = (await uploadFile(server, owner.token, alone, "alone.pdf")).body;
    const oldAttached = (await uploadFile(server, owner.token, kept, "kept.png")).body;
    await ctxOf(owner.user).transaction((tx) => attachmentService.attach(tx, [oldAttached.id], { type: "DEFERRED_ITEM", id: crypto.randomUUID() }));
    server.clock.advance(23 * 3600_000);
    const recentShared = (await uploadFile(server, other.token, shared, "recent.png")).body;
    server.clock.advance(2 * 3600_000);
    const report = await attachmentService.sweep(RequestContext.system(server.app.services));
    expect(report.uploadsDeleted).toBeGreaterThanOrEqual(2);
    const ids = new Set((await rows()).map((row) => row.id));
    expect(ids.has(oldShared.id)).toBe(false);
    expect(ids.has(oldAlone.id)).toBe(false);
    expect(ids.has(recentShared.id)).toBe(true);
    expect(ids.has(oldAttached.id)).toBe(true);
    const stored = await blobs();
    expect(stored).toContain(sha(shared));
    expect(stored).not.toContain(sha(alone));
    expect(stored).toContain(sha(kept));
    // the kept files still download
    const download = await fetch(`${rootOf(server)}/files/${recentShared.id}`, { headers: { authorization: `Bearer ${other.token}` } });
    expect(Buffer.from(await download.arrayBuffer()).equals(shared)).toBe(true);
    // a swept upload can no longer be attached
    const error = await ctxOf(owner.user).transaction((tx) => attachmentService.attach(tx, [oldShared.id], { type: "DEFERRED_ITEM", id: crypto.randomUUID() })).catch((e) => e);
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    // the content uploaded again after its blob was swept is stored again
    const again = await uploadFile(server, owner.token, alone, "again.pdf");
    expect(again.status).toBe(201);
    expect(await blobs()).toContain(sha(alone));
  });

  test("the server runs the sweep of unattached uploads on SWEEP_INTERVAL_MS", async () => {
    const bytes = png(unique());
    const { body: uploaded } = await uploadFile(server, owner.token, bytes, "old.png");
    // two days before the sweeping instance's clock starts
    await server.app.services.dataSource.getRepository(Attachment).update({ id: uploaded.id }, { uploadedAt: new Date("2026-02-28T00:00:00Z") });
    const sweeping = await startTestServer({ share: server, config: { ...server.config, sweepIntervalMs: 60_000 } });
    try {
      const deadline = Date.now() + 10_000;
      while ((await rowsOf(sha(bytes))).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await rowsOf(sha(bytes))).toEqual([]);
      expect(await blobs()).not.toContain(sha(bytes));
    } finally {
      await sweeping.stop();
    }
  });
});

import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createHash } from "node:crypto";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import type { AuthUser } from "../../src/core/auth";
import { Attachment } from "../../src/modules/files/attachment.entity";
import { attachmentService } from "../../src/modules/files/attachment.service";
import { isImage } from "../../src/modules/files/content-type";
import { uploadTempDir } from "../../src/modules/files/file-store";
import type { User } from "../../src/modules/accounts/user.entity";
import { startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";
import { officeDocument, ofd, s3Client, STORES, stopLocalS3, storeConfig, zip, type StoreKind } from "../support/file-store";
import { originOf, pdfBytes, pngBytes, uploadFile, type UploadAnswer } from "../support/uploads";

const MAX_BYTES = 64 * 1024;
const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
let counter = 0;
const unique = () => `${process.pid}-${++counter}-${Math.random()}`;
/** A 1×1 PNG; `tag` (after IEND, ignored by readers) makes contents that differ. */
const png = (tag = "") => Buffer.concat([pngBytes(), Buffer.from(tag)]);

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
    const client = s3Client(server.config.s3);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: server.config.s3.bucket }));
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
  /** Expects a refusal with this status and code (and message) that left nothing behind since `before`. */
  async function expectRefused(before: { rows: number; blobs: number }, answer: UploadAnswer, status: number, code: string, message?: RegExp) {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body.errors[0].extensions).toMatchObject({ code });
    if (message) expect(answer.body.errors[0].message).toMatch(message);
    await expectNothingLeft(before);
  }

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
    const bytes = pdfBytes(unique());
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
    expect((await uploadFile(server, owner.token, pdfBytes(unique()), "scan")).body.contentType).toBe("application/pdf");
    expect((await uploadFile(server, owner.token, ofd(unique()), "承诺书.ofd")).body.contentType).toBe("application/ofd");
    expect((await uploadFile(server, owner.token, zip({ "readme.txt": unique() }), "材料.zip")).body.contentType).toBe("application/zip");
    // Office documents, whatever they are named; the legacy binary ones (doc, xls, ppt) as application/x-cfb
    expect((await uploadFile(server, owner.token, officeDocument("docx", unique()), "申请书.zip")).body.contentType).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect((await uploadFile(server, owner.token, officeDocument("xlsx", unique()), "台账.docx")).body.contentType).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect((await uploadFile(server, owner.token, officeDocument("pptx", unique()), "汇报")).body.contentType).toBe("application/vnd.openxmlformats-officedocument.presentationml.presentation");
    const cfb = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504), Buffer.from(unique())]);
    expect((await uploadFile(server, owner.token, cfb, "旧版.doc")).body.contentType).toBe("application/x-cfb");
    // a TIFF whose directory comes after its image data (as libtiff writes them), arriving a piece at a
    // time: its opening bytes alone do not say TIFF, the whole file does
    const tiff = tiffWithLateDirectory(unique());
    expect(tiff.readUInt32LE(4)).toBeGreaterThan(40_000);
    const slow = await uploadSlowly(server, owner.token, tiff, "扫描.tif");
    expect(slow.status, slow.body).toBe(201);
    expect(JSON.parse(slow.body)).toMatchObject({ contentType: "image/tiff", size: tiff.length, sha256: sha(tiff) });
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
      const req = http.request(`${originOf(server)}/files`, {
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
    const notMultipart = await fetch(`${originOf(server)}/files`, { method: "POST", headers: { authorization: `Bearer ${owner.token}`, "content-type": "image/png" }, body: png(unique()) });
    expect(notMultipart.status).toBe(400);
    await expectNothingLeft(before);
  });

  test("a second file or a field is refused at its headers, before its content is read; an extra part of any other kind at its end", async () => {
    const before = await snapshot();
    const boundary = "----extra-parts";
    const filePart = (name: string, content: Buffer) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n`), content, Buffer.from("\r\n")]);
    const fieldHead = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello`);
    // the body never ends: only a refusal at the second part's headers can answer
    for (const opening of [
      Buffer.concat([filePart("a.png", png(unique())), filePart("b.png", png(unique())).subarray(0, -2)]),
      Buffer.concat([filePart("a.png", png(unique())), fieldHead]),
      Buffer.concat([fieldHead, Buffer.from("\r\n"), filePart("a.png", png(unique())).subarray(0, -2)]),
    ]) {
      const answer = await answerBeforeEnd(server, owner.token, boundary, opening);
      expect(answer?.status, String(answer?.body)).toBe(400);
      expect(JSON.parse(answer!.body).errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "file" });
    }
    // a part that is neither a file nor a field (no form-data disposition) is refused too
    const junk = await fetch(`${originOf(server)}/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      body: Buffer.concat([filePart("a.png", png(unique())), Buffer.from(`--${boundary}\r\nContent-Type: text/plain\r\n\r\njunk\r\n--${boundary}--\r\n`)]),
    });
    expect(junk.status).toBe(400);
    expect(((await junk.json()) as any).errors[0].extensions.code).toBe("BAD_USER_INPUT");
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
    const linked = await fetch(`${originOf(server)}/files?access=${encodeURIComponent(link)}`, { method: "POST", body: form });
    expect(linked.status).toBe(401);
    const cookieOnly = await uploadFile(server, null, png(unique()), "a.png", { headers: { cookie: `token=${owner.token}` } });
    expect(cookieOnly.status).toBe(401);
    // refused before the body is read
    const boundary = "----anonymous";
    const early = await answerBeforeEnd(server, null, boundary, Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n`), png(unique())]));
    expect(early?.status).toBe(401);
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
    const raw = await fetch(`${originOf(server)}/files`, {
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
    await expectRefused(before, await uploadFile(limited, someone.token, png(unique()), "a.png"), 429, "TOO_MANY_REQUESTS", /uploads an hour/);
    // an allowance used up refuses before the body is read: the answer comes while the file still streams
    const boundary = "----allowance";
    const early = await answerBeforeEnd(limited, someone.token, boundary, Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n`), png(unique())]));
    expect(early?.status).toBe(429);
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
    await expectRefused(await snapshot(), await uploadFile(limited, someone.token, big(unique()), "b.png"), 429, "TOO_MANY_REQUESTS", /not yet attached/);
    await ctxOf(someone.user).transaction((tx) => attachmentService.attach(tx, [first.body.id], { type: "SERVICE_TICKET", id: crypto.randomUUID() }));
    expect((await uploadFile(limited, someone.token, big(unique()), "b.png")).status).toBe(201);
  });

  test("download: the uploader gets the file with its detected type, length, a UTF-8 file name, nosniff, private caching and the SHA-256 as ETag", async () => {
    const bytes = pdfBytes(unique());
    const { body: uploaded } = await uploadFile(server, owner.token, bytes, "双向承诺书 (签字版).png", { type: "image/png" });
    const response = await fetch(`${originOf(server)}/files/${uploaded.id}`, { headers: { authorization: `Bearer ${owner.token}` } });
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
    const again = await fetch(`${originOf(server)}/files/${uploaded.id}`, { headers: { authorization: `Bearer ${owner.token}`, "if-none-match": `"${sha(bytes)}"` } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(`"${sha(bytes)}"`);
    const changed = await fetch(`${originOf(server)}/files/${uploaded.id}`, { headers: { authorization: `Bearer ${owner.token}`, "if-none-match": '"0000"' } });
    expect(changed.status).toBe(200);
  });

  test("an unattached upload is its uploader's only: anyone else NOT_FOUND (as for an id that does not exist), anonymous 401", async () => {
    const { body: uploaded } = await uploadFile(server, owner.token, png(unique()), "a.png");
    const get = (token?: string, id = uploaded.id) => fetch(`${originOf(server)}/files/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
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
    const linked = await fetch(`${originOf(server)}${url}`);
    expect(linked.status).toBe(200);
    expect(Buffer.from(await linked.arrayBuffer()).equals(bytes)).toBe(true);
    const access = new URL(url, "http://x").searchParams.get("access")!;
    expect((await fetch(`${originOf(server)}/files/${another.id}?access=${encodeURIComponent(access)}`)).status).toBe(401);
    // a link is not a sign-in: as a bearer token it is refused, on /graphql and on the route
    const asBearer = await server.gql("{ me { id } }", {}, access);
    expect(asBearer.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
    expect((await fetch(`${originOf(server)}/files/${uploaded.id}`, { headers: { authorization: `Bearer ${access}` } })).status).toBe(401);
    for (const each of [server, limited, limitedToo]) each.clock.advance((server.config.linkTtlSeconds + 5) * 1000);
    expect((await fetch(`${originOf(server)}${url}`)).status).toBe(401);
  });

  test("a signed link ends with the session it was made in: after logout it answers 401", async () => {
    const signedIn = (await server.gql(`mutation($input: LoginInput!) { login(input: $input) { token } }`, { input: { username: owner.user.username, password: TEST_PASSWORD } })).data.login.token as string;
    const { body: uploaded } = await uploadFile(server, signedIn, png(unique()), "photo.png");
    const url = (await server.gql("query($id: ID!) { upload(id: $id) { downloadUrl } }", { id: uploaded.id }, signedIn)).data.upload.downloadUrl as string;
    expect((await fetch(`${originOf(server)}${url}`)).status).toBe(200);
    expect((await server.gql("mutation { logout }", {}, signedIn)).data.logout).toBe(true);
    const after = await fetch(`${originOf(server)}${url}`);
    expect(after.status).toBe(401);
    expect(((await after.json()) as any).errors[0].extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
  });

  test("attach: the caller's own unattached uploads, once; other users', repeated, already attached, too many or refused types are BAD_USER_INPUT", async () => {
    const a = (await uploadFile(server, owner.token, png(unique()), "a.png")).body;
    server.clock.advance(1000); // upload order, not id order
    const b = (await uploadFile(server, owner.token, pdfBytes(unique()), "b.pdf")).body;
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
    const alone = pdfBytes(unique());
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
    const download = await fetch(`${originOf(server)}/files/${recentShared.id}`, { headers: { authorization: `Bearer ${other.token}` } });
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

/**
 * Sends a chunked multipart POST /files with `opening` and never ends its body: the answer the
 * server gives before more arrives, or null when none came within 5 s (it was waiting for the rest).
 */
async function answerBeforeEnd(server: TestServer, token: string | null, boundary: string, opening: Buffer): Promise<{ status: number; body: string } | null> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${originOf(server)}/files`, {
      method: "POST",
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve(null);
    }, 5000);
    req.on("response", (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode!, body });
      });
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.write(opening);
  });
}

/** POST /files of one file sent in 4 KB writes 20 ms apart, as a slow network delivers it. */
async function uploadSlowly(server: TestServer, token: string, bytes: Buffer, name: string): Promise<{ status: number; body: string }> {
  const boundary = "----slowly";
  const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n`), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const req = http.request(`${originOf(server)}/files`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on("error", reject);
  });
  for (let at = 0; at < body.length; at += 4096) {
    req.write(body.subarray(at, at + 4096));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  req.end();
  return answer;
}

/** A little-endian 200×200 greyscale TIFF whose image data (40 000 bytes) comes before its directory; `tag` after it makes contents differ. */
function tiffWithLateDirectory(tag: string): Buffer {
  const pixels = Buffer.alloc(40_000, 0x80);
  const header = Buffer.alloc(8);
  header.write("II*\0", 0, "latin1");
  header.writeUInt32LE(8 + pixels.length, 4);
  // width, height, bits per sample, no compression, black is zero, strip offset, samples per pixel, rows per strip, strip bytes
  const entries: Array<[number, 3 | 4, number]> = [[256, 3, 200], [257, 3, 200], [258, 3, 8], [259, 3, 1], [262, 3, 1], [273, 4, 8], [277, 3, 1], [278, 3, 200], [279, 4, pixels.length]];
  const directory = Buffer.alloc(2 + 12 * entries.length + 4);
  directory.writeUInt16LE(entries.length, 0);
  entries.forEach(([id, type, value], i) => {
    const at = 2 + 12 * i;
    directory.writeUInt16LE(id, at);
    directory.writeUInt16LE(type, at + 2);
    directory.writeUInt32LE(1, at + 4);
    if (type === 3) directory.writeUInt16LE(value, at + 8);
    else directory.writeUInt32LE(value, at + 8);
  });
  return Buffer.concat([header, pixels, directory, Buffer.from(tag)]);
}

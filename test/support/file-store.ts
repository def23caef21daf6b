import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { AppConfig } from "../../src/config";
import type { TestServer } from "./server";

/**
 * Object storage for tests: S3_TEST_ENDPOINT when set (CI starts one, .ci/s3-server.cjs), else an
 * s3rver in this process on a free port over a temp directory, so `npm test` exercises FILE_STORE=s3
 * with nothing else running. Every call makes a bucket of its own: test files sweeping blobs never
 * touch each other's.
 */
let local: Promise<{ endpoint: string; close(): Promise<void> }> | undefined;

async function endpoint(): Promise<string> {
  if (process.env.S3_TEST_ENDPOINT) return process.env.S3_TEST_ENDPOINT;
  local ??= (async () => {
    // s3rver is CommonJS without types
    const S3rver = require("s3rver") as new (options: Record<string, unknown>) => { run(): Promise<{ address: string; port: number }>; close(): Promise<void> };
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-test-"));
    const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory, allowMismatchedSignatures: true });
    const { port } = await server.run();
    return {
      endpoint: `http://127.0.0.1:${port}`,
      close: async () => {
        await server.close();
        fs.rmSync(directory, { recursive: true, force: true });
      },
    };
  })();
  return (await local).endpoint;
}

/** Stops the in-process s3rver, if one was started (afterAll). */
export async function stopLocalS3(): Promise<void> {
  if (!local) return;
  const running = local;
  local = undefined;
  await (await running).close();
}

/** Config overrides for FILE_STORE=s3 on a fresh bucket. */
export async function s3TestConfig(): Promise<Partial<AppConfig>> {
  const s3: AppConfig["s3"] = {
    endpoint: await endpoint(),
    bucket: `${process.env.S3_TEST_BUCKET ?? "test"}-${crypto.randomBytes(6).toString("hex")}`,
    region: "us-east-1",
    accessKeyId: process.env.S3_TEST_ACCESS_KEY_ID ?? "S3RVER",
    secretAccessKey: process.env.S3_TEST_SECRET_ACCESS_KEY ?? "S3RVER",
    forcePathStyle: true,
  };
  const client = new S3Client({
    endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId!, secretAccessKey: s3.secretAccessKey! },
    requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED",
  });
  await client.send(new CreateBucketCommand({ Bucket: s3.bucket }));
  client.destroy();
  return { fileStore: "s3", s3 };
}

/** The two stores a file test runs on. */
export const STORES = ["local", "s3"] as const;
export type StoreKind = (typeof STORES)[number];
export const storeConfig = async (kind: StoreKind): Promise<Partial<AppConfig>> => (kind === "s3" ? s3TestConfig() : { fileStore: "local" });

const PNG_1X1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

/** A 1×1 PNG; `tag` (after IEND, ignored by readers) makes contents that differ. */
export const png = (tag = "") => Buffer.concat([PNG_1X1, Buffer.from(tag)]);
/** A minimal PDF; `tag` makes contents that differ. */
export const pdf = (tag = "") => Buffer.from(`%PDF-1.4\n%${tag}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes: Buffer) => {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A zip (entries stored, not compressed) of the given names and contents. */
export function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(text);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** An OFD document (GB/T 33190): a zip whose entries hold OFD.xml. */
export const ofd = (tag = "") =>
  zip({ "OFD.xml": `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"><!--${tag}--></ofd:OFD>`, "Doc_0/Document.xml": "<ofd:Document/>" });

/** The server's root (http://127.0.0.1:port), from its /graphql URL. */
export const rootOf = (server: TestServer) => server.url.replace(/\/graphql$/, "");

export interface UploadAnswer {
  status: number;
  body: any;
}

/** POST /files with one part named `file` (or the parts given), as a browser's FormData sends it. */
export async function uploadFile(server: TestServer, token: string | null, bytes: Buffer, name = "file.bin", extra: { headers?: Record<string, string>; form?: FormData; type?: string } = {}): Promise<UploadAnswer> {
  const form = extra.form ?? new FormData();
  if (!extra.form) form.append("file", new Blob([bytes], { type: extra.type ?? "application/octet-stream" }), name);
  const response = await fetch(`${rootOf(server)}/files`, {
    method: "POST",
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra.headers },
    body: form,
  });
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body };
}

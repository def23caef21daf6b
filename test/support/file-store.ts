import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { crc32 } from "node:zlib";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { AppConfig } from "../../src/config";

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
  const client = s3Client(s3);
  await client.send(new CreateBucketCommand({ Bucket: s3.bucket }));
  client.destroy();
  return { fileStore: "s3", s3 };
}

/** A client of the test bucket's server, to look into the bucket (the caller destroys it). */
export const s3Client = (s3: AppConfig["s3"]) =>
  new S3Client({
    endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId!, secretAccessKey: s3.secretAccessKey! },
    requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED",
  });

/** The two stores a file test runs on. */
export const STORES = ["local", "s3"] as const;
export type StoreKind = (typeof STORES)[number];
export const storeConfig = async (kind: StoreKind): Promise<Partial<AppConfig>> => (kind === "s3" ? s3TestConfig() : { fileStore: "local" });

/** A zip (entries stored, not compressed) of the given names and contents. */
export function zip(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(content);
    // the fields both headers share: version needed, flags, method, time, date, CRC-32, sizes, name length
    const shared = Buffer.alloc(26);
    shared.writeUInt16LE(20, 0);
    shared.writeUInt32LE(crc32(data), 10);
    shared.writeUInt32LE(data.length, 14);
    shared.writeUInt32LE(data.length, 18);
    shared.writeUInt16LE(nameBytes.length, 22);
    const local = Buffer.concat([u32(0x04034b50), shared]);
    // central: made by, the shared fields, then comment length, disk, attributes (all 0) and the local header's offset
    const central = Buffer.concat([u32(0x02014b50), Buffer.from([20, 0]), shared, Buffer.alloc(10), u32(offset)]);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
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

const u32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
};

/** An OFD document (GB/T 33190): a zip whose entries hold OFD.xml. */
export const ofd = (tag = "") =>
  zip({ "OFD.xml": `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"><!--${tag}--></ofd:OFD>`, "Doc_0/Document.xml": "<ofd:Document/>" });

/** The OOXML content type of each Office document kind, as [Content_Types].xml names its main part. */
const OFFICE_MAIN = {
  docx: ["word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"],
  xlsx: ["xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"],
  pptx: ["ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"],
} as const;

/** A (minimal) Word, Excel or PowerPoint document: a zip of [Content_Types].xml and its main part. */
export const officeDocument = (kind: keyof typeof OFFICE_MAIN, tag = "") => {
  const [part, contentType] = OFFICE_MAIN[kind];
  return zip({
    "[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/${part}" ContentType="${contentType}"/></Types>`,
    [part]: `<?xml version="1.0" encoding="UTF-8"?><root><!--${tag}--></root>`,
  });
};

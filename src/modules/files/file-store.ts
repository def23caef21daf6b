import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { AppConfig } from "../../config";

/**
 * Where file contents live, addressed by their SHA-256 (lower-case hex): the same content is
 * stored once, whoever uploads it and however many attachments name it. `put` of content already
 * there is a no-op. A blob is removed only by the sweep, once no attachment names it.
 */
export interface FileStore {
  /** Stores the (temp) file at filePath as sha256, streamed (never read whole); the caller removes filePath afterwards if it is still there. */
  put(sha256: string, filePath: string, size: number, contentType: string): Promise<void>;
  /** The content as a stream; rejects with BlobMissing when nothing is stored under sha256. */
  get(sha256: string): Promise<Readable>;
  delete(sha256: string): Promise<void>;
  has(sha256: string): Promise<boolean>;
}

export class BlobMissing extends Error {
  constructor(readonly sha256: string) {
    super(`No stored content for ${sha256}`);
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
const checked = (sha256: string) => {
  if (!SHA256.test(sha256)) throw new Error(`Not a SHA-256: ${sha256}`);
  return sha256;
};

/** FILE_STORE=local: DATA_DIR/files/<first two hex digits>/<sha256>. */
export class LocalFileStore implements FileStore {
  constructor(readonly root: string) {}

  private pathOf(sha256: string): string {
    checked(sha256);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(sha256: string, filePath: string): Promise<void> {
    const target = this.pathOf(sha256);
    if (await this.has(sha256)) return;
    await fsp.mkdir(path.dirname(target), { recursive: true });
    // copy to a name of its own, then rename: a reader never sees half a file
    const partial = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    try {
      await fsp.copyFile(filePath, partial);
      await fsp.rename(partial, target);
    } finally {
      await fsp.rm(partial, { force: true });
    }
  }

  async get(sha256: string): Promise<Readable> {
    try {
      const handle = await fsp.open(this.pathOf(sha256), "r");
      return handle.createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new BlobMissing(sha256);
      throw error;
    }
  }

  async delete(sha256: string): Promise<void> {
    await fsp.rm(this.pathOf(sha256), { force: true });
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await fsp.stat(this.pathOf(sha256))).isFile();
    } catch {
      return false;
    }
  }
}

/** FILE_STORE=s3: an S3-compatible bucket (government clouds' object storage, MinIO, s3rver), key <first two hex digits>/<sha256>. */
export class S3FileStore implements FileStore {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(config: AppConfig["s3"]) {
    this.bucket = config.bucket!;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.accessKeyId && config.secretAccessKey ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } } : {}),
      // flexible checksums (the SDK's default since 2025) only where the operation needs them:
      // many S3-compatible stores do not understand them yet
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  private keyOf(sha256: string): string {
    checked(sha256);
    return `${sha256.slice(0, 2)}/${sha256}`;
  }

  async put(sha256: string, filePath: string, size: number, contentType: string): Promise<void> {
    if (await this.has(sha256)) return;
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256), Body: fs.createReadStream(filePath), ContentLength: size, ContentType: contentType }),
    );
  }

  async get(sha256: string): Promise<Readable> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
      return answer.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new BlobMissing(sha256);
      throw error;
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
};

const stores = new WeakMap<AppConfig, FileStore>();

/** The configured store (FILE_STORE), one per configuration. */
export function fileStoreOf(config: AppConfig): FileStore {
  let store = stores.get(config);
  if (!store) {
    store = config.fileStore === "s3" ? new S3FileStore(config.s3) : new LocalFileStore(path.join(config.dataDir, "files"));
    stores.set(config, store);
  }
  return store;
}

/** Where uploads are written while they stream in (then put into the store and removed). */
export const uploadTempDir = (config: AppConfig) => path.join(config.dataDir, "tmp", "uploads");

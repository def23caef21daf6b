import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import type http from "node:http";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import type { RequestContext } from "../../core/context";
import { AppError, badInput } from "../../core/errors";
import type { ReceivedUpload } from "./attachment.service";
import { detectContentType, mayBeAccepted, SNIFF_BYTES } from "./content-type";
import { uploadTempDir } from "./file-store";

/** Multipart framing (boundaries, part headers) a request may carry beside its one file. */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;
const MAX_NAME_LENGTH = 255;

export const unsupportedFileType = () =>
  new AppError(
    "UNSUPPORTED_FILE_TYPE",
    "This file's content is none of the accepted types: PDF, OFD, images (JPEG, PNG, GIF, WebP, TIFF, BMP), Office documents (Word, Excel, PowerPoint), zip",
    "不支持该文件类型（按文件内容识别，而非文件名）：仅接受 PDF、OFD、图片（JPEG、PNG、GIF、WebP、TIFF、BMP）、Office 文档（Word、Excel、PowerPoint）和 zip 压缩包",
  );

export const fileTooLarge = (max: number) =>
  new AppError("PAYLOAD_TOO_LARGE", `A file may be at most ${max} bytes (FILE_MAX_BYTES)`, `单个文件不能超过 ${max} 字节（${formatMegabytes(max)}）`, { maxBytes: max });

const formatMegabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

const onePartOnly = () =>
  badInput("file", "Send exactly one file, as the multipart part named file, and nothing else", "请只上传一个文件：表单中仅含一个名为 file 的文件部分，不含其他字段");

/**
 * The file name to keep: the client's, without any path (before the last / or \), control and
 * bidirectional-override characters, trimmed and cut to 255 characters; Chinese kept. "file"
 * when nothing is left.
 */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? "").split(/[/\\]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const printable = base.normalize("NFC").replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "").trim();
  const cut = Array.from(printable).slice(0, MAX_NAME_LENGTH).join("").trim();
  return cut === "" || cut === "." || cut === ".." ? "file" : cut;
}

/**
 * Streams the one file of a multipart/form-data request to a temp file, hashing (SHA-256) and
 * counting it on the way, never holding it whole in memory: the opening bytes are sniffed as soon
 * as they arrive (a type surely not accepted stops the upload there), more than FILE_MAX_BYTES
 * stops it with PAYLOAD_TOO_LARGE, a second file or any other field with BAD_USER_INPUT; reading
 * stops at the refusal (the server then closes the connection). The type is decided from the
 * whole content. On any refusal the temp file is removed; on success the caller removes it.
 */
export async function receiveUpload(ctx: RequestContext, req: http.IncomingMessage): Promise<ReceivedUpload> {
  const max = ctx.app.config.fileMaxBytes;
  const contentType = req.headers["content-type"] ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw badInput("file", "Send the file as multipart/form-data (curl -F file=@name.pdf)", "请以 multipart/form-data 表单上传文件（例如 curl -F file=@文件.pdf）");
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max + MULTIPART_OVERHEAD_BYTES) throw fileTooLarge(max);

  const dir = uploadTempDir(ctx.app.config);
  await fsp.mkdir(dir, { recursive: true });
  const tempPath = path.join(dir, `${randomUUID()}.upload`);
  try {
    const received = await new Promise<{ name: string; size: number; sha256: string }>((resolve, reject) => {
      let settled = false;
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: req.headers,
          // file names are UTF-8 (Chinese), whatever busboy's latin1 default says
          defParamCharset: "utf8",
          limits: { files: 1, fields: 0, parts: 2, fileSize: max + 1, fieldNameSize: 100, headerPairs: 20 },
        });
      } catch {
        throw badInput("file", "The multipart request is malformed (no boundary)", "上传的表单格式有误（缺少 boundary）");
      }
      let fileDone: Promise<{ name: string; size: number; sha256: string }> | undefined;
      let fileStream: NodeJS.ReadableStream & { destroy?: () => void } | undefined;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        req.unpipe(parser);
        parser.removeAllListeners();
        parser.on("error", () => {});
        fileStream?.destroy?.();
        reject(error);
      };
      parser.on("file", (field, stream, info) => {
        if (settled) return void stream.resume();
        fileStream = stream;
        if (field !== "file") return fail(onePartOnly());
        const hash = createHash("sha256");
        let size = 0;
        let head: Buffer[] | null = [];
        let headLength = 0;
        const sniff = async () => {
          const bytes = Buffer.concat(head!);
          head = null;
          if (!(await mayBeAccepted(bytes))) throw unsupportedFileType();
        };
        const inspect = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            size += chunk.length;
            if (!head) return done(null, chunk);
            head.push(chunk);
            headLength += chunk.length;
            if (headLength < SNIFF_BYTES) return done(null, chunk);
            sniff().then(() => done(null, chunk), done);
          },
          flush(done) {
            if (size === 0) return done(badInput("file", "The file is empty", "上传的文件是空的"));
            if (!head) return done();
            sniff().then(() => done(), done);
          },
        });
        stream.on("limit", () => fail(fileTooLarge(max)));
        fileDone = pipeline(stream, inspect, fs.createWriteStream(tempPath, { flags: "wx" })).then(() => ({
          name: cleanFileName(info.filename),
          size,
          sha256: hash.digest("hex"),
        }));
        fileDone.catch(fail);
      });
      parser.on("field", () => fail(onePartOnly()));
      parser.on("filesLimit", () => fail(onePartOnly()));
      parser.on("fieldsLimit", () => fail(onePartOnly()));
      parser.on("partsLimit", () => fail(onePartOnly()));
      parser.on("error", () => fail(badInput("file", "The multipart request is malformed", "上传的表单格式有误")));
      parser.on("close", () => {
        if (settled) return;
        if (!fileDone) return fail(badInput("file", "No file was sent: add a part named file", "没有收到文件：表单中需有名为 file 的文件部分"));
        fileDone.then((value) => {
          if (settled) return;
          settled = true;
          resolve(value);
        }, fail);
      });
      req.on("aborted", () => fail(badInput("file", "The upload was interrupted", "上传中断")));
      req.pipe(parser);
    });
    const detected = await detectContentType(tempPath);
    if (!detected) throw unsupportedFileType();
    return { ...received, contentType: detected, tempPath };
  } catch (error) {
    await fsp.rm(tempPath, { force: true });
    throw error;
  }
}

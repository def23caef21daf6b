import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import { once } from "node:events";
import fsp from "node:fs/promises";
import type http from "node:http";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import type { RequestContext } from "../../core/context";
import { AppError, badInput } from "../../core/errors";
import type { ReceivedUpload } from "./attachment.service";
import { detectContentType } from "./content-type";
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
 * The file name to keep: the client's (busboy has cut any path off: preservePath false), without
 * control and bidirectional-override characters, trimmed and cut to 255 characters; Chinese kept.
 * "file" when nothing is left.
 */
export function cleanFileName(raw: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const printable = (raw ?? "").normalize("NFC").replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "").trim();
  const cut = Array.from(printable).slice(0, MAX_NAME_LENGTH).join("").trim();
  return cut === "" || cut === "." || cut === ".." ? "file" : cut;
}

/**
 * Streams the one file of a multipart/form-data request to a temp file, hashing (SHA-256) and
 * counting it on the way, never holding it whole in memory: more than FILE_MAX_BYTES stops it with
 * PAYLOAD_TOO_LARGE, a second part (a second file or a field at its headers, anything else at its
 * end) with BAD_USER_INPUT; reading stops at the refusal (the server then closes the connection).
 * The type is then decided from the whole content. On any refusal the temp file is removed; on
 * success the caller removes it.
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
  let tempFile: fs.WriteStream | undefined;
  try {
    const received = await new Promise<{ name: string; size: number; sha256: string }>((resolve, reject) => {
      let settled = false;
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: req.headers,
          // file names are UTF-8 (Chinese), whatever busboy's latin1 default says
          defParamCharset: "utf8",
          // the name without any path (before the last / or \; "." and ".." dropped)
          preservePath: false,
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
        if (field !== "file") return fail(onePartOnly());
        fileStream = stream; // the one stream written to the temp file: a refusal destroys it
        const hash = createHash("sha256");
        let size = 0;
        const inspect = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
          flush(done) {
            done(size === 0 ? badInput("file", "The file is empty", "上传的文件是空的") : null);
          },
        });
        stream.on("limit", () => fail(fileTooLarge(max)));
        tempFile = fs.createWriteStream(tempPath, { flags: "wx" });
        fileDone = pipeline(stream, inspect, tempFile).then(() => ({
          name: cleanFileName(info.filename),
          size,
          sha256: hash.digest("hex"),
        }));
        fileDone.catch(fail);
      });
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
    // a refusal can come while the temp file is still being opened or written: remove it once it is
    // closed, or a write stream that opens it after the removal would leave it behind
    if (tempFile && !tempFile.closed) {
      const closed = once(tempFile, "close").catch(() => undefined); // an 'error' first is the refusal's, not ours
      tempFile.destroy();
      await closed;
    }
    await fsp.rm(tempPath, { force: true });
    throw error;
  }
}

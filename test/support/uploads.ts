import { crc32, deflateSync } from "node:zlib";
import type { TestServer } from "./server";

/** A minimal valid PDF; `text` makes its content (and so its sha256) differ from another's. */
export function pdfBytes(text = "material"): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n% ${text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, "latin1");
}

const chunk = (type: string, data: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/** A 1x1 PNG of the given grey (0-255): a "photo". */
export function pngBytes(grey = 128): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from([0, grey & 0xff]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The server's origin (its url without /graphql). */
export const originOf = (server: TestServer) => server.url.replace(/\/graphql$/, "");

export interface UploadAnswer {
  status: number;
  body: any;
}

/** POST /files with one part named `file` (or the parts given), as a browser's FormData sends it; the answer as it came. */
export async function uploadFile(server: TestServer, token: string | null, bytes: Buffer, name = "file.bin", extra: { headers?: Record<string, string>; form?: FormData; type?: string } = {}): Promise<UploadAnswer> {
  const form = extra.form ?? new FormData();
  if (!extra.form) form.append("file", new Blob([bytes], { type: extra.type ?? "application/octet-stream" }), name);
  const response = await fetch(`${originOf(server)}/files`, {
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

let uploads = 0;

/**
 * Uploads a file as the token's user (POST /files, multipart, one part named `file`) and returns
 * its upload id, to pass as attachmentIds. A PDF of its own content unless told otherwise.
 */
export async function upload(server: TestServer, token: string, file: { name?: string; content?: Buffer } = {}): Promise<string> {
  const n = ++uploads;
  const content = file.content ?? pdfBytes(`upload ${n} ${Date.now()} ${Math.random()}`);
  const { status, body } = await uploadFile(server, token, content, file.name ?? `材料-${n}.pdf`);
  if (status !== 201 || !body?.id) throw new Error(`upload failed: ${status} ${JSON.stringify(body)}`);
  return body.id;
}

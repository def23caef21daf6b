import { deflateSync } from "node:zlib";
import type { TestServer } from "./server";

/** A minimal valid PDF; `text` makes its content (and so its sha256) differ from another's. */
export function pdfBytes(text = "material"): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n% ${text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, "latin1");
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes: Buffer) => {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
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

let uploads = 0;

/** The server's origin (its url without /graphql). */
export const originOf = (server: TestServer) => server.url.replace(/\/graphql$/, "");

/**
 * Uploads a file as the token's user (POST /files, multipart, one part named `file`) and returns
 * its upload id, to pass as attachmentIds. A PDF of its own content unless told otherwise.
 */
export async function upload(server: TestServer, token: string, file: { name?: string; content?: Buffer } = {}): Promise<string> {
  const n = ++uploads;
  const content = file.content ?? pdfBytes(`upload ${n} ${Date.now()} ${Math.random()}`);
  const form = new FormData();
  form.append("file", new Blob([content]), file.name ?? `材料-${n}.pdf`);
  const response = await fetch(`${originOf(server)}/files`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) throw new Error(`upload failed: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}

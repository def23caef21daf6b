import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RequestContext } from "../core/context";
import { attachmentService } from "../modules/files/attachment.service";

/** A one-page PDF standing in for a paper the demo story hands over (a material, a permit). */
function demoPdf(title: string): Buffer {
  const text = title.replace(/[()\\]/g, "");
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

/**
 * An upload by the context's user, as POST /files would record it: the demo's materials and
 * issued documents exist as files, so that supplying a material or approving an item (which
 * require them) goes through the services like any other caller. Returns the upload id.
 */
export async function demoUpload(ctx: RequestContext, name: string, title: string): Promise<string> {
  const content = demoPdf(title);
  const tempPath = path.join(os.tmpdir(), `demo-upload-${randomUUID()}.pdf`);
  fs.writeFileSync(tempPath, content);
  try {
    const row = await attachmentService.recordUpload(ctx, {
      name, contentType: "application/pdf", size: content.length, sha256: createHash("sha256").update(content).digest("hex"), tempPath,
    });
    return row.id;
  } finally {
    fs.rmSync(tempPath, { force: true });
  }
}

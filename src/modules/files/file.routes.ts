import fsp from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { RequestContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { contentDisposition, type HttpRoute, type HttpRouteRequest } from "../../core/http-routes";
import { attachmentService, type AttachmentVisibility } from "./attachment.service";
import { BlobMissing, fileStoreOf } from "./file-store";
import { receiveUpload } from "./upload";

/**
 * POST /files (upload) and GET /files/:id (download), both refusing anonymous callers. Uploads
 * need `Authorization: Bearer`, which a page on another site cannot send, so a cross-site form
 * cannot upload in a user's name: the server reads a signed link's `access` parameter on GET
 * only. Downloads take the bearer header or a signed link (downloadUrl) for exactly that path.
 */
export function fileRoutes(visibility: AttachmentVisibility): HttpRoute[] {
  return [
    { method: "POST", path: /^\/files$/, handle: (ctx, request) => upload(ctx, request) },
    { method: "GET", path: /^\/files\/([^/]+)$/, handle: (ctx, request) => download(ctx, request, visibility) },
  ];
}

async function upload(ctx: RequestContext, { req, res }: HttpRouteRequest): Promise<void> {
  // before reading the body: an allowance already used up refuses at once
  await attachmentService.assertAllowance(ctx, ctx.requireUser().id);
  const received = await receiveUpload(ctx, req);
  let row;
  try {
    row = await attachmentService.recordUpload(ctx, received);
  } finally {
    await fsp.rm(received.tempPath, { force: true });
  }
  const body = JSON.stringify({ id: row.id, name: row.name, contentType: row.contentType, size: row.size, sha256: row.sha256 });
  res.writeHead(201, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

async function download(ctx: RequestContext, { req, res, params }: HttpRouteRequest, visibility: AttachmentVisibility): Promise<void> {
  const row = await attachmentService.forDownload(ctx, params[0], visibility);
  const etag = `"${row.sha256}"`;
  const common = { etag, "cache-control": "private, no-cache", "x-content-type-options": "nosniff" };
  if (matchesEtag(req.headers["if-none-match"], row.sha256)) {
    res.writeHead(304, common);
    return void res.end();
  }
  let body;
  try {
    body = await fileStoreOf(ctx.app.config).get(row.sha256);
  } catch (error) {
    if (!(error instanceof BlobMissing)) throw error;
    ctx.app.logger.error({ attachmentId: row.id, sha256: row.sha256 }, "an attachment's content is missing from the file store");
    throw notFound("Attachment", row.id);
  }
  res.writeHead(200, {
    ...common,
    "content-type": row.contentType,
    "content-length": String(row.size),
    "content-disposition": contentDisposition("attachment", row.name),
    "content-security-policy": "default-src 'none'; sandbox",
  });
  await pipeline(body, res);
}

/** If-None-Match names this content (a list, weak or strong, or *). */
function matchesEtag(header: string | undefined, sha256: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const value = tag.trim().replace(/^W\//, "");
    return value === "*" || value === `"${sha256}"`;
  });
}


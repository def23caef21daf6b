import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../core/context";
import { AppError, badInput, notFound } from "../../core/errors";
import { groupedLoader } from "../../core/loaders";
import { User } from "../accounts/user.entity";
import { Attachment, type AttachmentOwnerType } from "./attachment.entity";
import { fileStoreOf } from "./file-store";

/** At most this many files attach in one call (one mutation's attachmentIds). */
export const MAX_ATTACH_PER_CALL = 20;
/** An upload not attached within this long is swept (its row deleted, its blob too once no row names it). */
export const UNATTACHED_TTL_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;
const SWEEP_BATCH = 200;

/**
 * Who may see the record a file is attached to, per owner type: each resolves when the caller may
 * see the owner record and throws NOT_FOUND (or FORBIDDEN) when not. The downloads of attached
 * files follow it (src/modules/documents/attachment-visibility.ts gives the real map).
 */
export type AttachmentVisibility = Record<AttachmentOwnerType, (ctx: RequestContext, ownerId: string) => Promise<void>>;

/** What an upload streamed to its temp file: ready to store and record. */
export interface ReceivedUpload {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  tempPath: string;
}

const tooMany = (message: string, zh: string, limit: string) => new AppError("TOO_MANY_REQUESTS", message, zh, { limit });

/**
 * Uploads and attachments. An upload is an attachment row with no owner; a domain service
 * attaches it, inside its own transaction, to the record it belongs to, once and for good.
 */
export const attachmentService = {
  /**
   * Attaches the caller's own unattached uploads to a record, in the caller's transaction: one
   * conditional UPDATE (these ids, uploaded by the caller, still without an owner) whose affected
   * rows must be every id, so two requests attaching the same upload cannot both succeed and a
   * swept upload cannot be attached. Otherwise BAD_USER_INPUT on `field` (unknown, another user's,
   * already attached, swept; repeated ids; more than MAX_ATTACH_PER_CALL; a type `allowed` refuses).
   */
  async attach(
    ctx: RequestContext,
    uploadIds: readonly string[],
    owner: { type: AttachmentOwnerType; id: string },
    field = "attachmentIds",
    allowed?: (contentType: string) => boolean,
  ): Promise<Attachment[]> {
    if (!uploadIds.length) return [];
    if (new Set(uploadIds).size !== uploadIds.length) throw badInput(field, "The same upload is named twice", "同一个上传文件被重复列出");
    if (uploadIds.length > MAX_ATTACH_PER_CALL) {
      throw badInput(field, `At most ${MAX_ATTACH_PER_CALL} files can be attached at once`, `一次最多附加 ${MAX_ATTACH_PER_CALL} 个文件`);
    }
    const user = ctx.requireUser();
    return ctx.transaction(async (tx) => {
      const unusable = () =>
        badInput(field, "An upload is unknown, not yours, already attached or expired: upload the file again", "上传的文件不存在、不是您上传的、已被使用或已过期，请重新上传");
      const ids = [...uploadIds];
      const rows = await tx.repo(Attachment).createQueryBuilder("a")
        .where("a.id IN (:...ids) AND a.uploadedById = :userId AND a.ownerType IS NULL", { ids, userId: user.id })
        .getMany();
      if (rows.length !== ids.length) throw unusable();
      if (allowed) {
        const refused = rows.find((row) => !allowed(row.contentType));
        if (refused) throw badInput(field, `${refused.name} (${refused.contentType}) is not accepted here`, `文件“${refused.name}”（${refused.contentType}）不能用于此处`);
      }
      const attachedAt = tx.clock.now();
      const result = await tx.repo(Attachment).createQueryBuilder().update(Attachment)
        .set({ ownerType: owner.type, ownerId: owner.id, attachedAt })
        .where("id IN (:...ids) AND uploaded_by_id = :userId AND owner_type IS NULL", { ids, userId: user.id })
        .execute();
      if (result.affected !== ids.length) throw unusable();
      for (const row of rows) Object.assign(row, { ownerType: owner.type, ownerId: owner.id, attachedAt });
      return rows.sort(byUpload);
    });
  },

  /** The files of one record, in upload order: one statement for every record of the page (a per-request DataLoader per owner type). */
  listFor(ctx: RequestContext, type: AttachmentOwnerType, ownerId: string): Promise<Attachment[]> {
    return groupedLoader(
      ctx,
      `attachments.${type}`,
      (ownerIds) =>
        ctx.repo(Attachment).createQueryBuilder("a")
          .where("a.ownerType = :type AND a.ownerId IN (:...ownerIds)", { type, ownerIds })
          .orderBy("a.uploadedAt", "ASC").addOrderBy("a.id", "ASC")
          .getMany(),
      (row) => row.ownerId!,
    ).load(ownerId);
  },

  /** The caller's own upload not yet attached, or NOT_FOUND. */
  async ownUpload(ctx: RequestContext, id: string): Promise<Attachment> {
    const user = ctx.requireUser();
    const row = await ctx.repo(Attachment).createQueryBuilder("a").where("a.id = :id", { id }).getOne();
    if (!row || row.ownerType !== null || row.uploadedById !== user.id) throw notFound("Attachment", id);
    return row;
  },

  /**
   * A file the caller may download: an unattached upload to its uploader only; an attached file
   * to whoever may see its owner record (visibility). Anything else is NOT_FOUND, never saying
   * the file exists.
   */
  async forDownload(ctx: RequestContext, id: string, visibility: AttachmentVisibility): Promise<Attachment> {
    const user = ctx.requireUser();
    const row = await ctx.repo(Attachment).createQueryBuilder("a").where("a.id = :id", { id }).getOne();
    if (!row) throw notFound("Attachment", id);
    if (row.ownerType === null) {
      if (row.uploadedById !== user.id) throw notFound("Attachment", id);
      return row;
    }
    const check = visibility[row.ownerType];
    if (!check) throw notFound("Attachment", id);
    try {
      await check(ctx, row.ownerId!);
    } catch (error) {
      if (error instanceof AppError && (error.code === "NOT_FOUND" || error.code === "FORBIDDEN")) throw notFound("Attachment", id);
      throw error;
    }
    return row;
  },

  /**
   * Refuses an upload before its body is read when the caller already used up an allowance:
   * UPLOADS_PER_HOUR uploads in the last hour, or UNATTACHED_UPLOAD_BYTES_PER_USER bytes of
   * uploads not yet attached. recordUpload checks again, exactly, with the upload's size.
   */
  async assertAllowance(ctx: RequestContext, userId: string, size = 0): Promise<void> {
    const { uploadsPerHour, unattachedUploadBytesPerUser } = ctx.app.config;
    const since = new Date(ctx.clock.now().getTime() - HOUR_MS);
    const counts = await ctx.repo(Attachment).createQueryBuilder("a")
      .select("COUNT(CASE WHEN a.uploadedAt > :since THEN 1 END)", "recent")
      .addSelect("COALESCE(SUM(CASE WHEN a.ownerType IS NULL THEN a.size ELSE 0 END), 0)", "unattached")
      .where("a.uploadedById = :userId", { userId, since })
      .getRawOne<{ recent: string | number; unattached: string | number }>();
    const recent = Number(counts?.recent ?? 0);
    const unattached = Number(counts?.unattached ?? 0);
    if (recent >= uploadsPerHour) {
      throw tooMany(`At most ${uploadsPerHour} uploads an hour; try again later`, `每小时最多上传 ${uploadsPerHour} 个文件，请稍后再试`, "UPLOADS_PER_HOUR");
    }
    if (unattached + Math.max(size, 1) > unattachedUploadBytesPerUser) {
      throw tooMany(
        `Your uploads not yet attached to a record would exceed ${unattachedUploadBytesPerUser} bytes: attach them (or wait a day for them to expire) first`,
        `您已上传但尚未使用的文件将超过 ${unattachedUploadBytesPerUser} 字节的上限：请先在业务中使用这些文件（未使用的文件一天后自动清除）`,
        "UNATTACHED_UPLOAD_BYTES_PER_USER",
      );
    }
  },

  /**
   * Records a received upload and puts its content into the store, in one transaction: the
   * uploader's row locked (MariaDB) so that one user's concurrent uploads are counted one after
   * another on every instance, the allowances checked, the row inserted, then the blob put, then
   * the commit. The blob is put after the row is inserted and before it commits: see sweep for
   * why that order makes a concurrent sweep of the same content safe.
   */
  async recordUpload(ctx: RequestContext, upload: ReceivedUpload): Promise<Attachment> {
    const user = ctx.requireUser();
    return ctx.transaction(async (tx) => {
      if (tx.app.dialect === "mariadb") {
        await tx.repo(User).createQueryBuilder("u").setLock("pessimistic_write").where("u.id = :id", { id: user.id }).getOne();
      }
      await attachmentService.assertAllowance(tx, user.id, upload.size);
      const row = tx.repo(Attachment).create({
        id: randomUUID(),
        sha256: upload.sha256,
        name: upload.name,
        contentType: upload.contentType,
        size: upload.size,
        uploadedById: user.id,
        uploadedAt: tx.clock.now(),
        ownerType: null,
        ownerId: null,
        attachedAt: null,
      });
      await tx.repo(Attachment).insert(row);
      await fileStoreOf(tx.app.config).put(upload.sha256, upload.tempPath, upload.size, upload.contentType);
      return row;
    });
  },

  /**
   * The periodic sweep: uploads never attached within a day are deleted, and the blob of each
   * once no row names its content any more. Attached rows are never touched.
   *
   * The race with a concurrent upload of the same content: an upload inserts its row and puts the
   * blob inside one transaction (recordUpload); the sweep, for each content, deletes its expired
   * rows, reads the content's remaining rows with a locking read (FOR UPDATE: on MariaDB it also
   * locks the gap where a new row of that sha256 would go) and deletes the blob before it commits.
   * Whichever comes first, the other waits: an upload whose insert comes first makes the sweep
   * wait for its commit and then see its row (the blob is kept); a sweep whose locking read comes
   * first makes the upload's insert wait until the blob is gone, and the upload then puts it
   * again. On SQLite transactions are serialised, so the same holds. An attach racing the sweep
   * is decided by both conditions on owner_type IS NULL: one of them changes nothing.
   */
  async sweep(ctx: RequestContext): Promise<{ uploadsDeleted: number; blobsRemoved: number }> {
    const store = fileStoreOf(ctx.app.config);
    const cutoff = new Date(ctx.clock.now().getTime() - UNATTACHED_TTL_MS);
    let uploadsDeleted = 0;
    let blobsRemoved = 0;
    for (;;) {
      const expired = await ctx.repo(Attachment).createQueryBuilder("a")
        .select(["a.id", "a.sha256"])
        .where("a.ownerType IS NULL AND a.uploadedAt < :cutoff", { cutoff })
        .orderBy("a.uploadedAt", "ASC")
        .limit(SWEEP_BATCH)
        .getMany();
      const bySha = new Map<string, string[]>();
      for (const row of expired) bySha.set(row.sha256, [...(bySha.get(row.sha256) ?? []), row.id]);
      for (const [sha256, ids] of bySha) {
        await ctx.transaction(async (tx) => {
          const result = await tx.repo(Attachment).createQueryBuilder().delete().from(Attachment)
            .where("id IN (:...ids) AND owner_type IS NULL AND uploaded_at < :cutoff", { ids, cutoff })
            .execute();
          uploadsDeleted += result.affected ?? 0;
          const remaining = tx.repo(Attachment).createQueryBuilder("a").select("a.id").where("a.sha256 = :sha256", { sha256 }).limit(1);
          if (tx.app.dialect === "mariadb") remaining.setLock("pessimistic_write");
          if (!(await remaining.getOne())) {
            await store.delete(sha256);
            blobsRemoved++;
          }
        });
      }
      if (expired.length < SWEEP_BATCH) break;
    }
    if (uploadsDeleted) ctx.app.logger.info({ uploadsDeleted, blobsRemoved }, "swept unattached uploads");
    return { uploadsDeleted, blobsRemoved };
  },
};

const byUpload = (a: Attachment, b: Attachment) => a.uploadedAt.getTime() - b.uploadedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

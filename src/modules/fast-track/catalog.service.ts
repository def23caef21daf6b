import { idempotent } from "../../core/idempotency";
import { recordAudit } from "../../core/audit";
import { changesOf } from "../../core/changes";
import type { RequestContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { insertUnique } from "../../core/unique";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { DeferrableItem } from "./deferrable-item.entity";
import type { CreateDeferrableItemInput, NegativeListEntryInput, UpdateDeferrableItemInput } from "./fast-track.inputs";
import { NegativeListEntry } from "./negative-list.entity";

/** The reform office's lists: the negative list (负面清单) and the deferrable-item catalog (容缺清单). */
export class CatalogService {
  /** One entry per industry code or category (CONFLICT on industryCode otherwise). */
  addNegativeListEntry(ctx: RequestContext, input: NegativeListEntryInput): Promise<NegativeListEntry> {
    return idempotent(ctx, "addNegativeListEntry", NegativeListEntry, input, (tx) => this.addNegativeListEntryOnce(tx, input));
  }

  private async addNegativeListEntryOnce(ctx: RequestContext, input: NegativeListEntryInput): Promise<NegativeListEntry> {
    return ctx.transaction(async (tx) => {
      const entry = tx.repo(NegativeListEntry).create({ ...input, createdAt: tx.clock.now() });
      await insertUnique(() => tx.repo(NegativeListEntry).insert(entry), { en: `Industry ${input.industryCode} is already on the negative list`, zh: `行业 ${input.industryCode} 已在负面清单内` }, "industryCode");
      await recordAudit(tx, { action: "negativeList.add", entityType: "NegativeListEntry", entityId: entry.id, after: entry });
      return entry;
    });
  }

  /** Takes an entry off the list; projects already refused may apply again. Returns the removed entry. */
  async removeNegativeListEntry(ctx: RequestContext, id: string): Promise<NegativeListEntry> {
    return ctx.transaction(async (tx) => {
      const entry = await tx.repo(NegativeListEntry).findOneBy({ id });
      if (!entry) throw notFound("NegativeListEntry", id);
      await tx.repo(NegativeListEntry).delete({ id });
      await recordAudit(tx, { action: "negativeList.remove", entityType: "NegativeListEntry", entityId: id, before: entry });
      return entry;
    });
  }

  /** The list by industry code. */
  negativeList(ctx: RequestContext, args: ConnectionArgs): Promise<Connection<NegativeListEntry>> {
    const query = ctx.repo(NegativeListEntry).createQueryBuilder("entry");
    return paginate(query, args, { name: "industry", direction: "ASC", keys: [{ column: "entry.industryCode", value: (e) => e.industryCode }], idColumn: "entry.id" });
  }

  /**
   * The entry covering an industry code: its own code or any category prefix of it
   * ("C16" covers "C1610"); null when the list does not name it (非禁即可).
   */
  async negativeListMatch(ctx: RequestContext, industry: string): Promise<NegativeListEntry | null> {
    const prefixes = Array.from({ length: industry.length }, (_, i) => industry.slice(0, i + 1));
    const entries = await ctx.repo(NegativeListEntry).createQueryBuilder("entry").where("entry.industryCode IN (:...prefixes)", { prefixes }).getMany();
    return entries.sort((a, b) => b.industryCode.length - a.industryCode.length)[0] ?? null;
  }

  /** The catalog in display order; inactive items only when asked. */
  deferrableItems(ctx: RequestContext, includeInactive: boolean): Promise<DeferrableItem[]> {
    return ctx.repo(DeferrableItem).find({ where: includeInactive ? {} : { active: true }, order: { sortOrder: "ASC", code: "ASC" } });
  }

  /** Adds an item; its approvalKind (容而不缺: the approval it stands in for) is optional. */
  createDeferrableItem(ctx: RequestContext, input: CreateDeferrableItemInput): Promise<DeferrableItem> {
    return idempotent(ctx, "createDeferrableItem", DeferrableItem, input, (tx) => this.createDeferrableItemOnce(tx, input));
  }

  private async createDeferrableItemOnce(ctx: RequestContext, input: CreateDeferrableItemInput): Promise<DeferrableItem> {
    return ctx.transaction(async (tx) => {
      const item = tx.repo(DeferrableItem).create({ description: null, approvalKind: null, sortOrder: 0, active: true, ...changesOf(input, ["description", "approvalKind"]) });
      await insertUnique(() => tx.repo(DeferrableItem).insert(item), { en: `Deferrable item ${input.code} exists`, zh: `编码为 ${input.code} 的容缺事项已存在` }, "code");
      await recordAudit(tx, { action: "deferrableItem.create", entityType: "DeferrableItem", entityId: item.id, after: item });
      return item;
    });
  }

  /** Edits an item; deactivating it stops new deferrals and leaves existing ones as they are. */
  async updateDeferrableItem(ctx: RequestContext, input: UpdateDeferrableItemInput): Promise<DeferrableItem> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(DeferrableItem).findOneBy({ id: input.id });
      if (!before) throw notFound("DeferrableItem", input.id);
      const { id, ...changes } = input;
      const defined = changesOf(changes, ["description", "approvalKind"]);
      if (Object.keys(defined).length) await tx.repo(DeferrableItem).update({ id }, defined);
      const after = await tx.repo(DeferrableItem).findOneByOrFail({ id });
      await recordAudit(tx, { action: "deferrableItem.update", entityType: "DeferrableItem", entityId: id, before, after });
      return after;
    });
  }
}

export const catalogService = new CatalogService();

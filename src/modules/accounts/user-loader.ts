import DataLoader from "dataloader";
import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { User } from "./user.entity";

/** Per-request loader of users by id, for "who did it" fields (audit actors, signers, handlers). */
export function userById(ctx: RequestContext): DataLoader<string, User | null> {
  return ctx.loader("user.byId", () => new DataLoader<string, User | null>(async (ids) => {
    const rows = await ctx.repo(User).findBy({ id: In([...ids]) });
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }));
}

/** The user behind an optional id, through the request's loader. */
export const loadUser = (ctx: RequestContext, id: string | null | undefined) => (id ? userById(ctx).load(id) : null);

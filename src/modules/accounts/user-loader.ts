import type DataLoader from "dataloader";
import type { RequestContext } from "../../core/context";
import { loaderById } from "../../core/loaders";
import { User } from "./user.entity";

/** Per-request loader of users by id, for "who did it" fields (audit actors, signers, handlers). */
export function userById(ctx: RequestContext): DataLoader<string, User | null> {
  return loaderById(ctx, User);
}

/** The user behind an optional id, through the request's loader. */
export const loadUser = (ctx: RequestContext, id: string | null | undefined) => (id ? userById(ctx).load(id) : null);

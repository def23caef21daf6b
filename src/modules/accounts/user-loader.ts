import type { RequestContext } from "../../core/context";
import { loaderById } from "../../core/loaders";
import { User } from "./user.entity";

/** The user behind an optional id, through the request's loader (for "who did it" fields). */
export const loadUser = (ctx: RequestContext, id: string | null | undefined): Promise<User | null> =>
  id ? loaderById(ctx, User).load(id) : Promise.resolve(null);

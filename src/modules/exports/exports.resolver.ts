import { Arg, Authorized, Ctx, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { signedLink } from "../../core/links";
import { authorizeLedger } from "./exports.routes";
import { LEDGER_PATHS, LedgerExportEnum, type LedgerExport } from "./exports.types";

@Resolver()
export class ExportsResolver {
  @Authorized()
  @Query(() => String, {
    description:
      "台账: a signed link (relative to the server's root, good for LINK_TTL_SECONDS) to download the ledger without a bearer header, e.g. a plain <a href> or window.location. " +
      "The link is signed for the path alone: append the filter as URL parameters (&statusIn=OPEN,CLAIMED); whatever they are, the download runs as the caller, " +
      "with the query's own visibility and checks. Refused like the ledger's query (FORBIDDEN for a role it does not serve).",
  })
  ledgerExportLink(
    @Ctx() ctx: RequestContext,
    @Arg("name", () => LedgerExportEnum, { description: "Which ledger." }) name: LedgerExport,
  ): Promise<string> {
    authorizeLedger(ctx, name);
    return signedLink(ctx, LEDGER_PATHS[name]);
  }
}

import { finished } from "node:stream/promises";
import { contentDisposition, type HttpRoute } from "../../core/http-routes";
import { letterFileNames, letterFonts, letterPrintout, writeLetterPdf } from "./letter-pdf";

/**
 * GET /letters/:id.pdf: the two-way commitment letter, printed (A4, Chinese set in Noto Serif SC,
 * embedded as a subset), for a caller signed in by bearer or by the pdfUrl link. The letter is
 * read and checked first (UNAUTHENTICATED, NOT_FOUND for another enterprise's, CONFLICT for a
 * withdrawn one), so any refusal is the usual JSON error; then the PDF is laid out and streams out.
 */
export const letterPdfRoute: HttpRoute = {
  method: "GET",
  path: /^\/letters\/([^/]+)\.pdf$/,
  async handle(ctx, { res, params }) {
    const printout = await letterPrintout(ctx, params[0]);
    const fonts = await letterFonts();
    const names = letterFileNames(printout);
    res.writeHead(200, {
      "content-type": "application/pdf",
      "content-disposition": contentDisposition("inline", names.unicode, names.ascii),
      // a signed link is the caller's own; a shared cache must not keep the letter, nor a shared desk's browser
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    });
    writeLetterPdf(printout, fonts, res);
    await finished(res).catch(() => undefined); // a client gone mid-letter: nothing more to send
  },
};

import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { conflict, zhLabel } from "../../core/errors";
import { attachmentService } from "../files/attachment.service";
import { isImage } from "../files/content-type";
import { policyService } from "../policy/policy.service";
import { findVisibleProject } from "../projects/project-access";
import type { CommitmentLetter } from "./commitment.entity";
import { commitmentService } from "./commitment.service";
import type { AttachLetterScanInput } from "./letter-scan.inputs";

/** What a scan of a paper original may be: PDF, OFD (the national format for e-documents) or an image. */
export const isScan = (contentType: string): boolean => contentType === "application/pdf" || contentType === "application/ofd" || isImage(contentType);

/**
 * The paper original of a signed letter, scanned: its files belong to the letter version (the row),
 * so an amendment, a new version, leaves v1's scan on v1, and nothing ever removes it. Only a
 * SIGNED version has a paper original to scan (CONFLICT otherwise). Who may: the parties who sign
 * it (a user of the project's enterprise; the project's manager or the reform office).
 */
export class LetterScanService {
  async attachScan(ctx: RequestContext, input: AttachLetterScanInput): Promise<CommitmentLetter> {
    return ctx.transaction(async (tx) => {
      const letter = await commitmentService.findVisible(tx, input.letterId);
      const project = await findVisibleProject(tx, letter.projectId, { entity: "CommitmentLetter", id: letter.id });
      await policyService.authorize(tx, "attachLetterScan", { projectId: project.id, enterpriseId: project.enterpriseId });
      if (letter.status !== "SIGNED") {
        throw conflict(`Only a signed letter has a paper original to scan; this one is ${letter.status}`, `只有已签署的承诺书才有纸质原件可扫描；该承诺书为“${zhLabel("CommitmentLetterStatus", letter.status)}”`, { status: letter.status });
      }
      const files = await attachmentService.attach(tx, input.attachmentIds, { type: "COMMITMENT_LETTER", id: letter.id }, "attachmentIds", isScan);
      await recordAudit(tx, { action: "commitmentLetter.attachScan", entityType: "CommitmentLetter", entityId: letter.id, after: { attachmentIds: files.map((f) => f.id) } });
      return letter;
    });
  }
}

export const letterScanService = new LetterScanService();

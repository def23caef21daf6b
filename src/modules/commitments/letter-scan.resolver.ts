import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { Attachment } from "../files/attachment.entity";
import { attachmentService } from "../files/attachment.service";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import { CommitmentLetter } from "./commitment.entity";
import { AttachLetterScanInput } from "./letter-scan.inputs";
import { letterScanService } from "./letter-scan.service";

@Resolver(() => CommitmentLetter)
export class LetterScanResolver {
  @Remit("attachLetterScan")
  @Mutation(() => CommitmentLetter, {
    description: described("attachLetterScan", "Attach the scan of a SIGNED letter version's paper original (signed and sealed on paper) to that version; CONFLICT for a letter not SIGNED. " +
      "The scan stays on its version: an amendment's new version starts without one."),
  })
  attachLetterScan(@Ctx() ctx: RequestContext, @Arg("input") input: AttachLetterScanInput): Promise<CommitmentLetter> {
    return letterScanService.attachScan(ctx, input);
  }

  @FieldResolver(() => [Attachment], { description: "Scans of this version's signed paper original, oldest first (empty until one is attached)." })
  scans(@Root() letter: CommitmentLetter, @Ctx() ctx: RequestContext): Promise<Attachment[]> {
    return attachmentService.listFor(ctx, "COMMITMENT_LETTER", letter.id);
  }
}

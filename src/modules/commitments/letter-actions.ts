import { registerEnumType } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { enumOf } from "../../core/enums";
import { loaderById } from "../../core/loaders";
import { policyService } from "../policy/policy.service";
import type { RemitName } from "../policy/remits";
import { Project } from "../projects/project.entity";
import type { CommitmentLetter } from "./commitment.entity";
import { labelEnum } from "../../core/labels";

/** The mutations on a commitment letter that CommitmentLetter.viewerActions reports. */
export const LETTER_ACTIONS = ["SIGN_FOR_ENTERPRISE", "SIGN_FOR_GOVERNMENT", "EDIT_CLAUSES", "AMEND"] as const;
export type LetterAction = (typeof LETTER_ACTIONS)[number];
export const LetterActionEnum = enumOf(LETTER_ACTIONS);
registerEnumType(LetterActionEnum, {
  name: "CommitmentLetterAction",
  description: "承诺书操作: a mutation on a commitment letter, as listed by CommitmentLetter.viewerActions.",
  valuesConfig: labelEnum<LetterAction>("CommitmentLetterAction", {
    SIGN_FOR_ENTERPRISE: { zh: "企业签署", en: "Sign for the enterprise", description: "signCommitmentLetter with party ENTERPRISE (a DRAFT the enterprise has not signed)." },
    SIGN_FOR_GOVERNMENT: { zh: "政府签署", en: "Sign for the government", description: "signCommitmentLetter with party GOVERNMENT (a DRAFT the government has not signed)." },
    EDIT_CLAUSES: { zh: "修改条款", en: "Edit clauses", description: "updateCommitmentClause on its clauses (a DRAFT nobody has signed)." },
    AMEND: { zh: "变更", en: "Amend", description: "amendCommitmentLetter (the latest SIGNED version of an ADMITTED project)." },
  }),
});

const REMIT: Record<LetterAction, RemitName> = {
  SIGN_FOR_ENTERPRISE: "signCommitmentLetterForEnterprise",
  SIGN_FOR_GOVERNMENT: "signCommitmentLetterForGovernment",
  EDIT_CLAUSES: "updateCommitmentClause",
  AMEND: "amendCommitmentLetter",
};

/**
 * The letter states each action needs, as the commitment service checks them: a side signs a
 * DRAFT it has not signed; clauses change while nobody signed; an amendment starts from the
 * latest (not withdrawn) SIGNED version of an ADMITTED project. `latest` is that version.
 */
export function letterStatePermits(letter: CommitmentLetter, action: LetterAction, project: Pick<Project, "fastTrackStatus">, latest: CommitmentLetter | undefined): boolean {
  switch (action) {
    case "SIGN_FOR_ENTERPRISE":
      return letter.status === "DRAFT" && !letter.enterpriseSignedAt;
    case "SIGN_FOR_GOVERNMENT":
      return letter.status === "DRAFT" && !letter.governmentSignedAt;
    case "EDIT_CLAUSES":
      return letter.status === "DRAFT" && !letter.enterpriseSignedAt && !letter.governmentSignedAt;
    case "AMEND":
      return letter.status === "SIGNED" && project.fastTrackStatus === "ADMITTED" && latest?.id === letter.id;
  }
}

/**
 * What the caller may do to a letter now, in LETTER_ACTIONS order: the actions its state allows
 * whose remit the caller holds (policyService, as the mutations check it). `versions` gives the
 * project's letters, oldest first (a per-request loader). One statement per relation for a page.
 */
export async function letterViewerActions(
  ctx: RequestContext,
  letter: CommitmentLetter,
  versions: (projectId: string) => Promise<CommitmentLetter[]>,
): Promise<LetterAction[]> {
  if (!ctx.user) return [];
  const project = await loaderById(ctx, Project).load(letter.projectId);
  if (!project) return [];
  const latest = letter.status === "SIGNED" ? (await versions(letter.projectId)).filter((l) => l.status !== "WITHDRAWN").at(-1) : undefined;
  const open = LETTER_ACTIONS.filter((action) => letterStatePermits(letter, action, project, latest));
  if (!open.length) return [];
  const allowed = await policyService.allowedOf(ctx, open.map((action) => REMIT[action]), { projectId: project.id, enterpriseId: project.enterpriseId });
  return open.filter((action) => allowed.has(REMIT[action]));
}

import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { User } from "../accounts/user.entity";
import { loadUser } from "../accounts/user-loader";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { Project } from "../projects/project.entity";
import { clauseTemplateService } from "./clause-template.service";
import { ClauseTemplate, CommitmentClause, CommitmentLetter } from "./commitment.entity";
import {
  AmendCommitmentLetterInput, CreateClauseTemplateInput, DraftCommitmentLetterInput, RecordClauseFulfilmentInput,
  SignCommitmentLetterInput, UpdateClauseTemplateInput, UpdateCommitmentClauseInput,
} from "./commitment.inputs";
import { commitmentService } from "./commitment.service";
import { loaderById } from "../../core/loaders";
import { LetterActionEnum, letterViewerActions, type LetterAction } from "./letter-actions";
import { IdArg } from "../../core/validation";
import { letterPdfUrl } from "./letter-pdf";

@Resolver(() => CommitmentLetter)
export class CommitmentLetterResolver {
  @Authorized()
  @Query(() => [ClauseTemplate], { description: "承诺条款范本, in order." })
  clauseTemplates(@Ctx() ctx: RequestContext, @Arg("includeInactive", { defaultValue: false, description: "true lists deactivated templates too." }) includeInactive: boolean): Promise<ClauseTemplate[]> {
    return clauseTemplateService.list(ctx, includeInactive);
  }

  @Remit("createClauseTemplate")
  @Mutation(() => ClauseTemplate, { description: described("createClauseTemplate", "Add a clause template.") })
  createClauseTemplate(@Ctx() ctx: RequestContext, @Arg("input") input: CreateClauseTemplateInput): Promise<ClauseTemplate> {
    return clauseTemplateService.create(ctx, input);
  }

  @Remit("updateClauseTemplate")
  @Mutation(() => ClauseTemplate, { description: described("updateClauseTemplate", "Edit or deactivate a clause template; drafted letters keep their text.") })
  updateClauseTemplate(@Ctx() ctx: RequestContext, @Arg("input") input: UpdateClauseTemplateInput): Promise<ClauseTemplate> {
    return clauseTemplateService.update(ctx, input);
  }

  @Authorized()
  @Query(() => CommitmentLetter, { nullable: true, description: "One letter version; null, with NOT_FOUND in errors, when there is none or it is another enterprise's." })
  commitmentLetter(@Ctx() ctx: RequestContext, @IdArg("id", { description: "The commitment letter (双向承诺书)." }) id: string): Promise<CommitmentLetter> {
    return commitmentService.findVisible(ctx, id);
  }

  @Remit("draftCommitmentLetter")
  @Mutation(() => CommitmentLetter, { description: described("draftCommitmentLetter", "承诺准入, second step: draft an APPLIED project's two-way commitment letter from the clause templates " +
      "(CONFLICT when the project is not APPLIED, or already has a draft or signed letter; after a withdrawn one, the next version).") })
  draftCommitmentLetter(@Ctx() ctx: RequestContext, @Arg("input") input: DraftCommitmentLetterInput): Promise<CommitmentLetter> {
    return commitmentService.draft(ctx, input);
  }

  @Remit("signCommitmentLetterForEnterprise", "signCommitmentLetterForGovernment")
  @Mutation(() => CommitmentLetter, { description: described("signCommitmentLetter", "Sign one side of the letter (input.party; the caller's own side when omitted). " +
      "承诺准入: the second signature makes the letter SIGNED and admits the APPLIED project (ADMITTED, by the second signer, now). " +
      "CONFLICT for a side already signed or a WITHDRAWN or TERMINATED letter.") })
  signCommitmentLetter(@Ctx() ctx: RequestContext, @Arg("input") input: SignCommitmentLetterInput): Promise<CommitmentLetter> {
    return commitmentService.sign(ctx, input.letterId, input.party);
  }

  @Remit("amendCommitmentLetter")
  @Mutation(() => CommitmentLetter, { description: described("amendCommitmentLetter", "Amend the latest signed letter of an ADMITTED project: a new DRAFT version; the signed one stays readable. " +
      "CONFLICT for a draft, withdrawn or terminated letter, or a project not ADMITTED.") })
  amendCommitmentLetter(@Ctx() ctx: RequestContext, @Arg("input") input: AmendCommitmentLetterInput): Promise<CommitmentLetter> {
    return commitmentService.amend(ctx, input);
  }

  @Remit("updateCommitmentClause")
  @Mutation(() => CommitmentClause, { description: described("updateCommitmentClause", "Edit a clause of an unsigned draft; CONFLICT once anyone signed.") })
  updateCommitmentClause(@Ctx() ctx: RequestContext, @Arg("input") input: UpdateCommitmentClauseInput): Promise<CommitmentClause> {
    return commitmentService.updateClause(ctx, input);
  }

  @Remit("recordClauseFulfilment")
  @Mutation(() => CommitmentClause, {
    description: described("recordClauseFulfilment", "Record whether a clause of a signed letter was kept. An enterprise clause not kept (one not tied to a deferred item, " +
      "which answers through the item) writes a GENERAL credit record on the enterprise, as the deadline sweep does; once per clause. " +
      "A government clause without a rule is judged here with a note (BAD_USER_INPUT field note without it), stored as its judgement; " +
      "a clause with a rule answers CONFLICT (extensions.rule): the deadline sweep judges it from the data."),
  })
  recordClauseFulfilment(@Ctx() ctx: RequestContext, @Arg("input") input: RecordClauseFulfilmentInput): Promise<CommitmentClause> {
    return commitmentService.recordFulfilment(ctx, input);
  }

  @FieldResolver(() => [LetterActionEnum], {
    description: "What the caller may do to this letter now: the mutations whose remit the caller holds (the policy table, as the mutations check it) and that the letter's state allows.",
  })
  viewerActions(@Root() letter: CommitmentLetter, @Ctx() ctx: RequestContext): Promise<LetterAction[]> {
    return letterViewerActions(ctx, letter, (projectId) => commitmentService.forProject(ctx, projectId));
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "打印: the printed letter (A4 PDF, GET /letters/:id.pdf) as a signed link for the caller, good for LINK_TTL_SECONDS; a DRAFT prints marked 草稿 and a TERMINATED one 已终止; null for a WITHDRAWN letter (never binding, not printed).",
  })
  pdfUrl(@Root() letter: CommitmentLetter, @Ctx() ctx: RequestContext): Promise<string | null> {
    return letterPdfUrl(ctx, letter);
  }

  @FieldResolver(() => [CommitmentClause])
  clauses(@Root() letter: CommitmentLetter, @Ctx() ctx: RequestContext): Promise<CommitmentClause[]> {
    return commitmentService.clauses(ctx, letter.id);
  }

  @FieldResolver(() => Project)
  project(@Root() letter: CommitmentLetter, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, Project).load(letter.projectId);
  }

  @FieldResolver(() => User, { nullable: true })
  draftedBy(@Root() letter: CommitmentLetter, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, letter.draftedById);
  }

  @FieldResolver(() => User, { nullable: true })
  enterpriseSignedBy(@Root() letter: CommitmentLetter, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, letter.enterpriseSignedById);
  }

  @FieldResolver(() => User, { nullable: true })
  governmentSignedBy(@Root() letter: CommitmentLetter, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, letter.governmentSignedById);
  }
}

@Resolver(() => CommitmentClause)
export class CommitmentClauseResolver {
  @FieldResolver(() => CommitmentLetter, { description: "The letter (version) the clause belongs to, and through it the project." })
  letter(@Root() clause: CommitmentClause, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, CommitmentLetter).load(clause.letterId);
  }

  @FieldResolver(() => DeferredItem, { nullable: true, description: "The deferred item an enterprise clause follows." })
  deferredItem(@Root() clause: CommitmentClause, @Ctx() ctx: RequestContext) {
    return clause.deferredItemId ? loaderById(ctx, DeferredItem).load(clause.deferredItemId) : null;
  }
}

@Resolver(() => Project)
export class ProjectCommitmentResolver {
  @FieldResolver(() => [CommitmentLetter], { description: "Every version of the project's commitment letter, oldest first." })
  commitmentLetters(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<CommitmentLetter[]> {
    return commitmentService.forProject(ctx, project.id);
  }

  @FieldResolver(() => CommitmentLetter, { nullable: true, description: "The binding letter: the latest signed version." })
  commitmentLetter(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<CommitmentLetter | null> {
    return commitmentService.current(ctx, project.id);
  }
}

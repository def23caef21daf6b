import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
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

@Resolver(() => CommitmentLetter)
export class CommitmentLetterResolver {
  @Authorized()
  @Query(() => [ClauseTemplate], { description: "承诺条款范本, in order." })
  clauseTemplates(@Ctx() ctx: RequestContext, @Arg("includeInactive", { defaultValue: false }) includeInactive: boolean): Promise<ClauseTemplate[]> {
    return clauseTemplateService.list(ctx, includeInactive);
  }

  @Authorized("ADMIN")
  @Mutation(() => ClauseTemplate, { description: "Add a clause template (ADMIN)." })
  createClauseTemplate(@Ctx() ctx: RequestContext, @Arg("input") input: CreateClauseTemplateInput): Promise<ClauseTemplate> {
    return clauseTemplateService.create(ctx, input);
  }

  @Authorized("ADMIN")
  @Mutation(() => ClauseTemplate, { description: "Edit or deactivate a clause template (ADMIN); drafted letters keep their text." })
  updateClauseTemplate(@Ctx() ctx: RequestContext, @Arg("input") input: UpdateClauseTemplateInput): Promise<ClauseTemplate> {
    return clauseTemplateService.update(ctx, input);
  }

  @Authorized()
  @Query(() => CommitmentLetter, { description: "One letter version; another enterprise's answers NOT_FOUND." })
  commitmentLetter(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<CommitmentLetter> {
    return commitmentService.findVisible(ctx, id);
  }

  @Authorized("ADMIN")
  @Mutation(() => CommitmentLetter, { description: "Draft a fast-track project's two-way commitment letter from the templates (ADMIN)." })
  draftCommitmentLetter(@Ctx() ctx: RequestContext, @Arg("input") input: DraftCommitmentLetterInput): Promise<CommitmentLetter> {
    return commitmentService.draft(ctx, input);
  }

  @Authorized()
  @Mutation(() => CommitmentLetter, { description: "Sign the caller's side: an ENTERPRISE user of the project's enterprise, or ADMIN / the project's cadre for the government." })
  signCommitmentLetter(@Ctx() ctx: RequestContext, @Arg("input") input: SignCommitmentLetterInput): Promise<CommitmentLetter> {
    return commitmentService.sign(ctx, input.letterId);
  }

  @Authorized("ADMIN")
  @Mutation(() => CommitmentLetter, { description: "Amend the latest signed letter: a new DRAFT version; the signed one stays readable (ADMIN)." })
  amendCommitmentLetter(@Ctx() ctx: RequestContext, @Arg("input") input: AmendCommitmentLetterInput): Promise<CommitmentLetter> {
    return commitmentService.amend(ctx, input);
  }

  @Authorized("ADMIN")
  @Mutation(() => CommitmentClause, { description: "Edit a clause of an unsigned draft (ADMIN); CONFLICT once anyone signed." })
  updateCommitmentClause(@Ctx() ctx: RequestContext, @Arg("input") input: UpdateCommitmentClauseInput): Promise<CommitmentClause> {
    return commitmentService.updateClause(ctx, input);
  }

  @Authorized("ADMIN")
  @Mutation(() => CommitmentClause, {
    description:
      "Record whether a clause of a signed letter was kept (ADMIN). An enterprise clause not kept (one not tied to a deferred item, " +
      "which answers through the item) writes a GENERAL credit record on the enterprise, as the deadline sweep does; once per clause.",
  })
  recordClauseFulfilment(@Ctx() ctx: RequestContext, @Arg("input") input: RecordClauseFulfilmentInput): Promise<CommitmentClause> {
    return commitmentService.recordFulfilment(ctx, input);
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

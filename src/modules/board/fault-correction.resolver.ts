import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { loaderById } from "../../core/loaders";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { loadUser } from "../accounts/user-loader";
import { User } from "../accounts/user.entity";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import { FaultCorrectionFilter, SubmitFaultCorrectionInput, VerifyFaultCorrectionInput } from "./board.inputs";
import { FaultCorrection } from "./fault-correction.entity";
import { faultCorrectionService } from "./fault-correction.service";
import { FaultToleranceReview } from "./fault-tolerance.entity";

export const FaultCorrectionConnection = ConnectionType(FaultCorrection);

@Resolver(() => FaultCorrection)
export class FaultCorrectionResolver {
  @Authorized("ADMIN", "CADRE")
  @Query(() => FaultCorrectionConnection, {
    description: "纠错: corrections ordered by 容错 reviews, soonest due first. ADMIN sees every one; a CADRE only their own (filter.ownerId of another cadre: FORBIDDEN); others FORBIDDEN.",
  })
  faultCorrections(
    @Ctx() ctx: RequestContext,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => FaultCorrectionFilter, { nullable: true, description: "Which corrections; every one the caller may see when omitted." }) filter?: FaultCorrectionFilter,
  ) {
    return faultCorrectionService.list(ctx, args, filter ?? {});
  }

  @Remit("submitFaultCorrection")
  @Mutation(() => FaultCorrection, { description: described("submitFaultCorrection", "The owner reports an ORDERED correction done, with a note: SUBMITTED.") })
  submitFaultCorrection(@Ctx() ctx: RequestContext, @Arg("input") input: SubmitFaultCorrectionInput): Promise<FaultCorrection> {
    return faultCorrectionService.submit(ctx, input);
  }

  @Remit("verifyFaultCorrection")
  @Mutation(() => FaultCorrection, {
    description: described("verifyFaultCorrection", "Verify a SUBMITTED correction: accepted, COMPLETED (completedAt, completedBy); not accepted, back to ORDERED with the comment."),
  })
  verifyFaultCorrection(@Ctx() ctx: RequestContext, @Arg("input") input: VerifyFaultCorrectionInput): Promise<FaultCorrection> {
    return faultCorrectionService.verify(ctx, input);
  }

  @FieldResolver(() => FaultToleranceReview, { description: "The review that ordered it." })
  async review(@Root() correction: FaultCorrection, @Ctx() ctx: RequestContext): Promise<FaultToleranceReview> {
    return (await loaderById(ctx, FaultToleranceReview).load(correction.reviewId))!;
  }

  @FieldResolver(() => User, { description: "Who must carry it out." })
  owner(@Root() correction: FaultCorrection, @Ctx() ctx: RequestContext): Promise<User | null> {
    return loadUser(ctx, correction.ownerId);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who in the reform office verified it complete." })
  completedBy(@Root() correction: FaultCorrection, @Ctx() ctx: RequestContext): Promise<User | null> {
    return loadUser(ctx, correction.completedById);
  }

  @FieldResolver(() => Boolean, { description: "Not COMPLETED and its due date passed (district date, server clock)." })
  overdue(@Root() correction: FaultCorrection, @Ctx() ctx: RequestContext): boolean {
    return faultCorrectionService.isOverdue(ctx, correction);
  }
}

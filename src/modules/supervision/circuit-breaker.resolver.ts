import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { Project } from "../projects/project.entity";
import { CircuitBreaker, CircuitBreakerEvent, DelayCause } from "./circuit-breaker.entity";
import { ConfirmRectificationInput, DecideAfterRectificationInput, RecordDelayCauseInput } from "./circuit-breaker.inputs";
import { circuitBreakerService } from "./circuit-breaker.service";

@Resolver(() => Project)
export class CircuitBreakerResolver {
  @FieldResolver(() => CircuitBreaker, { description: "熔断: the project's circuit breaker (ACTIVE unless it tripped)." })
  circuitBreaker(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return circuitBreakerService.breakerOf(ctx, project.id);
  }

  @FieldResolver(() => [CircuitBreakerEvent], { description: "Every step of the breaker: who, when, why." })
  circuitBreakerEvents(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return circuitBreakerService.events(ctx, project.id);
  }

  @FieldResolver(() => [DelayCause])
  delayCauses(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return circuitBreakerService.delayCauses(ctx, project.id);
  }

  @Remit("recordDelayCause")
  @Mutation(() => DelayCause, { description: described("recordDelayCause", "Attribute a project's delay to the enterprise or the government (only the enterprise's trips the breaker).") })
  recordDelayCause(@Ctx() ctx: RequestContext, @Arg("input") input: RecordDelayCauseInput) {
    return circuitBreakerService.recordDelayCause(ctx, input);
  }

  @Remit("confirmRectification")
  @Mutation(() => CircuitBreaker, { description: described("confirmRectification", "A suspended project rectified within its deadline: ACTIVE again.") })
  confirmRectification(@Ctx() ctx: RequestContext, @Arg("input") input: ConfirmRectificationInput) {
    return circuitBreakerService.confirmRectification(ctx, input);
  }

  @Remit("decideAfterRectification")
  @Mutation(() => CircuitBreaker, { description: described("decideAfterRectification", "The reform office's decision after a missed rectification: EXIT or REAPPLY.") })
  decideAfterRectification(@Ctx() ctx: RequestContext, @Arg("input") input: DecideAfterRectificationInput) {
    return circuitBreakerService.decide(ctx, input);
  }
}

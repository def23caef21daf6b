import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { Project } from "../projects/project.entity";
import { UrgentRequestEvent } from "../tickets/urgent.events";
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
  @Mutation(() => DelayCause, { description: described("recordDelayCause", "Record why a project is late: an ENTERPRISE cause (资金未到位 …, with a note) can trip the breaker; a GOVERNMENT one is a note only (an approval pending past its promised working days is what protects the project). Overdue deferred materials count without being recorded.") })
  recordDelayCause(@Ctx() ctx: RequestContext, @Arg("input") input: RecordDelayCauseInput) {
    return circuitBreakerService.recordDelayCause(ctx, input);
  }

  @Remit("confirmRectification")
  @Mutation(() => CircuitBreaker, { description: described("confirmRectification", "A suspended project rectified within its deadline: the breaker ACTIVE again and the stop-work order lifted (the project ADMITTED).") })
  confirmRectification(@Ctx() ctx: RequestContext, @Arg("input") input: ConfirmRectificationInput) {
    return circuitBreakerService.confirmRectification(ctx, input);
  }

  @Remit("decideAfterRectification")
  @Mutation(() => CircuitBreaker, { description: described("decideAfterRectification", "The reform office's decision after a missed rectification: EXIT (the project EXITED, its letters TERMINATED, a credit record on the enterprise) or REAPPLY (letters TERMINATED, the project NOT_APPLIED to apply again).") })
  decideAfterRectification(@Ctx() ctx: RequestContext, @Arg("input") input: DecideAfterRectificationInput) {
    return circuitBreakerService.decide(ctx, input);
  }
}

/** The breaker on an urgent request: supervision publishes CIRCUIT_BREAKER events on the tickets' channel, so the field is this module's. */
@Resolver(() => UrgentRequestEvent)
export class UrgentRequestBreakerResolver {
  @FieldResolver(() => CircuitBreaker, { nullable: true, description: "For a CIRCUIT_BREAKER event: the project's breaker as it is when the event is delivered." })
  circuitBreaker(@Root() event: UrgentRequestEvent, @Ctx() ctx: RequestContext): Promise<CircuitBreaker> | null {
    return event.type === "CIRCUIT_BREAKER" ? circuitBreakerService.breakerOf(ctx, event.projectId) : null;
  }
}

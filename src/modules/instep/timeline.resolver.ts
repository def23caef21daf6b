import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import type { RequestContext } from "../../core/context";
import { ApprovalPhaseEnum, type ApprovalPhase } from "./approval.entity";
import { figuresService } from "./figures.service";
import { DistrictFigures, ProjectCohortEnum, type ProjectCohort } from "./figures.types";
import { timelineService } from "./timeline.service";
import { CriticalPath, ProjectTimeline } from "./timeline.types";

@Resolver(() => ProjectTimeline)
export class TimelineResolver {
  @Authorized()
  @Query(() => ProjectTimeline, { description: "三同步 timeline of a project (ENTERPRISE: own projects only; another's answers NOT_FOUND)." })
  projectTimeline(@Ctx() ctx: RequestContext, @Arg("projectId", () => ID) projectId: string): Promise<ProjectTimeline> {
    return timelineService.timeline(ctx, projectId);
  }

  @FieldResolver(() => CriticalPath, { nullable: true, description: "The critical path of all submitted items, or of one phase's (see CriticalPath); null when none was submitted." })
  criticalPath(
    @Ctx() ctx: RequestContext,
    @Root() timeline: ProjectTimeline,
    @Arg("phase", () => ApprovalPhaseEnum, { nullable: true }) phase?: ApprovalPhase | null,
  ): Promise<CriticalPath | null> {
    return timelineService.criticalPath(ctx, timeline.data, phase);
  }

  @Authorized("ADMIN", "CADRE")
  @Query(() => DistrictFigures, { description: "The district's figures for [from, to] (both included), computed from the data (ADMIN, CADRE)." })
  districtFigures(
    @Ctx() ctx: RequestContext,
    @Arg("from", () => GraphQLLocalDate) from: string,
    @Arg("to", () => GraphQLLocalDate) to: string,
    @Arg("cohort", () => ProjectCohortEnum, { defaultValue: "ALL", description: "Which projects every figure counts: all (the default), fast-track ones, or those with deferred items (容缺)." }) cohort: ProjectCohort,
  ): Promise<DistrictFigures> {
    return figuresService.districtFigures(ctx, from, to, cohort);
  }
}

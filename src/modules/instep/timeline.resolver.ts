import { Arg, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import type { RequestContext } from "../../core/context";
import { ApprovalPhaseEnum, type ApprovalPhase } from "./approval.entity";
import { figuresService } from "./figures.service";
import { DistrictFigures, ProjectCohortEnum, type ProjectCohort } from "./figures.types";
import { timelineService } from "./timeline.service";
import { CriticalPath, ProjectTimeline } from "./timeline.types";
import { Project } from "../projects/project.entity";
import { IdArg } from "../../core/validation";

@Resolver(() => ProjectTimeline)
export class TimelineResolver {
  @Authorized()
  @Query(() => ProjectTimeline, { nullable: true, description: "三同步 timeline of a project (ENTERPRISE: own projects only); null, with NOT_FOUND in errors, for a project the caller may not see or none. Also Project.timeline." })
  projectTimeline(@Ctx() ctx: RequestContext, @IdArg("projectId", { description: "The project whose timeline to compute." }) projectId: string): Promise<ProjectTimeline> {
    return timelineService.timeline(ctx, projectId);
  }

  @FieldResolver(() => CriticalPath, { nullable: true, description: "The critical path of all submitted items, or of one phase's (see CriticalPath); null when none was submitted." })
  criticalPath(
    @Ctx() ctx: RequestContext,
    @Root() timeline: ProjectTimeline,
    @Arg("phase", () => ApprovalPhaseEnum, { nullable: true, description: "One in-step phase's critical path; the whole project's when omitted." }) phase?: ApprovalPhase | null,
  ): Promise<CriticalPath | null> {
    return timelineService.criticalPath(ctx, timeline.data, phase);
  }

  @Authorized("ADMIN", "CADRE")
  @Query(() => DistrictFigures, { description: "The district's figures for [from, to] (both included), computed from the data (ADMIN, CADRE)." })
  districtFigures(
    @Ctx() ctx: RequestContext,
    @Arg("from", () => GraphQLLocalDate, { description: "First day counted (inclusive)." }) from: string,
    @Arg("to", () => GraphQLLocalDate, { description: "Last day counted (inclusive)." }) to: string,
    @Arg("cohort", () => ProjectCohortEnum, { defaultValue: "ALL", description: "Which projects every figure counts: all (the default), fast-track ones, or those with deferred items (容缺)." }) cohort: ProjectCohort,
  ): Promise<DistrictFigures> {
    return figuresService.districtFigures(ctx, from, to, cohort);
  }
}

@Resolver(() => Project)
export class ProjectTimelineResolver {
  @FieldResolver(() => ProjectTimeline, {
    nullable: true,
    description: "三同步 timeline of the project: what projectTimeline(projectId) answers. Null only with its error in errors (e.g. CALENDAR_YEAR_UNKNOWN), so that the rest of a project page stands.",
  })
  timeline(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<ProjectTimeline> {
    return timelineService.timeline(ctx, project.id);
  }
}

import { Arg, Authorized, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { Attachment } from "../files/attachment.entity";
import { attachmentService } from "../files/attachment.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { loaderById } from "../../core/loaders";
import { Enterprise } from "../enterprises/enterprise.entity";
import { MeasureEnum, type Measure } from "../credit/credit-record.entity";
import { CommitmentClause } from "../commitments/commitment.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { Project } from "../projects/project.entity";
import { Department } from "../departments/department.entity";
import { InspectionFinding, JointInspection, RiskLevelEnum, SupervisionStandard } from "./supervision.entity";
import {
  CreateSupervisionStandardInput,
  RecordInspectionFindingsInput,
  ResolveFindingInput,
  ScheduleJointInspectionInput,
  SetRiskLevelInput,
  UpdateSupervisionStandardInput,
} from "./supervision.inputs";
import { supervisionService } from "./supervision.service";
import { InspectionDue, SweepReport } from "./supervision.types";
import { dashboardService } from "./dashboard.service";
import { sweepService } from "./sweep.service";

@ObjectType()
export class MeasureGroup {
  @Field(() => MeasureEnum) measure: Measure;
  @Field(() => [Enterprise]) enterprises: Enterprise[];
}

@ObjectType({ description: "熔断: how many projects each circuit-breaker state holds now." })
export class CircuitBreakerCounts {
  @Field(() => Int, { description: "Under a stop-work order, rectification deadline running (SUSPENDED)." }) suspended: number;
  @Field(() => Int, { description: "Rectification deadline passed, awaiting the reform office's EXIT or REAPPLY (still under the stop-work order)." }) awaitingDecision: number;
  @Field(() => Int, { description: "Left the fast track (EXITED)." }) exited: number;
  @Field(() => Int, { description: "Told to apply again (REAPPLY); counted until the breaker trips again." }) reapply: number;
}

@ObjectType({ description: "The supervision picture now." })
export class SupervisionDashboard {
  @Field(() => [DeferredItem], { description: "容缺 materials overdue, earliest promise first." }) overdueDeferredItems: DeferredItem[];
  @Field(() => [CommitmentClause], { description: "Commitment clauses breached (either party), earliest due first." }) breachedClauses: CommitmentClause[];
  @Field(() => [InspectionFinding], { description: "Findings whose follow-up is overdue." }) overdueFindings: InspectionFinding[];
  @Field(() => [InspectionDue]) inspectionsDue: InspectionDue[];
  @Field(() => [Project], { description: "Projects stopped by the circuit breaker (SUSPENDED or AWAITING_DECISION), each under its stop-work order; longest stopped first." }) suspendedProjects: Project[];
  @Field(() => [Project], { description: "Projects whose rectification deadline passed: the reform office decides EXIT or REAPPLY (decideAfterRectification)." }) awaitingDecisionProjects: Project[];
  @Field(() => [Project], { description: "Projects the circuit breaker took off the fast track (EXITED), latest first." }) exitedProjects: Project[];
  @Field(() => CircuitBreakerCounts) circuitBreakers: CircuitBreakerCounts;
  @Field(() => [MeasureGroup], { description: "Enterprises under each credit measure (NONE left out)." }) enterprisesByMeasure: MeasureGroup[];
}

@Resolver()
export class SupervisionResolver {
  @Authorized()
  @Query(() => [SupervisionStandard], { description: "The supervision standards (26项细则标准), by code." })
  supervisionStandards(@Ctx() ctx: RequestContext, @Arg("activeOnly", { defaultValue: true, description: "false lists deactivated standards too." }) activeOnly: boolean) {
    return supervisionService.standards(ctx, activeOnly);
  }

  @Remit("createSupervisionStandard")
  @Mutation(() => SupervisionStandard, { description: described("createSupervisionStandard", "Add a supervision standard (26项细则标准).") })
  createSupervisionStandard(@Ctx() ctx: RequestContext, @Arg("input") input: CreateSupervisionStandardInput) {
    return supervisionService.createStandard(ctx, input);
  }

  @Remit("updateSupervisionStandard")
  @Mutation(() => SupervisionStandard, { description: described("updateSupervisionStandard", "Edit or deactivate a supervision standard; null leaves a field alone.") })
  updateSupervisionStandard(@Ctx() ctx: RequestContext, @Arg("input") input: UpdateSupervisionStandardInput) {
    return supervisionService.updateStandard(ctx, input);
  }

  @Remit("setProjectRiskLevel")
  @Mutation(() => Project, { description: described("setProjectRiskLevel", "Set a project's risk level, which sets its inspection interval.") })
  setProjectRiskLevel(@Ctx() ctx: RequestContext, @Arg("input") input: SetRiskLevelInput) {
    return supervisionService.setRiskLevel(ctx, input);
  }

  @Remit("scheduleJointInspection")
  @Mutation(() => JointInspection, { description: described("scheduleJointInspection", "综合查一次: schedule one visit by several departments.") })
  scheduleJointInspection(@Ctx() ctx: RequestContext, @Arg("input") input: ScheduleJointInspectionInput) {
    return supervisionService.scheduleJointInspection(ctx, input);
  }

  @Remit("recordInspectionFindings")
  @Mutation(() => JointInspection, { description: described("recordInspectionFindings", "Record per standard a pass or a finding with a follow-up deadline; completes the inspection.") })
  recordInspectionFindings(@Ctx() ctx: RequestContext, @Arg("input") input: RecordInspectionFindingsInput) {
    return supervisionService.recordFindings(ctx, input);
  }

  @Remit("resolveInspectionFinding")
  @Mutation(() => InspectionFinding, { description: described("resolveInspectionFinding", "A finding put right (OPEN or OVERDUE -> RESOLVED).") })
  resolveInspectionFinding(@Ctx() ctx: RequestContext, @Arg("input") input: ResolveFindingInput) {
    return supervisionService.resolveFinding(ctx, input);
  }

  @Authorized("ADMIN", "CADRE")
  @Query(() => [InspectionDue], { description: "风险等级差异化监管: fast-track projects whose inspection interval has passed, earliest first." })
  inspectionsDue(@Ctx() ctx: RequestContext) {
    return supervisionService.inspectionsDue(ctx);
  }

  @Authorized("ADMIN", "CADRE")
  @Query(() => SupervisionDashboard)
  supervisionDashboard(@Ctx() ctx: RequestContext) {
    return dashboardService.dashboard(ctx);
  }

  @Remit("runDeadlineSweep")
  @Mutation(() => SweepReport, { description: described("runDeadlineSweep", "Run the deadline sweep now (it also runs inside the server every SWEEP_INTERVAL_MS).") })
  runDeadlineSweep(@Ctx() ctx: RequestContext) {
    return sweepService.run(ctx);
  }
}

@Resolver(() => JointInspection)
export class JointInspectionResolver {
  @FieldResolver(() => [InspectionFinding])
  findings(@Root() inspection: JointInspection, @Ctx() ctx: RequestContext) {
    return supervisionService.findings(ctx, inspection.id);
  }

  @FieldResolver(() => [Department], { description: "The departments taking part in the one visit, the lead first." })
  departments(@Root() inspection: JointInspection, @Ctx() ctx: RequestContext) {
    return supervisionService.departmentsOf(ctx, inspection.id);
  }

  @FieldResolver(() => Department, { description: "牵头部门: the department that arranges the visit (it takes part too)." })
  leadDepartment(@Root() inspection: JointInspection, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, Department).load(inspection.leadDepartmentId);
  }

  @FieldResolver(() => Project, { description: "The project inspected." })
  project(@Root() inspection: JointInspection, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, Project).load(inspection.projectId);
  }
}

@Resolver(() => InspectionFinding)
export class InspectionFindingResolver {
  @FieldResolver(() => JointInspection, { description: "The inspection that found it, and through it the project (a dashboard's overdue finding links here)." })
  inspection(@Root() finding: InspectionFinding, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, JointInspection).load(finding.inspectionId);
  }

  @FieldResolver(() => [Attachment], { description: "Photos taken on the visit, oldest first." })
  attachments(@Root() finding: InspectionFinding, @Ctx() ctx: RequestContext): Promise<Attachment[]> {
    return attachmentService.listFor(ctx, "INSPECTION_FINDING", finding.id);
  }
}

@Resolver(() => Project)
export class ProjectSupervisionResolver {
  @FieldResolver(() => RiskLevelEnum, { description: "风险等级: MEDIUM until an ADMIN sets it." })
  riskLevel(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return supervisionService.riskLevel(ctx, project.id);
  }

  @Authorized("ADMIN", "CADRE")
  @FieldResolver(() => [JointInspection], { description: "The project's joint inspections, latest first." })
  inspections(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return supervisionService.inspections(ctx, project.id);
  }
}

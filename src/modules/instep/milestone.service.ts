import { idempotent } from "../../core/idempotency";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { findVisibleProject } from "../projects/project-access";
import { policyService } from "../policy/policy.service";
import { rolesOf } from "../policy/remits";
import { Project } from "../projects/project.entity";
import { buildingService } from "./building.service";
import { MILESTONE_COLUMNS, assertMilestoneOrder, projectStage } from "../projects/project-milestones";
import { assertNoStopWorkOrder } from "../projects/stop-work";
import { resolveOn } from "./instep-common";
import { assertNothingOwed, assertStartPermitted } from "./path-gates";
import type { RecordProjectMilestoneInput } from "./instep.inputs";

/**
 * Records a project milestone in the project's own date column (a correction overwrites it,
 * audited). Milestones keep their order (no construction start before the land contract,
 * no certificate before completion, no trial production before pre-acceptance…), and trial
 * production needs every part it uses accepted on or before that day (预验同步试产). The path's
 * gates: nothing is recorded under a stop-work order (STOP_WORK_ORDER); construction starts on an
 * approved permit or on a signed commitment (START_NOT_PERMITTED), the project remembering which
 * (startedOnCommitment); completion waits for every deferred material (DEFERRED_ITEMS_OUTSTANDING).
 * The stage follows the milestones (projectStage), never typed.
 */
export class MilestoneService {
  record(ctx: RequestContext, input: RecordProjectMilestoneInput): Promise<Project> {
    return idempotent(ctx, "recordProjectMilestone", Project, input, (tx) => this.recordOnce(tx, input));
  }

  private async recordOnce(ctx: RequestContext, input: RecordProjectMilestoneInput): Promise<Project> {
    const on = resolveOn(ctx, input.on);
    // 开工报备: the enterprise files its own construction start; other milestones are the team's
    const remit = input.milestone === "CONSTRUCTION_START" ? "fileConstructionStart" : "recordProjectMilestone";
    return ctx.transaction(async (tx) => {
      // the resolver lets ENTERPRISE through for 开工报备: for any other milestone its role holds no
      // relation, so it is refused before the project is looked up (FORBIDDEN, not NOT_FOUND)
      if (!rolesOf(remit).includes(tx.requireUser().role)) await policyService.authorize(tx, remit);
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, remit, { projectId: project.id, enterpriseId: project.enterpriseId });
      assertNoStopWorkOrder(project);
      const column = MILESTONE_COLUMNS[input.milestone];
      const dates = { ...project, [column]: on };
      assertMilestoneOrder(dates, { milestone: input.milestone, field: "on" });
      const changes: Partial<Project> = { [column]: on, stage: projectStage(dates) };
      if (input.milestone === "CONSTRUCTION_START") changes.startedOnCommitment = (await assertStartPermitted(tx, project, on)).startedOnCommitment;
      if (input.milestone === "COMPLETION") await assertNothingOwed(tx, project, "Completion (竣工)", "竣工");
      if (input.milestone === "TRIAL_PRODUCTION") await buildingService.assertTrialProductionReady(tx, project.id, on);
      await tx.repo(Project).update({ id: project.id }, changes);
      const after = await tx.repo(Project).findOneByOrFail({ id: project.id });
      await recordAudit(tx, {
        action: "project.milestone",
        entityType: "Project",
        entityId: project.id,
        before: { milestone: input.milestone, on: project[column], stage: project.stage, startedOnCommitment: project.startedOnCommitment },
        after: { milestone: input.milestone, on, stage: after.stage, startedOnCommitment: after.startedOnCommitment },
      });
      return after;
    });
  }
}

export const milestoneService = new MilestoneService();

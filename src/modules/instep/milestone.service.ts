import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { findVisibleProject } from "../projects/project-access";
import { policyService } from "../policy/policy.service";
import { rolesOf } from "../policy/remits";
import { Project } from "../projects/project.entity";
import { buildingService } from "./building.service";
import { MILESTONE_COLUMNS, assertMilestoneOrder } from "../projects/project-milestones";
import { resolveOn } from "./instep-common";
import type { RecordProjectMilestoneInput } from "./instep.inputs";

/**
 * Records a project milestone in the project's own date column (a correction overwrites it,
 * audited). Milestones keep their order (no construction start before the land contract,
 * no certificate before completion, no trial production before pre-acceptance…), and trial
 * production needs every part it uses accepted on or before that day (预验同步试产).
 */
export class MilestoneService {
  async record(ctx: RequestContext, input: RecordProjectMilestoneInput): Promise<Project> {
    const on = resolveOn(ctx, input.on);
    // 开工报备: the enterprise files its own construction start; other milestones are the team's
    const remit = input.milestone === "CONSTRUCTION_START" ? "fileConstructionStart" : "recordProjectMilestone";
    return ctx.transaction(async (tx) => {
      // the resolver lets ENTERPRISE through for 开工报备: for any other milestone its role holds no
      // relation, so it is refused before the project is looked up (FORBIDDEN, not NOT_FOUND)
      if (!rolesOf(remit).includes(tx.requireUser().role)) await policyService.authorize(tx, remit);
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, remit, { projectId: project.id, enterpriseId: project.enterpriseId });
      const column = MILESTONE_COLUMNS[input.milestone];
      assertMilestoneOrder({ ...project, [column]: on }, { milestone: input.milestone, field: "on" });
      if (input.milestone === "TRIAL_PRODUCTION") await buildingService.assertTrialProductionReady(tx, project.id, on);
      await tx.repo(Project).update({ id: project.id }, { [column]: on });
      const after = await tx.repo(Project).findOneByOrFail({ id: project.id });
      await recordAudit(tx, {
        action: "project.milestone",
        entityType: "Project",
        entityId: project.id,
        before: { milestone: input.milestone, on: project[column] },
        after: { milestone: input.milestone, on },
      });
      return after;
    });
  }
}

export const milestoneService = new MilestoneService();

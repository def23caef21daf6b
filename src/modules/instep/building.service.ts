import { idempotent } from "../../core/idempotency";
import { IsNull } from "typeorm";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { AppError, conflict, notFound } from "../../core/errors";
import { findVisibleProject } from "../projects/project-access";
import { policyService } from "../policy/policy.service";
import { assertNoStopWorkOrder } from "../projects/stop-work";
import { Building, BuildingAcceptance } from "./building.entity";
import { insertUnique } from "../../core/unique";
import { resolveOn } from "./instep-common";
import type { AddBuildingInput, RecordBuildingAcceptanceInput } from "./instep.inputs";

/**
 * 预验同步试产: a project's buildings or floors are accepted one by one; trial production may
 * be approved (and started) once every part marked requiredForTrialProduction has passed,
 * before the whole project is accepted. No inspection is recorded under a stop-work order (STOP_WORK_ORDER).
 */
export class BuildingService {
  addBuilding(ctx: RequestContext, input: AddBuildingInput): Promise<Building> {
    return idempotent(ctx, "addBuilding", Building, input, (tx) => this.addBuildingOnce(tx, input));
  }

  private async addBuildingOnce(ctx: RequestContext, input: AddBuildingInput): Promise<Building> {
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "addBuilding", { projectId: project.id, enterpriseId: project.enterpriseId, duty: "BUILDING_ACCEPTANCE" });
      const repo = tx.repo(Building);
      const building = repo.create({ ...input, acceptedOn: null });
      await insertUnique(() => repo.insert(building), { en: `The project already has a part named ${input.name}`, zh: `本项目已有名为“${input.name}”的验收部位` }, "name");
      await recordAudit(tx, { action: "building.add", entityType: "Building", entityId: building.id, after: building });
      return repo.findOneByOrFail({ id: building.id });
    });
  }

  /**
   * Records one inspection. A pass sets the part's acceptedOn (once: a part already accepted
   * answers CONFLICT, enforced by a conditional update); a failure is kept as history.
   */
  recordAcceptance(ctx: RequestContext, input: RecordBuildingAcceptanceInput): Promise<Building> {
    return idempotent(ctx, "recordBuildingAcceptance", Building, input, (tx) => this.recordAcceptanceOnce(tx, input));
  }

  private async recordAcceptanceOnce(ctx: RequestContext, input: RecordBuildingAcceptanceInput): Promise<Building> {
    const on = resolveOn(ctx, input.on);
    return ctx.transaction(async (tx) => {
      const building = await tx.repo(Building).findOneBy({ id: input.buildingId });
      if (!building) throw notFound("Building", input.buildingId);
      const project = await findVisibleProject(tx, building.projectId, { entity: "Building", id: building.id });
      await policyService.authorize(tx, "recordBuildingAcceptance", { projectId: project.id, enterpriseId: project.enterpriseId, duty: "BUILDING_ACCEPTANCE" });
      assertNoStopWorkOrder(project);
      if (input.passed) {
        const result = await tx.repo(Building).update({ id: building.id, acceptedOn: IsNull() }, { acceptedOn: on });
        if (!result.affected) throw conflict(`${building.name} was already accepted on ${building.acceptedOn}`, `${building.name}已于 ${building.acceptedOn} 通过验收`);
      } else if (building.acceptedOn) {
        throw conflict(`${building.name} was already accepted on ${building.acceptedOn}`, `${building.name}已于 ${building.acceptedOn} 通过验收`);
      }
      const acceptance = tx.repo(BuildingAcceptance).create({
        buildingId: building.id,
        inspectedOn: on,
        passed: input.passed,
        note: input.note ?? null,
        recordedById: tx.user?.id ?? null,
      });
      await tx.repo(BuildingAcceptance).insert(acceptance);
      const after = await tx.repo(Building).findOneByOrFail({ id: building.id });
      await recordAudit(tx, { action: input.passed ? "building.accept" : "building.failInspection", entityType: "Building", entityId: building.id, before: building, after });
      return after;
    });
  }

  /** DEPENDENCY_NOT_MET unless every part trial production needs passed acceptance on or before `on` (and there is one). */
  async assertTrialProductionReady(tx: RequestContext, projectId: string, on: string): Promise<void> {
    const parts = await tx.repo(Building).find({ where: { projectId, requiredForTrialProduction: true }, order: { name: "ASC" } });
    if (parts.length === 0) {
      throw new AppError("DEPENDENCY_NOT_MET", "Trial production needs the parts it uses: add the buildings or floors it needs first", "试产须先登记其所需的验收部位：请先添加试产用到的楼栋或楼层", { missingParts: [] });
    }
    const missing = parts.filter((p) => !p.acceptedOn || p.acceptedOn > on);
    if (missing.length) {
      throw new AppError("DEPENDENCY_NOT_MET", `Trial production needs ${missing.map((p) => p.name).join(", ")} accepted first`, `试产须先完成以下部位的验收：${missing.map((p) => p.name).join("、")}`, {
        missingParts: missing.map((p) => p.name),
      });
    }
  }

  async buildings(ctx: RequestContext, projectId: string): Promise<Building[]> {
    return ctx.repo(Building).find({ where: { projectId }, order: { name: "ASC" } });
  }
}

export const buildingService = new BuildingService();

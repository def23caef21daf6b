import { recordAudit } from "../../core/audit";
import { addDays, districtDate } from "../../core/dates";
import type { RequestContext } from "../../core/context";
import { creditService } from "../credit/credit.service";
import { Project } from "../projects/project.entity";
import { Department, type DepartmentCode } from "../departments/department.entity";
import type { DemoRefs } from "../seed";
import { CircuitBreaker, CircuitBreakerEvent } from "./circuit-breaker.entity";
import { circuitBreakerService } from "./circuit-breaker.service";
import { InspectionFinding, SupervisionStandard } from "./supervision.entity";
import { supervisionService } from "./supervision.service";

/**
 * Supervision demo: risk levels, one project stopped by the circuit breaker and rectifying,
 * and an enterprise on the key-attention list after a follow-up missed its deadline.
 * Standards are reference data from the migration.
 */
export async function seedSupervision(tx: RequestContext, refs: DemoRefs): Promise<void> {
  const projects = await tx.repo(Project).find({ order: { code: "ASC" } });
  const ofEnterprise = (key: string) => projects.find((p) => p.enterpriseId === refs.enterpriseIds.get(key));
  const as = (username: string, at: Date) => refs.as(tx, username, { now: () => at });
  const now = tx.clock.now();
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

  const semiconductor = ofEnterprise("jxy");
  const park = ofEnterprise("gxcy");
  if (semiconductor) await supervisionService.setRiskLevel(await as("admin", daysAgo(30)), { projectId: semiconductor.id, riskLevel: "HIGH" });
  if (park) await supervisionService.setRiskLevel(await as("admin", daysAgo(30)), { projectId: park.id, riskLevel: "LOW" });

  // 熔断: 力升创投二期, delay on the enterprise (funds), stopped 20 days ago, rectifying until day 40.
  const stopped = ofEnterprise("lsct");
  if (stopped) {
    const cadre = await as("admin", daysAgo(25)); // recordDelayCause: the manager or the reform office
    await circuitBreakerService.recordDelayCause(cadre, { projectId: stopped.id, attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE", note: "二期建设资金未按承诺到位" });
    const suspendedAt = daysAgo(20);
    const dueOn = addDays(districtDate(suspendedAt), tx.app.config.rectificationDays);
    const order = `停工整改: no construction permit 6 months after signing; delay attributed to the enterprise (FUNDS_NOT_IN_PLACE). Rectify by ${dueOn}.`;
    const breaker = tx.repo(CircuitBreaker).create({ projectId: stopped.id, state: "SUSPENDED", stopWorkOrder: order, suspendedAt, rectificationDueOn: dueOn, rectifiedAt: null, decisionReason: null, changedAt: suspendedAt });
    await tx.repo(CircuitBreaker).insert(breaker);
    await tx.repo(CircuitBreakerEvent).insert(tx.repo(CircuitBreakerEvent).create({ projectId: stopped.id, fromState: "ACTIVE", toState: "SUSPENDED", actorId: null, reason: order, at: suspendedAt }));
    await recordAudit(tx, { action: "circuitBreaker.suspended", entityType: "CircuitBreaker", entityId: stopped.id, after: breaker });
  }

  // 综合查一次 of 特区建工's park: one finding's follow-up missed -> KEY_ATTENTION.
  const inspected = ofEnterprise("tqjg");
  if (inspected) {
    const standards = await tx.repo(SupervisionStandard).find({ where: { phase: "DURING" }, order: { code: "ASC" }, take: 3 });
    const on = districtDate(daysAgo(40));
    const department = (code: DepartmentCode) => tx.repo(Department).findOneByOrFail({ code });
    const [housing, fire, ecology] = await Promise.all([department("HOUSING_CONSTRUCTION"), department("FIRE_RESCUE"), department("ECOLOGY_ENVIRONMENT")]);
    // scheduled by the reform office with 住建 as lead; recorded by an inspector of a participating department
    const inspection = await supervisionService.scheduleJointInspection(await as("admin", daysAgo(45)), {
      projectId: inspected.id,
      scheduledOn: on,
      leadDepartmentId: housing.id,
      departmentIds: [fire.id, ecology.id],
    });
    await supervisionService.recordFindings(await as("cadre.wang", daysAgo(40)), {
      inspectionId: inspection.id,
      results: [
        { standardId: standards[0].id, passed: true },
        { standardId: standards[1].id, passed: true },
        { standardId: standards[2].id, passed: false, note: "消防通道被建材占用", followUpDueOn: districtDate(daysAgo(10)) },
      ],
    });
    const [finding] = (await supervisionService.findings(tx, inspection.id)).filter((f) => !f.passed);
    await tx.repo(InspectionFinding).update({ id: finding.id }, { followUpStatus: "OVERDUE" });
    await recordAudit(tx, { action: "finding.overdue", entityType: "InspectionFinding", entityId: finding.id, before: { followUpStatus: "OPEN" }, after: { followUpStatus: "OVERDUE" } });
    await creditService.recordBreach(await as("admin", daysAgo(9)), {
      enterpriseId: inspected.enterpriseId,
      severity: "MINOR",
      reason: `Inspection finding not put right by ${districtDate(daysAgo(10))}`,
      sourceType: "INSPECTION_FINDING",
      sourceId: finding.id,
    });
  }
}

import { districtDate } from "../core/dates";
import type { RequestContext } from "../core/context";
import { Project } from "../modules/projects/project.entity";
import { Department, type DepartmentCode } from "../modules/departments/department.entity";
import type { DemoRefs } from "./seed";
import { circuitBreakerService } from "../modules/supervision/circuit-breaker.service";
import { SupervisionStandard } from "../modules/supervision/supervision.entity";
import { supervisionService } from "../modules/supervision/supervision.service";
import { sweepService } from "../modules/supervision/sweep.service";

/**
 * Supervision demo, through the services: risk levels, one project stopped by the circuit breaker
 * (tripped by the deadline sweep from its facts) and rectifying, and an enterprise on the
 * key-attention list after a follow-up missed its deadline (found by the sweep). Standards are
 * reference data from the migration.
 */
export async function seedSupervision(tx: RequestContext, refs: DemoRefs): Promise<void> {
  const projects = await tx.repo(Project).find({ order: { code: "ASC" } });
  const ofEnterprise = (key: string) => projects.find((p) => p.enterpriseId === refs.enterpriseIds.get(key));
  const as = (username: string, at: Date) => refs.as(tx, username, { now: () => at });
  const now = tx.clock.now();
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

  const semiconductor = ofEnterprise("jxy");
  const park = ofEnterprise("gxcy");
  if (semiconductor) await supervisionService.setRiskLevel(await as("admin", daysAgo(30)), { id: semiconductor.id, riskLevel: "HIGH" });
  if (park) await supervisionService.setRiskLevel(await as("admin", daysAgo(30)), { id: park.id, riskLevel: "LOW" });

  // 熔断, for real: 力升创投二期 started on commitment and has no construction permit long after its
  // letter's 6 months; its fire design material is overdue (the enterprise's cause, recorded by nobody)
  // and the reform office found its funds short. The deadline sweep of 20 days ago trips the breaker
  // (stop-work order, SUSPENDED); it is rectifying, due in RECTIFICATION_DAYS from then.
  const stopped = ofEnterprise("lsct");
  if (stopped) {
    await circuitBreakerService.recordDelayCause(as("admin", daysAgo(25)), { projectId: stopped.id, attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE", note: "二期建设资金未按承诺到位" });
    await sweepService.run(as("admin", daysAgo(20)));
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
  }
  // today's sweep: the finding's follow-up is overdue (a MINOR breach: KEY_ATTENTION); nothing else is
  // due, so the server's own sweep at start finds the demo as it is
  await sweepService.run(as("admin", now));
}

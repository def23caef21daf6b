import { idempotent } from "../../core/idempotency";
import { In } from "typeorm";
import { recordAudit } from "../../core/audit";
import { changesOf } from "../../core/changes";
import type { RequestContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { groupedLoader, loaderById } from "../../core/loaders";
import { insertUnique } from "../../core/unique";
import { policyService } from "../policy/policy.service";
import { DEPARTMENT_DUTIES, Department, DepartmentDutyRow, type DepartmentDuty } from "./department.entity";
import type { CreateDepartmentInput, UpdateDepartmentInput } from "./department.inputs";

const dutyOrder = (duty: DepartmentDuty) => DEPARTMENT_DUTIES.indexOf(duty);

/**
 * 部门: the district's departments, reference data the reform office (ADMIN) keeps. A department's
 * standing duties (department_duty rows) give its cadres the remits that name "the responsible
 * department"; editing them moves that remit, with no change in code.
 */
export class DepartmentService {
  /** The department list, in its set order. */
  async list(ctx: RequestContext): Promise<Department[]> {
    return ctx.repo(Department).find({ order: { sortOrder: "ASC", name: "ASC" } });
  }

  /** Adds a department to the list (ADMIN), after the last one; codes are unique (CONFLICT on code). */
  create(ctx: RequestContext, input: CreateDepartmentInput): Promise<Department> {
    return idempotent(ctx, "createDepartment", Department, input, (tx) => this.createOnce(tx, input));
  }

  private async createOnce(ctx: RequestContext, input: CreateDepartmentInput): Promise<Department> {
    return ctx.transaction(async (tx) => {
      await policyService.authorize(tx, "createDepartment");
      const last = await tx.repo(Department).find({ order: { sortOrder: "DESC" }, take: 1 });
      const department = tx.repo(Department).create({ code: input.code, name: input.name, sortOrder: (last[0]?.sortOrder ?? 0) + 10 });
      await insertUnique(() => tx.repo(Department).insert(department), { en: `Department ${input.code} exists`, zh: `编码为 ${input.code} 的部门已存在` }, "code");
      await recordAudit(tx, { action: "department.create", entityType: "Department", entityId: department.id, after: department });
      return department;
    });
  }

  /**
   * Edits a department (ADMIN): name and position when given; `duties`, when given, replace the
   * department's standing duties (the code stays: other data names departments by it).
   */
  async update(ctx: RequestContext, input: UpdateDepartmentInput): Promise<Department> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(Department).findOneBy({ id: input.id });
      if (!before) throw notFound("Department", input.id);
      await policyService.authorize(tx, "updateDepartment");
      const { id, duties, ...fields } = input;
      const dutiesBefore = await this.dutiesOf(tx, id);
      const after = tx.repo(Department).merge(tx.repo(Department).create({ ...before }), changesOf(fields) as Partial<Pick<Department, "name" | "sortOrder">>);
      await tx.repo(Department).save(after);
      let dutiesAfter = dutiesBefore;
      if (duties) {
        dutiesAfter = [...new Set(duties)].sort((a, b) => dutyOrder(a) - dutyOrder(b));
        const removed = dutiesBefore.filter((duty) => !dutiesAfter.includes(duty));
        const added = dutiesAfter.filter((duty) => !dutiesBefore.includes(duty));
        if (removed.length) await tx.repo(DepartmentDutyRow).delete({ departmentId: id, duty: In(removed) });
        for (const duty of added) await tx.repo(DepartmentDutyRow).insert(tx.repo(DepartmentDutyRow).create({ departmentId: id, duty }));
      }
      await recordAudit(tx, {
        action: "department.update",
        entityType: "Department",
        entityId: id,
        before: { ...before, duties: dutiesBefore },
        after: { ...after, duties: dutiesAfter },
      });
      return after;
    });
  }

  /** A department's standing duties, in the order DEPARTMENT_DUTIES lists them. */
  async dutiesOf(ctx: RequestContext, departmentId: string): Promise<DepartmentDuty[]> {
    const rows = await groupedLoader(
      ctx,
      "DepartmentDutyRow.byDepartment",
      (ids) => ctx.repo(DepartmentDutyRow).findBy({ departmentId: In(ids) }),
      (row) => row.departmentId,
    ).load(departmentId);
    return rows.map((row) => row.duty).sort((a, b) => dutyOrder(a) - dutyOrder(b));
  }

  /** A user's department, or null (ENTERPRISE users, and ADMIN users without one). */
  ofUser(ctx: RequestContext, user: { departmentId: string | null }): Promise<Department | null> {
    return user.departmentId ? loaderById(ctx, Department).load(user.departmentId) : Promise.resolve(null);
  }
}

export const departmentService = new DepartmentService();

import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import { Department, DepartmentDutyEnum, type DepartmentDuty } from "./department.entity";
import { CreateDepartmentInput, UpdateDepartmentInput } from "./department.inputs";
import { departmentService } from "./department.service";

@Resolver(() => Department)
export class DepartmentResolver {
  @Authorized()
  @Query(() => [Department], { description: "The district departments teams and consultations draw on." })
  departments(@Ctx() ctx: RequestContext): Promise<Department[]> {
    return departmentService.list(ctx);
  }

  @Remit("createDepartment")
  @Mutation(() => Department, { description: described("createDepartment", "Add a department to the list.") })
  createDepartment(@Ctx() ctx: RequestContext, @Arg("input") input: CreateDepartmentInput): Promise<Department> {
    return departmentService.create(ctx, input);
  }

  @Remit("updateDepartment")
  @Mutation(() => Department, {
    description: described("updateDepartment", "Edit a department's name, position or standing duties; given duties replace the ones it has, and with them who holds the remits that name the responsible department."),
  })
  updateDepartment(@Ctx() ctx: RequestContext, @Arg("input") input: UpdateDepartmentInput): Promise<Department> {
    return departmentService.update(ctx, input);
  }

  @FieldResolver(() => [DepartmentDutyEnum], { description: "职责: the standing duties the department holds (e.g. BUILDING_ACCEPTANCE)." })
  duties(@Root() department: Department, @Ctx() ctx: RequestContext): Promise<DepartmentDuty[]> {
    return departmentService.dutiesOf(ctx, department.id);
  }
}

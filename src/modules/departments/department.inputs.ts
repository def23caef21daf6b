import { IdempotencyKeyField } from "../../core/idempotency";
import { ArrayUnique, IsIn, IsInt, IsOptional, Matches, Max, Min } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { RequiredText, IsId } from "../../core/validation";
import { DEPARTMENT_DUTIES, DepartmentDutyEnum, type DepartmentDuty } from "./department.entity";

@InputType({ description: "A new department (部门)." })
export class CreateDepartmentInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field({ description: "Upper-case code, e.g. TAXATION." })
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: "code must be 2-32 upper-case letters, digits or underscores" })
  code: string;

  @Field({ description: "The department's full name, e.g. 区住房和城乡建设局; unique." })
  @RequiredText(100)
  name: string;
}

@InputType({ description: "Edit a department; a field left out (or null) stays as it is." })
export class UpdateDepartmentInput {
  @Field(() => ID, { description: "The department to change." })
  @IsId()
  id: string;

  @Field(() => String, { nullable: true, description: "New name, 1-100 characters." })
  @IsOptional()
  @RequiredText(100)
  name?: string | null;

  @Field(() => Int, { nullable: true, description: "New position in lists." })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  sortOrder?: number | null;

  @Field(() => [DepartmentDutyEnum], { nullable: true, description: "The department's standing duties, replacing the ones it has ([] removes them all)." })
  @IsOptional()
  @ArrayUnique()
  @IsIn(DEPARTMENT_DUTIES, { each: true })
  duties?: DepartmentDuty[] | null;
}

import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity } from "../../core/base.entity";
import { enumOf } from "../../core/enums";
import { DEPARTMENT_DUTIES, type DepartmentDuty } from "../policy/remits";
import { labelEnum } from "../../core/labels";

/**
 * The district's departments as the migrations seed them (codes are stable; ADMIN may rename):
 * the defaults that approval kinds and one-window classes name by code.
 */
export const DEPARTMENT_NAMES = {
  DEVELOPMENT_REFORM: "区发展和改革局",
  NATURAL_RESOURCES: "区自然资源局",
  HOUSING_CONSTRUCTION: "区住房和城乡建设局",
  ECOLOGY_ENVIRONMENT: "市生态环境局源城分局",
  FIRE_RESCUE: "区消防救援大队",
  MARKET_REGULATION: "区市场监督管理局",
  INDUSTRY_IT: "区工业和信息化局",
  WATER_AFFAIRS: "区水务局",
  POWER_SUPPLY: "源城供电局",
  TRANSPORT: "区交通运输局",
  GOV_SERVICES_DATA: "区政务服务数据管理局",
  REAL_ESTATE_REGISTRATION: "区不动产登记中心",
  REFORM_OFFICE: "区委改革办",
} as const;
export type DepartmentCode = keyof typeof DEPARTMENT_NAMES;

export { DEPARTMENT_DUTIES, type DepartmentDuty } from "../policy/remits";
export const DepartmentDutyEnum = enumOf(DEPARTMENT_DUTIES);
registerEnumType(DepartmentDutyEnum, {
  name: "DepartmentDuty",
  description: "职责: a standing duty of a department, which gives its cadres a remit.",
  valuesConfig: labelEnum<DepartmentDuty>("DepartmentDuty", {
    BUILDING_ACCEPTANCE: { zh: "分栋验收", en: "Building acceptance", description: "Records building and floor acceptances (住建 by default)." },
    SURVEY: { zh: "多测合一", en: "Surveys", description: "Commissions surveys and records their results (自然资源 by default)." },
  }),
});

/** 部门: a district department; every remit that names a department refers to one of these rows. */
@ObjectType({ description: "部门: a district department (发改, 自然资源, 住建, 生态环境, 消防, 市场监管, ...). Reference data the reform office edits." })
@Entity("department")
@Index("UQ_department_code", ["code"], { unique: true })
export class Department extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field({ description: "Stable code, e.g. HOUSING_CONSTRUCTION." })
  @Column({ type: "varchar", length: 32 })
  code: string;

  @Field({ description: "Name as the district writes it, e.g. 区住房和城乡建设局." })
  @Column({ type: "varchar", length: 100 })
  name: string;

  @Field(() => Int, { description: "Position in lists." })
  @Column({ name: "sort_order", type: "integer", default: 0 })
  sortOrder: number;
}

/** One standing duty of one department (several departments may share a duty). */
@Entity("department_duty")
@Index("UQ_department_duty", ["departmentId", "duty"], { unique: true })
@Index("IDX_department_duty_duty", ["duty"])
export class DepartmentDutyRow extends BaseEntity {
  @Column({ name: "department_id", type: "varchar", length: 36 })
  departmentId: string;

  @ManyToOne(() => Department)
  @JoinColumn({ name: "department_id", foreignKeyConstraintName: "FK_department_duty_department" })
  department?: Department;

  @Column({ type: "varchar", length: 32 })
  duty: DepartmentDuty;
}

import { Column, Entity, Index } from "typeorm";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../core/base.entity";

/** 部门: a district department that serves on project teams and is consulted on tickets; a list the reform office manages. */
@ObjectType({ description: "部门: a district department (发改, 自然资源, 住建, 生态环境, 消防, 市场监管, ...)." })
@Entity("department")
@Index("UQ_department_code", ["code"], { unique: true })
export class Department extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field({ description: "Stable code, e.g. DEVELOPMENT_REFORM." })
  @Column({ type: "varchar", length: 32 })
  code: string;

  @Field({ description: "Name as the district writes it, e.g. 发展和改革局." })
  @Column({ type: "varchar", length: 100 })
  name: string;

  @Field(() => Int, { description: "Position in lists." })
  @Column({ name: "sort_order", type: "integer", default: 0 })
  sortOrder: number;
}

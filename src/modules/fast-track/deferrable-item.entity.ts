import { Column, Entity, Index } from "typeorm";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../core/base.entity";
import { ApprovalKindEnum, type ApprovalKind } from "../approval-kinds/approval-kinds";

/** 容缺清单: one kind of material an admitted project may supply later. Inactive items cannot be newly deferred. */
@ObjectType({ description: "容缺清单 item: a material an admitted project may supply after starting." })
@Entity("deferrable_item")
@Index("UQ_deferrable_item_code", ["code"], { unique: true })
export class DeferrableItem extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field({ description: "Stable identifier, e.g. ENVIRONMENTAL_IMPACT." })
  @Column({ type: "varchar", length: 48 })
  code: string;

  @Field()
  @Column({ type: "varchar", length: 100 })
  name: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 500, nullable: true })
  description: string | null;

  /** 容而不缺: the approval this material stands in for (an ApprovalKind, as data); supplying it lets that approval be decided. */
  @Field(() => ApprovalKindEnum, { nullable: true, description: "容而不缺: the approval kind this material stands in for; the project's item of that kind is decided only once the material is supplied." })
  @Column({ name: "approval_kind", type: "varchar", length: 32, nullable: true })
  approvalKind: ApprovalKind | null;

  @Field()
  @Column({ type: "boolean", default: true })
  active: boolean;

  @Field(() => Int)
  @Column({ name: "sort_order", type: "int", default: 0 })
  sortOrder: number;
}

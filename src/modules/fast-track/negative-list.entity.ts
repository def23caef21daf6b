import { Column, Entity, Index } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { BaseEntity } from "../../core/base.entity";

/**
 * 负面清单: an industry (code or category prefix, e.g. "C16" for all of C16xx) whose projects may
 * not use the fast track. 非禁即可: what the list does not name is allowed.
 */
@ObjectType({ description: "负面清单 entry: projects in this industry may not use the fast track." })
@Entity("negative_list_entry")
@Index("UQ_negative_list_industry", ["industryCode"], { unique: true })
export class NegativeListEntry extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field({ description: "Industry code or category prefix (GB/T 4754): \"C16\" covers C1610, C1620, ..." })
  @Column({ name: "industry_code", type: "varchar", length: 16 })
  industryCode: string;

  @Field({ description: "The category's name, e.g. 烟草制品业." })
  @Column({ type: "varchar", length: 100 })
  category: string;

  @Field({ description: "Why the category is excluded; returned with a NEGATIVE_LIST refusal." })
  @Column({ type: "varchar", length: 500 })
  reason: string;

  @Field()
  declare createdAt: Date;
}

import { Column, Entity, Index } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { BaseEntity } from "../../core/base.entity";

/** 企业: an enterprise investing in the district, identified by its unified social credit code. */
@ObjectType({ description: "企业: an enterprise investing in the district." })
@Entity("enterprise")
@Index("UQ_enterprise_credit_code", ["creditCode"], { unique: true })
export class Enterprise extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field()
  @Column({ type: "varchar", length: 200 })
  name: string;

  @Field({ description: "统一社会信用代码: 18 characters, last one a GB 32100-2015 check character." })
  @Column({ name: "credit_code", type: "varchar", length: 18 })
  creditCode: string;

  @Field({ description: "法定代表人: the legal representative (the responsible person for credit records)." })
  @Column({ name: "legal_representative", type: "varchar", length: 100 })
  legalRepresentative: string;

  @Field({ description: "Contact person or phone for the enterprise." })
  @Column({ type: "varchar", length: 200 })
  contact: string;

  @Field()
  declare createdAt: Date;
}

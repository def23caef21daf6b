import { Field, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "数据字典: one value of an enum with its labels, for drop-downs, filters and badges." })
export class DictionaryValue {
  @Field({ description: "The value as the schema spells it (what queries send and receive), e.g. PRE_DIAGNOSIS." })
  value: string;

  @Field({ description: "The official Chinese name (zh-CN), e.g. 预诊." })
  labelZh: string;

  @Field({ description: "The English name, e.g. Pre-diagnosis." })
  labelEn: string;

  @Field({ description: "What the value means, in English." })
  description: string;

  @Field(() => Int, { description: "Its place in the enum's natural order, from 1 (TicketStage: 预诊 1, 导诊 2, 会诊 3, 急诊 4; states in lifecycle order), not alphabetical." })
  order: number;
}

@ObjectType({ description: "数据字典: one enum of the schema and its values' labels in their natural order." })
export class DictionaryEnum {
  @Field({ description: "The enum's name in the schema, e.g. TicketStage." })
  name: string;

  @Field(() => String, { nullable: true, description: "What the enum is, as the schema describes it." })
  description: string | null;

  @Field(() => [DictionaryValue], { description: "Every value of the enum, in natural order (by `order`)." })
  values: DictionaryValue[];
}

import type { GraphQLResolveInfo } from "graphql";
import { Arg, Info, Query, Resolver } from "type-graphql";
import { DictionaryEnum } from "./dictionary.types";
import { dictionaryService } from "./dictionary.service";

@Resolver()
export class DictionaryResolver {
  /** Public: labels of coded values are no secret, and a sign-in page needs them before anyone signs in. */
  @Query(() => [DictionaryEnum], {
    description:
      "数据字典: every enum of the schema (or those named), with each value's zh-CN and English label, description and natural order " +
      "(TicketStage 预诊, 导诊, 会诊, 急诊, not alphabetical). Needs no sign-in. Read from memory, so it costs 1 whatever it selects. " +
      "A name that is not an enum of the schema answers BAD_USER_INPUT.",
    complexity: 1,
  })
  dictionary(
    @Info() info: GraphQLResolveInfo,
    @Arg("names", () => [String], { nullable: true, description: "Enum names to return (e.g. [\"TicketStage\", \"TaskStatus\"]), in the order given; all of them when omitted." })
    names?: string[] | null,
  ): DictionaryEnum[] {
    return dictionaryService.list(info.schema, names);
  }
}

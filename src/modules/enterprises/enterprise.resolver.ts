import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { CreateEnterpriseInput, UpdateEnterpriseInput } from "./enterprise.inputs";
import { Enterprise } from "./enterprise.entity";
import { enterpriseService } from "./enterprise.service";
import { IdArg } from "../../core/validation";

const EnterpriseConnection = ConnectionType(Enterprise);

@Resolver(() => Enterprise)
export class EnterpriseResolver {
  @Authorized()
  @Query(() => EnterpriseConnection, { description: "Enterprises by name; an ENTERPRISE user sees its own only." })
  enterprises(@Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return enterpriseService.list(ctx, args);
  }

  @Authorized()
  @Query(() => Enterprise, { nullable: true, description: "One enterprise; null, with NOT_FOUND in errors, when there is none or (to an ENTERPRISE user) it is another enterprise." })
  enterprise(@Ctx() ctx: RequestContext, @IdArg("id", { description: "The enterprise." }) id: string): Promise<Enterprise> {
    return enterpriseService.findVisible(ctx, id);
  }

  @Remit("createEnterprise")
  @Mutation(() => Enterprise, { description: described("createEnterprise", "Register an enterprise. A wrong check character answers BAD_USER_INPUT on creditCode; a taken code CONFLICT.") })
  createEnterprise(@Ctx() ctx: RequestContext, @Arg("input") input: CreateEnterpriseInput): Promise<Enterprise> {
    return enterpriseService.create(ctx, input);
  }

  @Remit("updateEnterprise")
  @Mutation(() => Enterprise, { description: described("updateEnterprise", "Edit an enterprise.") })
  updateEnterprise(@Ctx() ctx: RequestContext, @Arg("input") input: UpdateEnterpriseInput): Promise<Enterprise> {
    return enterpriseService.update(ctx, input);
  }
}

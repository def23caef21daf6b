import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { CreateEnterpriseInput, UpdateEnterpriseInput } from "./enterprise.inputs";
import { Enterprise } from "./enterprise.entity";
import { enterpriseService } from "./enterprise.service";

const EnterpriseConnection = ConnectionType(Enterprise);

@Resolver(() => Enterprise)
export class EnterpriseResolver {
  @Authorized()
  @Query(() => EnterpriseConnection, { description: "Enterprises by name; an ENTERPRISE user sees its own only." })
  enterprises(@Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return enterpriseService.list(ctx, args);
  }

  @Authorized()
  @Query(() => Enterprise, { description: "One enterprise; another enterprise's answers NOT_FOUND to an ENTERPRISE user." })
  enterprise(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<Enterprise> {
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

import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { ProjectConnection } from "../projects/project.resolver";
import { projectService } from "../projects/project.service";
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

  @FieldResolver(() => ProjectConnection, { description: "The enterprise's projects, newest first." })
  projects(@Root() enterprise: Enterprise, @Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return projectService.list(ctx, args, { enterpriseId: enterprise.id });
  }

  @FieldResolver(() => [User], { description: "Its ENTERPRISE sign-in users." })
  users(@Root() enterprise: Enterprise, @Ctx() ctx: RequestContext): Promise<User[]> {
    return enterpriseService.users(ctx, enterprise);
  }
}

@Resolver(() => User)
export class UserEnterpriseResolver {
  @FieldResolver(() => Enterprise, {
    nullable: true,
    description: "The enterprise an ENTERPRISE user acts for (so `me` tells a front end whose data it shows); null for cadres and administrators, and for another enterprise's user.",
  })
  enterprise(@Root() user: User, @Ctx() ctx: RequestContext): Promise<Enterprise | null> {
    return enterpriseService.ofUser(ctx, user);
  }
}

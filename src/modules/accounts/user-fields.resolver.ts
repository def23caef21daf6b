import { In } from "typeorm";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { groupedLoader } from "../../core/loaders";
import { Department } from "../departments/department.entity";
import { departmentService } from "../departments/department.service";
import { Enterprise } from "../enterprises/enterprise.entity";
import { enterpriseService } from "../enterprises/enterprise.service";
import { User } from "./user.entity";

/**
 * User fields that read the modules below accounts (departments, enterprises), and the
 * enterprise's users: accounts depends on them, never the other way round.
 */
@Resolver(() => User)
export class UserFieldsResolver {
  @FieldResolver(() => Department, { nullable: true, description: "部门: the department a cadre works for (it decides their remits); null for enterprise users." })
  department(@Root() user: User, @Ctx() ctx: RequestContext): Promise<Department | null> {
    return departmentService.ofUser(ctx, user);
  }

  @FieldResolver(() => Enterprise, {
    nullable: true,
    description: "The enterprise an ENTERPRISE user acts for (so `me` tells a front end whose data it shows); null for cadres and administrators, and for another enterprise's user.",
  })
  enterprise(@Root() user: User, @Ctx() ctx: RequestContext): Promise<Enterprise | null> {
    return enterpriseService.ofUser(ctx, user);
  }
}

@Resolver(() => Enterprise)
export class EnterpriseUsersResolver {
  /** The enterprise itself was already found visible to the caller. */
  @FieldResolver(() => [User], { description: "Its ENTERPRISE sign-in users." })
  users(@Root() enterprise: Enterprise, @Ctx() ctx: RequestContext): Promise<User[]> {
    const load = (ids: string[]) => ctx.repo(User).find({ where: { enterpriseId: In(ids) }, order: { username: "ASC" } });
    return groupedLoader(ctx, "users.byEnterprise", load, (user) => user.enterpriseId!).load(enterprise.id);
  }
}

import type { NonEmptyArray } from "type-graphql";
import { AuditEntry } from "../core/audit";
import { AccountResolver } from "./accounts/account.resolver";
import { LoginFailure, User } from "./accounts/user.entity";
import { AuditResolver } from "./audit/audit.resolver";
import { Enterprise } from "./enterprises/enterprise.entity";
import { EnterpriseResolver } from "./enterprises/enterprise.resolver";
import { Project } from "./projects/project.entity";
import { ProjectResolver } from "./projects/project.resolver";

/** Every stored entity; a module adds its own here. */
export const allEntities: Function[] = [AuditEntry, User, LoginFailure, Enterprise, Project];

/** Every resolver; a module adds its own here. */
export const allResolvers: NonEmptyArray<Function> = [AccountResolver, AuditResolver, EnterpriseResolver, ProjectResolver];

import type { NonEmptyArray } from "type-graphql";
import { AuditEntry } from "../core/audit";
import { AccountResolver } from "./accounts/account.resolver";
import { LoginFailure, User } from "./accounts/user.entity";
import { AuditResolver } from "./audit/audit.resolver";
import { BoardTask, BoardTaskEvent, CadreWorkload } from "./board/board-task.entity";
import { BoardResolver, BoardTaskEventResolver, FaultToleranceReviewResolver } from "./board/board.resolver";
import { FaultToleranceReview } from "./board/fault-tolerance.entity";
import { Enterprise } from "./enterprises/enterprise.entity";
import { Project } from "./projects/project.entity";

/** Every stored entity; a module adds its own here. */
export const allEntities: Function[] = [AuditEntry, User, LoginFailure, Enterprise, Project, BoardTask, BoardTaskEvent, CadreWorkload, FaultToleranceReview];

/** Every resolver; a module adds its own here. */
export const allResolvers: NonEmptyArray<Function> = [AccountResolver, AuditResolver, BoardResolver, BoardTaskEventResolver, FaultToleranceReviewResolver];

import type { NonEmptyArray } from "type-graphql";
import { AuditEntry } from "../core/audit";
import { AccountResolver } from "./accounts/account.resolver";
import { LoginFailure, User } from "./accounts/user.entity";
import { AuditResolver } from "./audit/audit.resolver";
import { Enterprise } from "./enterprises/enterprise.entity";
import { Project } from "./projects/project.entity";
import { CreditRecord } from "./credit/credit-record.entity";
import { CreditResolver } from "./credit/credit.resolver";
import { InspectionFinding, JointInspection, ProjectSupervision, SupervisionStandard } from "./supervision/supervision.entity";
import { CircuitBreaker, CircuitBreakerEvent, DelayCause } from "./supervision/circuit-breaker.entity";
import { CircuitBreakerResolver } from "./supervision/circuit-breaker.resolver";
import { JointInspectionResolver, ProjectSupervisionResolver, SupervisionResolver } from "./supervision/supervision.resolver";

/** Every stored entity; a module adds its own here. */
export const allEntities: Function[] = [AuditEntry, User, LoginFailure, Enterprise, Project, CreditRecord, SupervisionStandard, ProjectSupervision, JointInspection, InspectionFinding, CircuitBreaker, CircuitBreakerEvent, DelayCause];

/** Every resolver; a module adds its own here. */
export const allResolvers: NonEmptyArray<Function> = [AccountResolver, AuditResolver, CreditResolver, SupervisionResolver, JointInspectionResolver, ProjectSupervisionResolver, CircuitBreakerResolver];

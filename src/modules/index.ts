import type { NonEmptyArray } from "type-graphql";
import { AuditEntry } from "../core/audit";
import { AccountResolver } from "./accounts/account.resolver";
import { LoginFailure, User } from "./accounts/user.entity";
import { AuditResolver } from "./audit/audit.resolver";
import { Enterprise } from "./enterprises/enterprise.entity";
import { Project } from "./projects/project.entity";
import { CalendarDay, CalendarYear } from "./calendar/calendar.entity";
import { CalendarResolver } from "./calendar/calendar.resolver";
import { ApprovalDependency, ApprovalItem } from "./instep/approval.entity";
import { Building, BuildingAcceptance } from "./instep/building.entity";
import { SurveyCommission, SurveyResult } from "./instep/survey.entity";
import { ApprovalResolver } from "./instep/approval.resolver";
import { BuildingResolver, SurveyResolver } from "./instep/acceptance.resolver";
import { TimelineResolver } from "./instep/timeline.resolver";

/** Every stored entity; a module adds its own here. */
export const allEntities: Function[] = [AuditEntry, User, LoginFailure, Enterprise, Project,
  CalendarDay, CalendarYear, ApprovalItem, ApprovalDependency, SurveyCommission, SurveyResult, Building, BuildingAcceptance];

/** Every resolver; a module adds its own here. */
export const allResolvers: NonEmptyArray<Function> = [AccountResolver, AuditResolver, CalendarResolver,
  ApprovalResolver, BuildingResolver, SurveyResolver, TimelineResolver];

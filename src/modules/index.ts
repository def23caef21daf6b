import type { NonEmptyArray } from "type-graphql";
import type { HttpRoute } from "../core/http-routes";
import { AuditEntry } from "../core/audit";
import { IdempotencyKey } from "../core/idempotency";
import { AccountResolver } from "./accounts/account.resolver";
import { LoginFailure, SessionRevocation, User } from "./accounts/user.entity";
import { AuditResolver } from "./audit/audit.resolver";
import { BoardTask, BoardTaskEvent, CadreWorkload } from "./board/board-task.entity";
import { BoardChange } from "./board/board-change.entity";
import { BoardResolver, BoardTaskEventResolver, FaultToleranceReviewResolver, ProjectBoardResolver, UserBoardFieldsResolver } from "./board/board.resolver";
import { FaultToleranceReview } from "./board/fault-tolerance.entity";
import { FaultCorrection } from "./board/fault-correction.entity";
import { FaultCorrectionResolver } from "./board/fault-correction.resolver";
import { Enterprise } from "./enterprises/enterprise.entity";
import { EnterpriseResolver } from "./enterprises/enterprise.resolver";
import { EnterpriseUsersResolver, UserFieldsResolver } from "./accounts/user-fields.resolver";
import { Application } from "./intake/application.entity";
import { ApprovalItemApplicationResolver, IntakeResolver, ProjectIntakeResolver } from "./intake/intake.resolver";
import { ClauseTemplate, CommitmentClause, CommitmentLetter } from "./commitments/commitment.entity";
import { CommitmentClauseResolver, CommitmentLetterResolver, ProjectCommitmentResolver } from "./commitments/commitment.resolver";
import { DeferrableItem } from "./fast-track/deferrable-item.entity";
import { DeferredItem } from "./fast-track/deferred-item.entity";
import { NegativeListEntry } from "./fast-track/negative-list.entity";
import { DeferredItemResolver, FastTrackResolver, ProjectDeferralResolver } from "./fast-track/fast-track.resolver";
import { Project } from "./projects/project.entity";
import { EnterpriseProjectsResolver, ProjectResolver } from "./projects/project.resolver";
import { Department, DepartmentDutyRow } from "./departments/department.entity";
import { DepartmentResolver } from "./departments/department.resolver";
import { ProjectManagerAssignment } from "./teams/project-manager-assignment.entity";
import { TeamMember } from "./teams/team-member.entity";
import { ServiceTicket, TicketDepartment } from "./tickets/service-ticket.entity";
import { TicketEvent } from "./tickets/ticket-event.entity";
import { ProjectTicketsResolver, TicketEventResolver, TicketResolver } from "./tickets/ticket.resolver";
import { ProjectManagerAssignmentResolver, ProjectTeamResolver, TeamMemberResolver, TeamResolver } from "./teams/team.resolver";
import { CreditRecord } from "./credit/credit-record.entity";
import { CreditResolver } from "./credit/credit.resolver";
import { InspectionFinding, JointInspection, JointInspectionDepartment, ProjectSupervision, SupervisionStandard } from "./supervision/supervision.entity";
import { CircuitBreaker, CircuitBreakerEvent, DelayCause } from "./supervision/circuit-breaker.entity";
import { CircuitBreakerResolver, UrgentRequestBreakerResolver } from "./supervision/circuit-breaker.resolver";
import { InspectionFindingResolver, JointInspectionResolver, ProjectSupervisionResolver, SupervisionResolver } from "./supervision/supervision.resolver";
import { CalendarDay, CalendarYear } from "./calendar/calendar.entity";
import { CalendarResolver } from "./calendar/calendar.resolver";
import { ApprovalDependency, ApprovalItem } from "./instep/approval.entity";
import { Building, BuildingAcceptance } from "./instep/building.entity";
import { SurveyCommission, SurveyResult } from "./instep/survey.entity";
import { ApprovalResolver } from "./instep/approval.resolver";
import { BuildingResolver, SurveyResolver } from "./instep/acceptance.resolver";
import { ProjectTimelineResolver, TimelineResolver } from "./instep/timeline.resolver";
import { ApprovalFaultReviewResolver } from "./instep/approval-review.resolver";
import { DictionaryResolver } from "./dictionary/dictionary.resolver";
import { Attachment, fileRoutes } from "./files";
import { attachmentVisibility } from "./documents/attachment-visibility";
import { AttachmentResolver } from "./files/attachment.resolver";
import { ExportsResolver } from "./exports/exports.resolver";
import { exportRoutes } from "./exports/exports.routes";
import { letterPdfRoute } from "./commitments/letter-pdf.route";
import { LetterScanResolver } from "./commitments/letter-scan.resolver";
import { TodoResolver } from "./todos/todo.resolver";
import { Notification, NotificationMute, OutboxEvent } from "./notifications/notification.entity";
import { MarkNotificationsReadPayloadResolver, NotificationConnectionResolver, NotificationResolver } from "./notifications/notification.resolver";
import { Webhook, WebhookAttempt, WebhookDelivery } from "./webhooks/webhook.entity";
import { WebhookDeliveryResolver, WebhookResolver } from "./webhooks/webhook.resolver";

/** Every stored entity; a module adds its own here. */
export const allEntities: Function[] = [
  AuditEntry, IdempotencyKey, User, LoginFailure, SessionRevocation, Enterprise, Project,
  NegativeListEntry, DeferrableItem, DeferredItem, ClauseTemplate, CommitmentLetter, CommitmentClause, Application,
  BoardTask, BoardTaskEvent, CadreWorkload, BoardChange, FaultToleranceReview, FaultCorrection,
  Department, DepartmentDutyRow, ProjectManagerAssignment, TeamMember, ServiceTicket, TicketDepartment, TicketEvent,
  CreditRecord, SupervisionStandard, ProjectSupervision, JointInspection, JointInspectionDepartment, InspectionFinding, CircuitBreaker, CircuitBreakerEvent, DelayCause,
  CalendarDay, CalendarYear, ApprovalItem, ApprovalDependency, SurveyCommission, SurveyResult, Building, BuildingAcceptance,
  Attachment,
  OutboxEvent, Notification, NotificationMute,
  Webhook, WebhookDelivery, WebhookAttempt,
];

/** Every resolver; a module adds its own here. */
export const allResolvers: NonEmptyArray<Function> = [
  AccountResolver, UserFieldsResolver, EnterpriseUsersResolver, AuditResolver, EnterpriseResolver, ProjectResolver, EnterpriseProjectsResolver,
  FastTrackResolver, DeferredItemResolver, ProjectDeferralResolver,
  CommitmentLetterResolver, CommitmentClauseResolver, ProjectCommitmentResolver,
  IntakeResolver, ProjectIntakeResolver, ApprovalItemApplicationResolver,
  BoardResolver, BoardTaskEventResolver, FaultToleranceReviewResolver, ProjectBoardResolver, UserBoardFieldsResolver, FaultCorrectionResolver,
  DepartmentResolver, TeamResolver, ProjectTeamResolver, ProjectManagerAssignmentResolver, TeamMemberResolver, TicketResolver, TicketEventResolver, ProjectTicketsResolver,
  CreditResolver, SupervisionResolver, JointInspectionResolver, InspectionFindingResolver, ProjectSupervisionResolver, CircuitBreakerResolver, UrgentRequestBreakerResolver,
  CalendarResolver, ApprovalResolver, BuildingResolver, SurveyResolver, TimelineResolver, ProjectTimelineResolver, ApprovalFaultReviewResolver,
  DictionaryResolver, LetterScanResolver, ExportsResolver, AttachmentResolver, NotificationResolver, NotificationConnectionResolver, MarkNotificationsReadPayloadResolver, TodoResolver,
  WebhookResolver, WebhookDeliveryResolver,
];

/** Plain HTTP routes beside /graphql (uploads, downloads, printed letters, ledgers); a module adds its own here. */
export const allHttpRoutes: HttpRoute[] = [letterPdfRoute, ...exportRoutes, ...fileRoutes(attachmentVisibility)];

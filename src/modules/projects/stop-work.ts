import { AppError } from "../../core/errors";
import type { Project } from "./project.entity";

/**
 * 停工整改: while the circuit breaker holds a project SUSPENDED, work on it is not recorded
 * (milestones, building acceptances, progress) until the rectification is confirmed.
 */
export function assertNoStopWorkOrder(project: Pick<Project, "id" | "code" | "fastTrackStatus">): void {
  if (project.fastTrackStatus !== "SUSPENDED") return;
  throw new AppError(
    "STOP_WORK_ORDER",
    `Project ${project.code} is under a stop-work order (停工整改) until its rectification is confirmed`,
    `项目 ${project.code} 正处于责令停工整改期间，整改确认前不能登记进展`,
    { projectId: project.id },
  );
}

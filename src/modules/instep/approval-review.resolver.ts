import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { loaderById } from "../../core/loaders";
import { FaultToleranceReview } from "../board/fault-tolerance.entity";
import { isVisibleProject } from "../projects/project-access";
import { Project } from "../projects/project.entity";
import { ApprovalItem } from "./approval.entity";
import "./approval-review.reactions";

/** The approvals side of a 容错 review: the board names approval items only by id, approvals sit above it. */
@Resolver(() => FaultToleranceReview)
export class ApprovalFaultReviewResolver {
  @FieldResolver(() => ApprovalItem, { nullable: true, description: "The approval item whose decision was reviewed (subject APPROVAL_DECISION); null otherwise, or when its project is not visible to the caller." })
  async approvalItem(@Root() review: FaultToleranceReview, @Ctx() ctx: RequestContext): Promise<ApprovalItem | null> {
    if (!review.approvalItemId) return null;
    const item = await loaderById(ctx, ApprovalItem).load(review.approvalItemId);
    const project = item && (await loaderById(ctx, Project).load(item.projectId));
    return item && project && isVisibleProject(ctx, project) ? item : null;
  }
}

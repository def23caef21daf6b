import { reactTo } from "../../core/domain-events";
import { AppError, zhLabel } from "../../core/errors";
import { Application } from "./application.entity";

// One fact, recorded once: an approval item applied for through the one window moves only through
// its application (instep raises this before a direct submission or decision).
reactTo("approvalItem.changingDirectly", async (tx, { item }) => {
  const application = await tx.repo(Application).findOne({ where: { approvalItemId: item.id }, order: { receivedAt: "DESC", id: "DESC" } });
  if (!application) return;
  throw new AppError("DECIDED_BY_APPLICATION", `This ${item.kind} item was applied for through the one window: it moves only through its application ${application.id} (${application.status})`, `“${zhLabel("ApprovalKind", item.kind)}”已通过“一窗受理”申请（申请编号 ${application.id}，当前为“${zhLabel("ApplicationStatus", application.status)}”），只能按该申请的流程办理`, {
    approvalItemId: item.id,
    applicationId: application.id,
    applicationStatus: application.status,
  });
});

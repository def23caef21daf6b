import { reactTo } from "../../core/domain-events";
import { AppError } from "../../core/errors";
import { Application } from "./application.entity";

// One fact, recorded once: an approval item applied for through the one window moves only through
// its application (instep raises this before a direct submission or decision).
reactTo("approvalItem.changingDirectly", async (tx, { item }) => {
  const application = await tx.repo(Application).findOne({ where: { approvalItemId: item.id }, order: { receivedAt: "DESC", id: "DESC" } });
  if (!application) return;
  throw new AppError("DECIDED_BY_APPLICATION", `This ${item.kind} item was applied for through the one window: it moves only through its application ${application.id} (${application.status})`, {
    approvalItemId: item.id,
    applicationId: application.id,
    applicationStatus: application.status,
  });
});

import type { RequestContext } from "../../core/context";
import type { AttachmentVisibility } from "../files/attachment.service";
import { deferredItemService } from "../fast-track/deferred-item.service";
import { approvalService } from "../instep/approval.service";
import { supervisionService } from "../supervision/supervision.service";
import { findVisibleTicket, findVisibleTicketEvent } from "../tickets/ticket-access";
import { commitmentService } from "../commitments/commitment.service";

/**
 * Who downloads an attached file (GET /files/:id): whoever may see the record it is attached to,
 * by that record's own "visible or NOT_FOUND" lookup, the same one its query uses. An enterprise
 * never gets another enterprise's file; a finding's photos are the government's, as the findings are.
 */
export const attachmentVisibility: AttachmentVisibility = {
  DEFERRED_ITEM: async (ctx: RequestContext, id: string) => void (await deferredItemService.findVisible(ctx, id)),
  APPROVAL_ITEM: async (ctx, id) => void (await approvalService.findVisible(ctx, id)),
  INSPECTION_FINDING: async (ctx, id) => void (await supervisionService.findVisibleFinding(ctx, id)),
  SERVICE_TICKET: async (ctx, id) => void (await findVisibleTicket(ctx, id)),
  TICKET_EVENT: async (ctx, id) => void (await findVisibleTicketEvent(ctx, id)),
  COMMITMENT_LETTER: async (ctx, id) => void (await commitmentService.findVisible(ctx, id)),
};

import { randomUUID } from "node:crypto";
import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { User } from "../accounts/user.entity";
import { Notification, NotificationMute, OutboxEvent } from "./notification.entity";
import { URGENT_KINDS, type NotificationKind, type NotificationParams, type NotificationSubjectType } from "./notification.kinds";

declare module "../../core/pubsub" {
  interface TopicMap {
    /** One user's new notification, for notificationAdded. */
    NOTIFICATION_ADDED: { notificationId: string; recipientId: string };
    /** An outbox event was committed: the webhook relay may fan it out now rather than at its next poll. */
    OUTBOX_WRITTEN: { eventId: string };
  }
}

export interface Cause {
  kind: NotificationKind;
  subject: { type: NotificationSubjectType; id: string };
  projectId?: string | null;
  /** The users it concerns; duplicates, inactive users and the caller (nobody is told what they did themselves) are dropped. May be empty: webhooks still hear of it. */
  recipientIds: ReadonlyArray<string | null | undefined>;
  params: NotificationParams;
  dueAt?: Date | null;
  /** Urgent although its kind is not (an EMERGENCY ticket's assignment): mutes do not apply. */
  urgent?: boolean;
  /**
   * For a cause a sweep finds (a deadline nearing or passed): the same key is written once, however
   * many sweeps find it at once (a unique index). Name the deadline in it, so a moved deadline warns again.
   */
  dedupeKey?: string;
}

/**
 * Records a cause in the caller's transaction: its outbox event, and the inbox row of each
 * recipient who has not muted its kind (urgent causes reach everyone). After commit each
 * recipient's row is pushed on NOTIFICATION_ADDED and the webhook relay is woken. Returns false,
 * writing nothing, when a cause with the same dedupeKey was already written.
 */
export async function notify(tx: RequestContext, cause: Cause): Promise<boolean> {
  const now = tx.clock.now();
  const urgent = URGENT_KINDS.has(cause.kind) || Boolean(cause.urgent);
  const wanted = [...new Set(cause.recipientIds.filter((id): id is string => Boolean(id) && id !== tx.user?.id))];
  const active = wanted.length ? (await tx.repo(User).find({ select: { id: true }, where: { id: In(wanted), active: true } })).map((u) => u.id) : [];
  const event = tx.repo(OutboxEvent).create({
    id: randomUUID(),
    kind: cause.kind,
    subjectType: cause.subject.type,
    subjectId: cause.subject.id,
    projectId: cause.projectId ?? null,
    dueAt: cause.dueAt ?? null,
    urgent,
    params: JSON.stringify(cause.params),
    recipientIds: JSON.stringify(wanted.filter((id) => active.includes(id))),
    dedupeKey: cause.dedupeKey ?? null,
    occurredAt: now,
    fannedOutAt: null,
  });
  if (cause.dedupeKey) {
    await tx.repo(OutboxEvent).createQueryBuilder().insert().into(OutboxEvent).values(event).orIgnore().execute();
    if (!(await tx.repo(OutboxEvent).existsBy({ id: event.id }))) return false;
  } else {
    await tx.repo(OutboxEvent).insert(event);
  }
  const muted = urgent || !active.length ? new Set<string>() : new Set((await tx.repo(NotificationMute).find({ where: { userId: In(active), kind: cause.kind } })).map((m) => m.userId));
  const rows = active.filter((id) => !muted.has(id)).map((recipientId) => tx.repo(Notification).create({ id: randomUUID(), recipientId, eventId: event.id, createdAt: now, readAt: null }));
  if (rows.length) await tx.repo(Notification).createQueryBuilder().insert().values(rows).updateEntity(false).execute();
  for (const row of rows) tx.publishAfterCommit("NOTIFICATION_ADDED", { notificationId: row.id, recipientId: row.recipientId });
  tx.publishAfterCommit("OUTBOX_WRITTEN", { eventId: event.id });
  return true;
}

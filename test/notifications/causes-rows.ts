import { In } from "typeorm";
import { Notification, OutboxEvent } from "../../src/modules/notifications/notification.entity";
import type { NotificationKind } from "../../src/modules/notifications/notification.kinds";
import { User } from "../../src/modules/accounts/user.entity";
import type { TestServer } from "../support/server";

export interface Notice {
  kind: NotificationKind;
  subjectType: string;
  projectId: string | null;
  urgent: boolean;
  dueAt: string | null;
  params: Record<string, string>;
  dedupeKey: string | null;
  /** The users whose inbox got a row for it, sorted. */
  inboxes: string[];
  /** The recipients the event names (its webhook payload), sorted. */
  named: string[];
}

/**
 * What the database holds of the causes about one record: its outbox events (of a kind, if given)
 * in the order written (one instant's by kind and params), each with the inboxes that got a row. Read from the tables, not the inbox
 * query: what was written, nothing more.
 */
export async function noticesAbout(server: TestServer, subjectId: string, kind?: NotificationKind): Promise<Notice[]> {
  const { dataSource } = server.app.services;
  const events = await dataSource.getRepository(OutboxEvent).find({ where: { subjectId, ...(kind && { kind }) }, order: { occurredAt: "ASC", id: "ASC" } });
  const rows = events.length ? await dataSource.getRepository(Notification).find({ where: { eventId: In(events.map((e) => e.id)) } }) : [];
  // causes of one instant (a letter's two sides) in a fixed order: by kind, then by what they say
  const order = (e: OutboxEvent) => `${e.occurredAt.toISOString()} ${e.kind} ${e.params}`;
  events.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return events.map((e) => ({
    kind: e.kind,
    subjectType: e.subjectType,
    projectId: e.projectId,
    urgent: e.urgent,
    dueAt: e.dueAt?.toISOString() ?? null,
    params: e.parsedParams() as Record<string, string>,
    dedupeKey: e.dedupeKey,
    inboxes: rows.filter((r) => r.eventId === e.id).map((r) => r.recipientId).sort(),
    named: (JSON.parse(e.recipientIds) as string[]).sort(),
  }));
}

export const sorted = (...ids: Array<string | null | undefined>) => [...new Set(ids.filter((id): id is string => Boolean(id)))].sort();

/** Deactivates a user straight in the database (a fixture: an account the district closed). */
export async function deactivate(server: TestServer, userId: string): Promise<void> {
  await server.app.services.dataSource.getRepository(User).update({ id: userId }, { active: false });
}

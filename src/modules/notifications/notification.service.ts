import { keepEvents } from "../../core/pubsub";
import { In, IsNull } from "typeorm";
import type { RequestContext } from "../../core/context";
import { badInput, notFound, zhLabel } from "../../core/errors";
import { paginate, type Connection, type KeysetOrder } from "../../core/pagination";
import { Notification, NotificationMute } from "./notification.entity";
import type { MarkNotificationsReadInput, NotificationArgs, SetMutedNotificationKindsInput } from "./notification.inputs";
import { NOTIFICATION_KINDS, NOTIFICATION_TITLES, URGENT_KINDS, type NotificationKind } from "./notification.kinds";

/** Newest first: an inbox. */
const NEWEST_FIRST: KeysetOrder<Notification> = {
  name: "notification:newest",
  direction: "DESC",
  keys: [{ column: "notification.createdAt", value: (n) => n.createdAt, kind: "date" }],
  idColumn: "notification.id",
};

export interface NotificationSettings {
  mutedKinds: NotificationKind[];
  mutableKinds: NotificationKind[];
}

/**
 * 消息中心: each user's own notifications (nobody reads another's), read state and muted kinds.
 * What causes a notification and who gets it is decided where the change happens (notify.ts).
 */
export class NotificationService {
  /** The caller's inbox, newest first, with each notification's event. */
  async list(ctx: RequestContext, args: NotificationArgs): Promise<Connection<Notification>> {
    const user = ctx.requireUser();
    const query = ctx
      .repo(Notification)
      .createQueryBuilder("notification")
      .innerJoinAndSelect("notification.event", "event")
      .where("notification.recipientId = :recipientId", { recipientId: user.id });
    if (args.unreadOnly) query.andWhere("notification.readAt IS NULL");
    if (args.kinds?.length) query.andWhere("event.kind IN (:...kinds)", { kinds: args.kinds });
    return paginate(query, args, NEWEST_FIRST);
  }

  unreadCount(ctx: RequestContext): Promise<number> {
    return ctx.repo(Notification).countBy({ recipientId: ctx.requireUser().id, readAt: IsNull() });
  }

  /** One of the caller's notifications with its event; another user's answers NOT_FOUND. */
  async findOwn(ctx: RequestContext, id: string): Promise<Notification> {
    const found = await ctx.repo(Notification).findOne({ where: { id, recipientId: ctx.requireUser().id }, relations: { event: true } });
    if (!found) throw notFound("Notification", id);
    return found;
  }

  /**
   * Marks the named notifications (all of them or none: one not the caller's answers NOT_FOUND and
   * marks nothing) or every unread one read. Already read ones keep the time they were first read.
   * Returns the named notifications as they are now (none for `all`) and how many were newly marked.
   */
  async markRead(ctx: RequestContext, input: MarkNotificationsReadInput): Promise<{ notifications: Notification[]; markedCount: number }> {
    const user = ctx.requireUser();
    const ids = [...new Set(input.notificationIds ?? [])];
    if (input.all && ids.length) throw badInput("all", "Give notificationIds or all, not both", "请只填写通知编号或“全部”之一");
    if (!input.all && !ids.length) throw badInput("notificationIds", "Name at least one notification, or set all", "请至少指定一条通知，或选择全部标为已读");
    return ctx.transaction(async (tx) => {
      const now = tx.clock.now();
      if (input.all) {
        const result = await tx.repo(Notification).update({ recipientId: user.id, readAt: IsNull() }, { readAt: now });
        return { notifications: [], markedCount: result.affected ?? 0 };
      }
      const own = await tx.repo(Notification).find({ where: { id: In(ids), recipientId: user.id }, relations: { event: true } });
      const missing = ids.find((id) => !own.some((n) => n.id === id));
      if (missing) throw notFound("Notification", missing);
      const result = await tx.repo(Notification).update({ id: In(ids), recipientId: user.id, readAt: IsNull() }, { readAt: now });
      for (const notification of own) notification.readAt ??= now;
      return { notifications: ids.map((id) => own.find((n) => n.id === id)!), markedCount: result.affected ?? 0 };
    });
  }

  async settings(ctx: RequestContext): Promise<NotificationSettings> {
    const user = ctx.requireUser();
    const muted = new Set((await ctx.repo(NotificationMute).findBy({ userId: user.id })).map((m) => m.kind));
    return { mutedKinds: NOTIFICATION_KINDS.filter((k) => muted.has(k)), mutableKinds: NOTIFICATION_KINDS.filter((k) => !URGENT_KINDS.has(k)) };
  }

  /** Replaces the caller's muted kinds; an urgent kind answers BAD_USER_INPUT (field kinds) and changes nothing. */
  async setMuted(ctx: RequestContext, input: SetMutedNotificationKindsInput): Promise<NotificationSettings> {
    const user = ctx.requireUser();
    const urgent = input.kinds.find((kind) => URGENT_KINDS.has(kind));
    if (urgent) throw badInput("kinds", `${urgent} is urgent and cannot be muted`, `“${zhLabel("NotificationKind", urgent)}”属于紧急通知，不能屏蔽`);
    await ctx.transaction(async (tx) => {
      await tx.repo(NotificationMute).delete({ userId: user.id });
      const kinds = [...new Set(input.kinds)];
      if (kinds.length) await tx.repo(NotificationMute).insert(kinds.map((kind) => ({ userId: user.id, kind })));
    });
    return this.settings(ctx);
  }

  /** The caller's own new notifications, live (on any instance: NOTIFICATION_ADDED crosses Redis). */
  subscribe(ctx: RequestContext): AsyncIterable<{ notificationId: string; recipientId: string }> {
    const user = ctx.requireUser();
    return keepEvents(ctx.app.pubSub.subscribe("NOTIFICATION_ADDED"), (payload: { notificationId: string; recipientId: string }) => payload.recipientId === user.id);
  }

  /** What the notification says, in the caller's language. */
  title(ctx: RequestContext, notification: Notification): string {
    const template = NOTIFICATION_TITLES[notification.event!.kind];
    const params = notification.event!.parsedParams();
    return ctx.locale === "zh-CN" ? template.zh(params) : template.en(params);
  }
}

export const notificationService = new NotificationService();

import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { ConnectionType } from "../../core/pagination";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import { Notification } from "./notification.entity";
import { MarkNotificationsReadInput, NotificationArgs, SetMutedNotificationKindsInput } from "./notification.inputs";
import { NotificationKindEnum, NotificationSubjectTypeEnum, type NotificationKind, type NotificationSubjectType } from "./notification.kinds";
import { notificationService } from "./notification.service";

const NotificationConnection = ConnectionType(Notification);
type NotificationPage = InstanceType<typeof NotificationConnection>;

@ObjectType({ description: "What markNotificationsRead changed." })
class MarkNotificationsReadPayload {
  @Field(() => [Notification], { description: "The notifications named, as they are now (empty for all: true)." }) notifications: Notification[];
  @Field(() => Int, { description: "How many were unread and are now read." }) markedCount: number;
}

@ObjectType({ description: "The caller's notification settings." })
class NotificationSettings {
  @Field(() => [NotificationKindEnum], { description: "Kinds the caller is not told about." }) mutedKinds: NotificationKind[];
  @Field(() => [NotificationKindEnum], { description: "Kinds that may be muted (every kind but the urgent ones)." }) mutableKinds: NotificationKind[];
}

@Resolver(() => Notification)
export class NotificationResolver {
  @Authorized()
  @Query(() => NotificationConnection, { description: "消息中心: the caller's own notifications, newest first." })
  notifications(@Ctx() ctx: RequestContext, @Args() args: NotificationArgs) {
    return notificationService.list(ctx, args);
  }

  @Authorized()
  @Query(() => NotificationSettings, { description: "Which kinds the caller muted, and which may be muted." })
  notificationSettings(@Ctx() ctx: RequestContext) {
    return notificationService.settings(ctx);
  }

  @Remit("markNotificationsRead")
  @Mutation(() => MarkNotificationsReadPayload, {
    description: described("markNotificationsRead", "Mark notifications read (标为已读): the ones named, or all: true for every unread one. A notification already read keeps the time it was first read."),
  })
  markNotificationsRead(@Ctx() ctx: RequestContext, @Arg("input") input: MarkNotificationsReadInput) {
    return notificationService.markRead(ctx, input);
  }

  @Remit("setMutedNotificationKinds")
  @Mutation(() => NotificationSettings, {
    description: described("setMutedNotificationKinds", "Choose the kinds you are not told about (屏蔽通知); the list replaces the previous one. Urgent kinds (escalations, missed deadlines, stop-work orders) answer BAD_USER_INPUT. Muting stops new notifications of the kind; webhooks still carry them."),
  })
  setMutedNotificationKinds(@Ctx() ctx: RequestContext, @Arg("input") input: SetMutedNotificationKindsInput) {
    return notificationService.setMuted(ctx, input);
  }

  @Subscription(() => Notification, {
    description: "The caller's own new notifications, live, after the change that caused them commits (from any instance). Signed-in users only.",
    subscribe: ({ context }) => notificationService.subscribe(context as RequestContext),
  })
  notificationAdded(@Root() payload: { notificationId: string }, @Ctx() ctx: RequestContext): Promise<Notification> {
    return notificationService.findOwn(ctx, payload.notificationId);
  }

  @FieldResolver(() => String, { description: "What it says, in the caller's language (Accept-Language; zh-CN by default)." })
  title(@Root() notification: Notification, @Ctx() ctx: RequestContext): string {
    return notificationService.title(ctx, notification);
  }

  @FieldResolver(() => NotificationKindEnum)
  kind(@Root() notification: Notification): NotificationKind {
    return notification.event!.kind;
  }

  @FieldResolver(() => Boolean, { description: "Urgent: its kind cannot be muted, or its cause was urgent (an EMERGENCY ticket)." })
  urgent(@Root() notification: Notification): boolean {
    return notification.event!.urgent;
  }

  @FieldResolver(() => Boolean)
  read(@Root() notification: Notification): boolean {
    return notification.readAt !== null;
  }

  @FieldResolver(() => NotificationSubjectTypeEnum, { description: "The kind of record it is about." })
  subjectType(@Root() notification: Notification): NotificationSubjectType {
    return notification.event!.subjectType;
  }

  @FieldResolver(() => ID, { description: "The record it is about (a ticket, task, deferred item, project or letter): read it with that type's query." })
  subjectId(@Root() notification: Notification): string {
    return notification.event!.subjectId;
  }

  @FieldResolver(() => ID, { nullable: true, description: "The project concerned, if any." })
  projectId(@Root() notification: Notification): string | null {
    return notification.event!.projectId;
  }

  @FieldResolver(() => Date, { nullable: true, description: "The deadline it is about (an SLA, a task's due time, a material's date), if any." })
  dueAt(@Root() notification: Notification): Date | null {
    return notification.event!.dueAt;
  }
}

/** The unread count beside a page or a marking: read only when a client selects it. */
@Resolver(() => NotificationConnection)
export class NotificationConnectionResolver {
  @FieldResolver(() => Int, { description: "How many of the caller's notifications are unread (whatever the filter)." })
  unreadCount(@Root() _page: NotificationPage, @Ctx() ctx: RequestContext): Promise<number> {
    return notificationService.unreadCount(ctx);
  }
}

@Resolver(() => MarkNotificationsReadPayload)
export class MarkNotificationsReadPayloadResolver {
  @FieldResolver(() => Int, { description: "How many of the caller's notifications are still unread." })
  unreadCount(@Root() _payload: MarkNotificationsReadPayload, @Ctx() ctx: RequestContext): Promise<number> {
    return notificationService.unreadCount(ctx);
  }
}

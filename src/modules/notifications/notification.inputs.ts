import { ArrayMaxSize, IsBoolean, IsIn, IsOptional } from "class-validator";
import { ArgsType, Field, ID, InputType } from "type-graphql";
import { ConnectionArgs } from "../../core/pagination";
import { IsId } from "../../core/validation";
import { NOTIFICATION_KINDS, NotificationKindEnum, type NotificationKind } from "./notification.kinds";

@ArgsType()
export class NotificationArgs extends ConnectionArgs {
  @Field({ nullable: true, defaultValue: false, description: "Only the ones not read yet." })
  @IsOptional()
  @IsBoolean()
  unreadOnly?: boolean;

  @Field(() => [NotificationKindEnum], { nullable: true, description: "Only these kinds; all when omitted." })
  @IsOptional()
  @IsIn(NOTIFICATION_KINDS, { each: true })
  @ArrayMaxSize(NOTIFICATION_KINDS.length)
  kinds?: NotificationKind[];
}

@InputType({ description: "Which of the caller's notifications to mark read: the ones named, or all of them." })
export class MarkNotificationsReadInput {
  @Field(() => [ID], { nullable: true, description: "Up to 100 of the caller's notifications. Another user's answers NOT_FOUND." })
  @IsOptional()
  @IsId({ each: true })
  @ArrayMaxSize(100)
  notificationIds?: string[];

  @Field({ nullable: true, defaultValue: false, description: "Mark every unread notification of the caller read (notificationIds then must be omitted)." })
  @IsOptional()
  @IsBoolean()
  all?: boolean;
}

@InputType({ description: "The kinds the caller no longer wants to be told about; the list replaces the previous one. Urgent kinds cannot be muted." })
export class SetMutedNotificationKindsInput {
  @Field(() => [NotificationKindEnum], { description: "Every kind to mute (an empty list unmutes all)." })
  @IsIn(NOTIFICATION_KINDS, { each: true })
  @ArrayMaxSize(NOTIFICATION_KINDS.length)
  kinds: NotificationKind[];
}

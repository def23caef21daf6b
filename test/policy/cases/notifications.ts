import { CALLER_KINDS, type RemitCases } from "../world";

/** One's own notifications: every signed-in caller holds SIGNED_IN, another enterprise's user too (there is no record to see). */
const OWN_ACCOUNT = { SIGNED_IN: CALLER_KINDS.filter((kind) => kind !== "ANONYMOUS") };

export const notificationCases: RemitCases = {
  markNotificationsRead: {
    projectScoped: false,
    async prepare() {
      return { query: `mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { markedCount unreadCount } }`, variables: { input: { all: true } }, holders: OWN_ACCOUNT };
    },
  },
  setMutedNotificationKinds: {
    projectScoped: false,
    async prepare() {
      return { query: `mutation($input: SetMutedNotificationKindsInput!) { setMutedNotificationKinds(input: $input) { mutedKinds } }`, variables: { input: { kinds: ["TASK_DUE_SOON"] } }, holders: OWN_ACCOUNT };
    },
  },
};

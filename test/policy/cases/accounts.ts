import { TEST_PASSWORD } from "../../support/server";
import { CALLER_KINDS, type RemitCases, type World } from "../world";

let n = 0;
/** One's own account and session: every signed-in caller holds SIGNED_IN, another enterprise's user too (there is no record to see). */
/** The world's ADMIN is the matrix's shared one: a case that ends the caller's own sessions gets an ADMIN of its own. */
const ownAdmin = async (world: World) => void (world.callers.ADMIN = await world.server.user("ADMIN"));
const OWN_ACCOUNT = { SIGNED_IN: CALLER_KINDS.filter((kind) => kind !== "ANONYMOUS") };
const unique = () => `${Date.now().toString(36)}${++n}`;

/** Accounts and the department list: sign-in is open, the rest is the reform office's. */
export const accountCases: RemitCases = {
  login: {
    projectScoped: false,
    async prepare(world) {
      return {
        query: `mutation($input: LoginInput!) { login(input: $input) { token } }`,
        variables: { input: { username: world.callers.ENTERPRISE_OWN.user.username, password: TEST_PASSWORD } },
      };
    },
  },
  createUser: {
    async prepare(world) {
      return {
        query: `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
        variables: { input: { username: `matrix.${unique()}`, password: "long-enough-pw", name: "新干部", role: "CADRE", departmentId: await world.department("TRANSPORT") } },
      };
    },
  },
  setUserActive: {
    async prepare(world) {
      return {
        query: `mutation($input: SetUserActiveInput!) { setUserActive(input: $input) { id active } }`,
        variables: { input: { userId: world.callers.CADRE_OTHER_DEPARTMENT.user.id, active: false } },
      };
    },
  },
  deactivateUser: {
    async prepare(world) {
      return {
        query: `mutation($input: DeactivateUserInput!) { deactivateUser(input: $input) { id active } }`,
        variables: { input: { id: world.callers.CADRE_OTHER_DEPARTMENT.user.id } },
      };
    },
  },
  reactivateUser: {
    async prepare(world) {
      // not one of the callers: a deactivated caller could not be refused FORBIDDEN
      const id = (await world.server.user("CADRE")).user.id;
      await world.must(`mutation($input: DeactivateUserInput!) { deactivateUser(input: $input) { id } }`, { input: { id } }, world.admin);
      return { query: `mutation($input: ReactivateUserInput!) { reactivateUser(input: $input) { id active } }`, variables: { input: { id } } };
    },
  },
  changePassword: {
    projectScoped: false,
    async prepare(world) {
      await ownAdmin(world);
      return {
        query: `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { token } }`,
        variables: { input: { currentPassword: TEST_PASSWORD, newPassword: "another-long-password" } },
        holders: OWN_ACCOUNT,
      };
    },
  },
  resetPassword: {
    async prepare(world) {
      return {
        query: `mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { id } }`,
        variables: { input: { id: world.callers.CADRE_OTHER_DEPARTMENT.user.id, newPassword: "handed-over-password" } },
      };
    },
  },
  logout: {
    projectScoped: false,
    async prepare(world) {
      await ownAdmin(world);
      return { query: `mutation { logout }`, holders: OWN_ACCOUNT };
    },
  },
  renewToken: {
    projectScoped: false,
    async prepare(world) {
      await ownAdmin(world);
      return { query: `mutation { renewToken { token } }`, holders: OWN_ACCOUNT };
    },
  },
  revokeAllSessions: {
    projectScoped: false,
    async prepare(world) {
      await ownAdmin(world);
      return { query: `mutation { revokeAllSessions { id } }`, holders: OWN_ACCOUNT };
    },
  },
  revokeUserSessions: {
    projectScoped: false,
    async prepare(world) {
      return {
        query: `mutation($input: RevokeAllSessionsInput) { revokeAllSessions(input: $input) { id } }`,
        // not one of the callers: for them it would be their own
        variables: { input: { id: (await world.server.user("CADRE")).user.id } },
      };
    },
  },
  createDepartment: {
    async prepare() {
      return { query: `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id } }`, variables: { input: { code: `D${unique().toUpperCase()}`, name: `新部门${unique()}` } } };
    },
  },
  updateDepartment: {
    async prepare(world) {
      return {
        query: `mutation($input: UpdateDepartmentInput!) { updateDepartment(input: $input) { id sortOrder } }`,
        variables: { input: { id: await world.department("WATER_AFFAIRS"), sortOrder: 100 + ++n } },
      };
    },
  },
};

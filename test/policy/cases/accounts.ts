import { TEST_PASSWORD } from "../../support/server";
import type { RemitCases } from "../world";

let n = 0;
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

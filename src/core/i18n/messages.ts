import { getMetadataStorage } from "class-validator";
import { valueLabel } from "../labels";
import { codeText } from "./codes";
import { fieldLabel } from "./fields";
import type { Locale } from "./locale";

/**
 * 记录名称: what a NOT_FOUND or INVALID_TRANSITION names, in Chinese, and the enums its states
 * (and, for a ticket, its actions) are labelled by (src/core/labels.ts).
 */
export const ENTITY_NAMES: Readonly<Record<string, { zh: string; states?: readonly string[] }>> = {
  Application: { zh: "一窗受理申请", states: ["ApplicationStatus"] },
  ApprovalDependency: { zh: "审批事项前置关系" },
  ApprovalItem: { zh: "审批事项", states: ["ApprovalStatus", "ApprovalItemAction"] },
  Attachment: { zh: "附件" },
  BoardTask: { zh: "任务榜任务", states: ["TaskStatus"] },
  Building: { zh: "验收部位（楼栋或楼层）" },
  Cadre: { zh: "干部" },
  CircuitBreaker: { zh: "熔断记录", states: ["CircuitBreakerState"] },
  ClauseTemplate: { zh: "承诺条款范本" },
  CommitmentClause: { zh: "承诺条款", states: ["FulfilmentStatus"] },
  CommitmentLetter: { zh: "双向承诺书", states: ["CommitmentLetterStatus", "CommitmentLetterAction"] },
  CreditRecord: { zh: "信用记录" },
  DeferrableItem: { zh: "容缺事项" },
  DeferredItem: { zh: "容缺材料", states: ["DeferredItemStatus"] },
  Department: { zh: "部门" },
  Enterprise: { zh: "企业" },
  FaultCorrection: { zh: "纠错事项", states: ["FaultCorrectionStatus"] },
  FaultToleranceReview: { zh: "容错审查" },
  InspectionFinding: { zh: "检查发现的问题", states: ["FollowUpStatus"] },
  JointInspection: { zh: "综合检查（综合查一次）", states: ["InspectionStatus"] },
  NegativeListEntry: { zh: "负面清单条目" },
  Notification: { zh: "通知" },
  OutboxEvent: { zh: "事件" },
  Project: { zh: "项目", states: ["ProjectStage", "FastTrackStatus", "ProjectAction"] },
  ServiceTicket: { zh: "服务工单", states: ["TicketStatus", "TicketAction"] },
  "ServiceTicket stage": { zh: "服务工单的服务模式", states: ["TicketStage"] },
  SupervisionStandard: { zh: "监管细则标准" },
  SurveyCommission: { zh: "测绘委托" },
  SurveyResult: { zh: "测绘成果" },
  TeamMember: { zh: "专班成员" },
  TicketEvent: { zh: "工单记录" },
  User: { zh: "用户" },
  Webhook: { zh: "外发回调" },
  WebhookDelivery: { zh: "回调发送记录", states: ["WebhookDeliveryStatus"] },
};

export const entityName = (entity: string): string => ENTITY_NAMES[entity]?.zh ?? entity;

/** "未找到编号为 … 的任务榜任务，或您无权查看". */
export const notFoundZh = (entity: string, id: string): string => `未找到编号为 ${id} 的${entityName(entity)}，或您无权查看`;

/** The Chinese label of a state or action of an entity, or the value itself until one is registered. */
function stateLabel(entity: string, value: string): { label: string; action: boolean } {
  for (const enumName of ENTITY_NAMES[entity]?.states ?? []) {
    const label = valueLabel(enumName, value, "zh-CN");
    if (label !== value) return { label, action: enumName.endsWith("Action") };
  }
  return { label: value, action: false };
}

/** "服务工单当前为「已受理」，不能转为「已办结」" (or "不能执行「…」" for an action). */
export function transitionZh(entity: string, from: string, to: string): string {
  const target = stateLabel(entity, to);
  const current = stateLabel(entity, from).label;
  if (from === to) return `${entityName(entity)}已是「${current}」，不能重复此操作`;
  return `${entityName(entity)}当前为「${current}」，不能${target.action ? "执行" : "转为"}「${target.label}」`;
}

/** One failed class-validator constraint as formatError found it. */
export interface ConstraintFailure {
  /** The field's path, e.g. "deferredItems.0.promisedBy". */
  field: string;
  property: string;
  /** The constraint's name: isLength, matches, isIn, creditCode, … */
  key: string;
  /** class-validator's (English) message. */
  message: string;
  value: unknown;
  /** The object validated (class-validator keeps it unless told not to). */
  target?: object;
}

/** Chinese messages of the inputs' own (English) messages, for the rules that word theirs. */
const CUSTOM_RULES: ReadonlyArray<[RegExp, (match: RegExpMatchArray) => string]> = [
  [/must not be blank$/, () => "不能为空白，至少要有一个可见的字"],
  [/must be a unified investment project code/, () => "须为投资项目统一代码，格式为 YYYY-RRRRRR-BB-CC-NNNNNN（年份-行政区划-行业-项目类型-顺序号）"],
  [/must be a GB\/T 4754 industry code/, () => "须为国民经济行业分类（GB/T 4754）代码，如 C3971（门类字母加 2 至 4 位数字）"],
  [/must be a section letter and 0-4 digits/, () => "须为国民经济行业分类（GB/T 4754）门类字母加 0 至 4 位数字，如 C16"],
  [/must not be negative$/, () => "不能为负数"],
  [/must be a catalog code such as/, () => "须为容缺事项目录中的编码，如 ENVIRONMENTAL_IMPACT"],
  [/must be a catalog code$/, () => "须为容缺事项目录中的编码"],
  [/must be a clause template code$/, () => "须为承诺条款范本的编码"],
  [/must be upper-case letters, digits and underscores$/, () => "只能由大写字母、数字和下划线组成"],
  [/must be 2-32 upper-case letters, digits or underscores$/, () => "须为 2 至 32 位大写字母、数字或下划线"],
  [/must be 3-64 lowercase letters, digits, dots, dashes or underscores$/, () => "须为 3 至 64 位小写字母、数字、点、连字符或下划线"],
  [/must be an 18-character unified social credit code/, () => "须为 18 位统一社会信用代码，且最后一位校验码正确（GB 32100-2015）"],
  [
    /is recorded with recordProjectMilestone \((\w+)\)/,
    (m) => `须通过“记录项目节点”（recordProjectMilestone）登记「${valueLabel("Milestone", m[1], "zh-CN")}」，经关口检查；此处只能留空（null）`,
  ],
];

/** The constraint values of a failed rule (Length's min and max, IsIn's list …), from class-validator's metadata. */
function constraintsOf(failure: ConstraintFailure): unknown[] | undefined {
  if (!failure.target) return undefined;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(failure.target.constructor, "", true, false);
  return metadata.find((m) => m.propertyName === failure.property && (m.name === failure.key || m.type === failure.key))?.constraints;
}

const numbersIn = (text: string): number[] => [...text.matchAll(/-?\d+(\.\d+)?/g)].map((m) => Number(m[0]));
const lengthOf = (value: unknown): number | undefined => (typeof value === "string" || Array.isArray(value) ? value.length : undefined);

/** What is wrong with a value, in words an official understands: "不能超过 200 个字符（现为 230 个）". */
function problemZh(failure: ConstraintFailure): string {
  for (const [pattern, zh] of CUSTOM_RULES) {
    const match = failure.message.match(pattern);
    if (match) return zh(match);
  }
  const given = constraintsOf(failure);
  const numbers = given?.every((c) => typeof c === "number" || c === undefined) ? (given as number[]) : numbersIn(failure.message);
  const length = lengthOf(failure.value);
  const now = (unit: string) => (length === undefined ? "" : `（现为 ${length} ${unit}）`);
  switch (failure.key) {
    case "isLength": {
      const [min, max] = numbers;
      if (length !== undefined && min !== undefined && length < min) return min <= 1 ? "不能为空" : `至少需要 ${min} 个字符${now("个")}`;
      if (max !== undefined) return `不能超过 ${max} 个字符${now("个")}`;
      return "长度不符合要求";
    }
    case "maxLength":
      return `不能超过 ${numbers[0]} 个字符${now("个")}`;
    case "minLength":
      return numbers[0] <= 1 ? "不能为空" : `至少需要 ${numbers[0]} 个字符${now("个")}`;
    case "min":
      return `不能小于 ${numbers[0]}`;
    case "max":
      return `不能大于 ${numbers[0]}`;
    case "isInt":
      return "须为整数";
    case "isBoolean":
      return "须为“是”或“否”（true 或 false）";
    case "isUuid":
      return "不是有效的编号（应为系统给出的 ID）";
    case "isIn": {
      const allowed = Array.isArray(given?.[0]) ? (given[0] as unknown[]).map(String) : undefined;
      return allowed ? `不是允许的值，只能是：${allowed.join("、")}` : "不是允许的值";
    }
    case "arrayMaxSize":
      return `最多只能有 ${numbers[0]} 项${now("项")}`;
    case "arrayMinSize":
      return `至少需要 ${numbers[0]} 项${now("项")}`;
    case "arrayUnique":
      return "不能有重复的项";
    case "nestedValidation":
      return "须为对象（或对象列表）";
    case "equals":
      return `只能是 ${String(given?.[0] ?? "")}`;
    case "isDate":
    case "isDateString":
    case "isISO8601":
      return "不是有效的日期";
    case "matches":
      return "格式不正确";
    default:
      return `填写不正确（${failure.message}）`;
  }
}

/** A class-validator failure in Chinese: which field, what is wrong. */
export const validationZh = (failure: ConstraintFailure): string => `${fieldLabel(failure.field)}${problemZh(failure)}`;

/** The reason graphql-js gives for a value it could not take, in Chinese, or undefined. */
function valueReasonZh(reason: string): string | undefined {
  let m: RegExpMatchArray | null;
  if ((m = reason.match(/^Field "(\w+)" of required type "([^"]+)" was not provided\.?/))) return `缺少必填项「${fieldLabel(m[1])}」（${m[1]}）`;
  if ((m = reason.match(/^Field "(\w+)" is not defined by type "(\w+)"\.?/))) return `「${m[1]}」不是 ${m[2]} 的字段`;
  if ((m = reason.match(/^Value "?([^"]*)"? does not exist in "(\w+)" enum\.?/))) return `${m[1]} 不是 ${m[2]} 的可选值`;
  if ((m = reason.match(/^Expected value of type "([^"]+)", found null/))) return "不能为空（null）";
  if (/^Int cannot represent/.test(reason)) return "须为整数";
  if (/^Float cannot represent/.test(reason)) return "须为数字";
  if (/^String cannot represent/.test(reason)) return "须为文本";
  if (/^Boolean cannot represent/.test(reason)) return "须为“是”或“否”（true 或 false）";
  if (/^ID cannot represent/.test(reason)) return "须为编号（字符串）";
  if (/LocalDate|YYYY-MM-DD/i.test(reason)) return "不是有效的日期，应为 YYYY-MM-DD 格式，如 2026-03-02";
  if (/DateTime|date-time|RFC ?3339|ISO ?8601/i.test(reason)) return "不是有效的日期时间，应为 ISO 8601 格式，如 2026-03-02T09:00:00+08:00";
  if (/Decimal/.test(reason)) return "不是有效的金额，应为字符串形式的数字，如 \"12345678.90\"（最多 16 位整数、2 位小数）";
  if ((m = reason.match(/^Expected type "([^"]+)"/))) return `应为 ${m[1]} 类型的值`;
  return undefined;
}

/**
 * graphql-js' and Apollo's own messages (parse, validation, variable coercion, operation choice) in
 * Chinese, the English detail following for the developer; undefined for a message it does not know.
 */
function graphqlZh(message: string): string | undefined {
  let m: RegExpMatchArray | null;
  if ((m = message.match(/^Syntax Error: (.*)$/s))) return "查询语句有语法错误";
  if ((m = message.match(/^Cannot query field "(\w+)" on type "(\w+)"/))) return `类型 ${m[2]} 没有字段 ${m[1]}`;
  if ((m = message.match(/^Unknown argument "(\w+)" on field "([\w.]+)"/))) return `字段 ${m[2]} 没有参数 ${m[1]}`;
  if ((m = message.match(/^Field "([\w.]+)" argument "(\w+)" of type "([^"]+)" is required, but it was not provided/))) return `字段 ${m[1]} 缺少必填参数 ${m[2]}（${m[3]}）`;
  if ((m = message.match(/^Field "(\w+)" of type "([^"]+)" must have a selection of subfields/))) return `字段 ${m[1]}（${m[2]}）须列出要返回的子字段`;
  if ((m = message.match(/^Field "(\w+)" must not have a selection since type "([^"]+)" has no subfields/))) return `字段 ${m[1]}（${m[2]}）没有子字段，不能再选择`;
  if ((m = message.match(/^Variable "\$(\w+)" of required type "([^"]+)" was not provided/))) return `缺少必填变量 $${m[1]}（${m[2]}）`;
  if ((m = message.match(/^Variable "\$(\w+)" of non-null type "([^"]+)" must not be null/))) return `变量 $${m[1]}（${m[2]}）不能为空（null）`;
  if ((m = message.match(/^Variable "\$(\w+)" got invalid value (.*?)(?: at "([^"]+)")?; (.*)$/s))) {
    const where = m[3] ? ` 中「${fieldLabel(m[3].split(".").slice(1).join(".") || m[3])}」（${m[3]}）` : " ";
    const reason = valueReasonZh(m[4]);
    return `变量 $${m[1]}${where}的值 ${m[2]} 无效${reason ? `：${reason}` : ""}`;
  }
  if ((m = message.match(/^Variable "\$(\w+)" is never used/))) return `变量 $${m[1]} 已声明但未使用`;
  if ((m = message.match(/^Variable "\$(\w+)" is not defined/))) return `变量 $${m[1]} 未声明`;
  if ((m = message.match(/^Variable "\$(\w+)" of type "([^"]+)" used in position expecting type "([^"]+)"/))) return `变量 $${m[1]} 的类型 ${m[2]} 与所需类型 ${m[3]} 不符`;
  if ((m = message.match(/^Expected value of type "([^"]+)", found (.*?); (.*)$/s))) {
    const reason = valueReasonZh(m[3]);
    return `应为 ${m[1]} 类型的值，收到 ${m[2]}${reason ? `：${reason}` : ""}`;
  }
  if ((m = message.match(/^Expected value of type "([^"]+)", found (.*?)\.?$/s))) return `应为 ${m[1]} 类型的值，收到 ${m[2]}`;
  if ((m = message.match(/^Unknown type "(\w+)"/))) return `未知的类型 ${m[1]}`;
  if ((m = message.match(/^Unknown fragment "(\w+)"/))) return `未知的片段 ${m[1]}`;
  if ((m = message.match(/^Unknown directive "@?(\w+)"/))) return `未知的指令 @${m[1]}`;
  if ((m = message.match(/^Fragment "(\w+)" is never used/))) return `片段 ${m[1]} 已定义但未使用`;
  if ((m = message.match(/^Cannot spread fragment "(\w+)" within itself/))) return `片段 ${m[1]} 不能引用自身`;
  if ((m = message.match(/^There can be only one (fragment|operation) named "(\w+)"/))) return `${m[1] === "fragment" ? "片段" : "操作"}名称 ${m[2]} 重复`;
  if ((m = message.match(/^Fields "(\w+)" conflict because/))) return `字段 ${m[1]} 的多次选择互相冲突`;
  if (/^This anonymous operation must be the only defined operation/.test(message)) return "查询中有多个操作时，每个操作都须命名";
  if (/introspection/i.test(message)) return "本服务未开放接口结构查询（introspection）";
  if (/^Must provide operation name if query contains multiple operations/.test(message) || /^Name the operation to run/.test(message)) return "查询中有多个操作，请指明要执行的操作名称";
  if ((m = message.match(/^Unknown operation named "(\w+)"/))) return `查询中没有名为 ${m[1]} 的操作`;
  if (/Cross-Site Request Forgery/.test(message)) return "请求被跨站请求伪造（CSRF）防护拦截：请以 Content-Type: application/json 发送，或带上 apollo-require-preflight 请求头";
  if (/must contain a non-empty `query`/.test(message)) return "请求中没有查询语句（query）";
  if (/^Subscriptions run over WebSocket/.test(message)) return "订阅须通过 WebSocket 连接同一地址（graphql-ws，子协议 graphql-transport-ws），不能通过 HTTP 发送";
  if (/^PersistedQueryNotFound/.test(message)) return "未找到该持久化查询，请发送完整的查询语句";
  if (/^PersistedQueryNotSupported/.test(message)) return "本服务不支持持久化查询，请发送完整的查询语句";
  return undefined;
}

/** The query limits' refusals, from the numbers in their extensions. */
function limitZh(code: string, extensions: Record<string, unknown>): string | undefined {
  switch (code) {
    case "QUERY_TOO_DEEP":
      return `查询嵌套超过 ${extensions.maxDepth} 层，请减少嵌套层级`;
    case "QUERY_TOO_MANY_ALIASES":
      return `查询中的别名字段超过 ${extensions.maxAliases} 个，请分批查询`;
    case "QUERY_TOO_COMPLEX": {
      const batch = extensions.batchCost === undefined ? "" : `（连同本批其他操作共 ${extensions.batchCost}）`;
      return `查询的估算开销为 ${extensions.cost}${batch}，超过上限 ${extensions.maxCost}；请减少一次查询的条目或字段`;
    }
    case "REQUEST_TIMEOUT":
      return extensions.timeoutMs === undefined ? undefined : `请求处理超过 ${extensions.timeoutMs} 毫秒，已被中止；请减少一次查询的内容`;
    default:
      return undefined;
  }
}

/**
 * The Chinese message of an error that brought no Chinese text of its own (one of graphql-js,
 * Apollo, the query limits or a library): a translation where the message is known, else the
 * code's message; the English follows for the developer.
 */
export function protocolMessageZh(code: string, message: string, extensions: Record<string, unknown> = {}): string {
  const limit = limitZh(code, extensions);
  if (limit) return limit;
  const generic = codeText(code)?.message ?? codeText("INTERNAL_SERVER_ERROR")!.message;
  const translated = graphqlZh(message);
  return `${translated ?? generic}（${message}）`;
}

/** A text in the locale asked for: the Chinese when there is one, else the English. */
export const inLocale = (locale: Locale, en: string, zh: string | undefined): string => (locale === "zh-CN" && zh ? zh : en);

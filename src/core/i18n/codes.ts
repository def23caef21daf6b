/**
 * What each error code a client can receive means, in Chinese and English: the ErrorCode enum's
 * labels and descriptions (schema, dictionary), and the Chinese message answered when an error
 * carries none of its own (an error of graphql-js, Apollo or a library).
 */
export interface CodeText {
  /** The code's name in Chinese (the dictionary's label). */
  zh: string;
  /** The code's name in English. */
  en: string;
  /** What the code means, in English (the schema's description). */
  description: string;
  /** The Chinese message for an error of this code that brings no Chinese text of its own. */
  message: string;
}

export const CODE_TEXTS = {
  UNAUTHENTICATED: {
    zh: "未登录或登录已失效", en: "Not signed in",
    description: "No valid sign-in: send Authorization: Bearer <token> (missing, invalid, expired or revoked token, or a deactivated account).",
    message: "请先登录：请求需携带有效的登录凭证（Authorization: Bearer <token>）",
  },
  FORBIDDEN: {
    zh: "无权操作", en: "Forbidden",
    description: "Signed in, but the caller's role, department or relation to the record does not allow this action.",
    message: "您没有权限执行此操作",
  },
  NOT_FOUND: {
    zh: "未找到", en: "Not found",
    description: "The record does not exist or the caller may not see it (extensions.entity and extensions.id name it).",
    message: "未找到要查找的记录，或您无权查看",
  },
  BAD_USER_INPUT: {
    zh: "填写有误", en: "Bad input",
    description: "An input value is not acceptable (extensions.field names it where known).",
    message: "填写的内容有误，请检查后重新提交",
  },
  CONFLICT: {
    zh: "与现有数据冲突", en: "Conflict",
    description: "The request conflicts with the current state: a duplicate, or a record changed meanwhile; read it again.",
    message: "操作与现有数据冲突（可能已被他人修改），请刷新后重试",
  },
  TOO_MANY_REQUESTS: {
    zh: "尝试次数过多", en: "Too many requests",
    description: "Too many attempts (e.g. failed sign-ins) in a short time; wait and try again.",
    message: "尝试次数过多，请稍后再试",
  },
  INVALID_TRANSITION: {
    zh: "当前状态不允许此操作", en: "Invalid state transition",
    description: "The record's state does not allow this change (extensions.from and extensions.to name both states).",
    message: "记录的当前状态不允许此操作",
  },
  TASK_ALREADY_CLAIMED: {
    zh: "任务已被认领", en: "Task already claimed",
    description: "揭榜认领: another cadre claimed this board task first.",
    message: "该任务已被其他干部认领",
  },
  TASK_LIMIT_REACHED: {
    zh: "认领任务已达上限", en: "Task limit reached",
    description: "The cadre already holds as many unfinished (claimed or submitted) board tasks as allowed.",
    message: "您认领且未完成的任务已达上限",
  },
  NEGATIVE_LIST: {
    zh: "属于负面清单", en: "On the negative list",
    description: "负面清单: the project's industry is on the negative list and may not use the fast track.",
    message: "项目所属行业在负面清单内，不能适用“双容双诺”快速通道",
  },
  CREDIT_RESTRICTED: {
    zh: "信用受限", en: "Credit restricted",
    description: "阶梯式惩戒: the enterprise is under a credit measure that bars facilitation such as the fast track.",
    message: "企业正受信用惩戒措施限制，不能享受便利化措施",
  },
  NOT_YET_DUE: {
    zh: "尚未到期", en: "Not yet due",
    description: "The deadline has not passed yet, so the record cannot be marked overdue.",
    message: "尚未到期限，不能进行此操作",
  },
  CALENDAR_YEAR_UNKNOWN: {
    zh: "该年度日历未收录", en: "Calendar year unknown",
    description: "工作日: the official calendar of that year (public holidays, make-up workdays) is not known yet.",
    message: "该年度的法定节假日安排尚未收录，无法计算工作日",
  },
  DEPENDENCY_NOT_MET: {
    zh: "前置条件未满足", en: "Dependency not met",
    description: "Something this step depends on (an earlier approval, an accepted building) is not done yet.",
    message: "前置事项尚未完成，不能进行此操作",
  },
  START_NOT_PERMITTED: {
    zh: "尚不能开工", en: "Start not permitted",
    description: "承诺即开工: construction may start only with the construction permit approved or a signed commitment.",
    message: "项目尚未取得施工许可，也未签署双向承诺书，不能开工",
  },
  DEFERRED_ITEMS_OUTSTANDING: {
    zh: "容缺材料未补齐", en: "Deferred items outstanding",
    description: "容而不缺: deferred materials are still owed (extensions.items lists them).",
    message: "仍有容缺材料未补齐",
  },
  STOP_WORK_ORDER: {
    zh: "责令停工整改中", en: "Stop-work order",
    description: "责令停工整改: the project is under a stop-work order until its rectification is confirmed.",
    message: "项目正处于责令停工整改期间，整改确认前不能进行此操作",
  },
  DECIDED_BY_APPLICATION: {
    zh: "须经一窗受理办理", en: "Decided by its application",
    description: "一门式一网式: the approval item was applied for through the one window and moves only through that application.",
    message: "该审批事项已通过“一窗受理”申请，只能按申请流程办理",
  },
  SERVICE_UNAVAILABLE: {
    zh: "服务暂不可用", en: "Service unavailable",
    description: "The service cannot reach its database, or is stopping; retry shortly (extensions.retryAfterSeconds).",
    message: "服务暂时无法访问数据库，请稍后重试",
  },
  REQUEST_TIMEOUT: {
    zh: "请求超时", en: "Request timeout",
    description: "The request ran longer than allowed and was stopped; ask for less at once.",
    message: "请求处理时间过长，已被中止；请减少一次查询的内容",
  },
  INTERNAL_SERVER_ERROR: {
    zh: "服务器内部错误", en: "Internal server error",
    description: "An unexpected failure on the server; nothing of its details is shown outside development.",
    message: "服务器内部错误，请稍后重试；如持续出现请联系管理员",
  },
  GRAPHQL_PARSE_FAILED: {
    zh: "查询语句有语法错误", en: "GraphQL parse failed",
    description: "The GraphQL document could not be parsed.",
    message: "查询语句有语法错误",
  },
  GRAPHQL_VALIDATION_FAILED: {
    zh: "查询语句不符合接口定义", en: "GraphQL validation failed",
    description: "The GraphQL document does not fit the schema (an unknown field or argument, a missing required argument, …).",
    message: "查询语句不符合接口定义",
  },
  BAD_REQUEST: {
    zh: "请求格式有误", en: "Bad request",
    description: "The HTTP request is malformed: not valid JSON, no query, blocked by CSRF prevention, or a subscription over HTTP.",
    message: "请求格式有误",
  },
  PERSISTED_QUERY_NOT_FOUND: {
    zh: "未找到持久化查询", en: "Persisted query not found",
    description: "Automatic persisted queries: the hash is not known; send the full query.",
    message: "未找到该持久化查询，请发送完整的查询语句",
  },
  PERSISTED_QUERY_NOT_SUPPORTED: {
    zh: "不支持持久化查询", en: "Persisted queries not supported",
    description: "Automatic persisted queries are not supported by this server.",
    message: "本服务不支持持久化查询，请发送完整的查询语句",
  },
  OPERATION_RESOLUTION_FAILURE: {
    zh: "无法确定要执行的操作", en: "Operation resolution failure",
    description: "The document holds several operations (or none by that name): name the one to run.",
    message: "无法确定要执行的操作：查询中有多个操作时，请指明操作名称",
  },
  QUERY_TOO_COMPLEX: {
    zh: "查询过于复杂", en: "Query too complex",
    description: "The query's estimated cost passes MAX_QUERY_COST (extensions.cost and extensions.maxCost).",
    message: "查询过于复杂，请减少一次查询的条目或字段",
  },
  QUERY_TOO_DEEP: {
    zh: "查询嵌套过深", en: "Query too deep",
    description: "The query nests deeper than MAX_QUERY_DEPTH (extensions.maxDepth).",
    message: "查询嵌套层级过深",
  },
  QUERY_TOO_MANY_ALIASES: {
    zh: "查询别名过多", en: "Too many aliases",
    description: "The query holds more aliased fields than MAX_QUERY_ALIASES (extensions.maxAliases).",
    message: "查询中的别名字段过多，请分批查询",
  },
  PAYLOAD_TOO_LARGE: {
    zh: "请求内容过大", en: "Payload too large",
    description: "HTTP 413: the request body is larger than the server accepts.",
    message: "请求内容过大",
  },
  UNSUPPORTED_FILE_TYPE: {
    zh: "不支持的文件类型", en: "Unsupported file type",
    description: "HTTP 415: the uploaded file's content (not its name) is none of the accepted types: PDF, OFD, images (JPEG, PNG, GIF, WebP, TIFF, BMP), Office documents, zip.",
    message: "不支持该文件类型：仅接受 PDF、OFD、图片（JPEG、PNG、GIF、WebP、TIFF、BMP）、Office 文档和 zip 压缩包",
  },
  BATCH_TOO_LARGE: {
    zh: "批量请求过多", en: "Batch too large",
    description: "A batched HTTP request holds more operations than MAX_BATCH_OPERATIONS.",
    message: "一次批量请求中的操作过多",
  },
} as const satisfies Record<string, CodeText>;

export type CodeWithText = keyof typeof CODE_TEXTS;

/** The texts of a code, or undefined for a code this catalog does not know. */
export const codeText = (code: string): CodeText | undefined => (CODE_TEXTS as Record<string, CodeText>)[code];

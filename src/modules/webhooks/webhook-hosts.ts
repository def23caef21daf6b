import { parseHostPattern } from "../../config";

/**
 * Where webhooks may go: an http(s) URL without credentials whose host (and port) one of the
 * WEBHOOK_ALLOWED_HOSTS patterns allows, so that no one can make the server send requests to an
 * arbitrary (internal) address. `host` allows that host on any port, `host:port` on that port
 * only; `*.suffix` allows every name under the suffix (not the suffix itself). Hosts are compared
 * as the URL parser normalises them (lower case, IDN as punycode, IPv4 in dotted form).
 */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; en: string; zh: string };

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

function matches(pattern: string, host: string, port: string): boolean {
  const allowed = parseHostPattern(pattern);
  if (!allowed || (allowed.port && allowed.port !== port)) return false;
  if (allowed.host.startsWith("*.")) {
    const suffix = allowed.host.slice(1); // ".example.gov.cn"
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return host === allowed.host;
}

/** Whether a webhook may be sent to `raw` under the allowed host patterns. */
export function checkWebhookUrl(raw: string, allowedHosts: readonly string[]): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, en: "url must be an absolute http or https URL", zh: "回调地址必须是完整的 http 或 https 网址" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, en: `url must be an http or https URL, not ${url.protocol.replace(/:$/, "")}`, zh: "回调地址必须以 http:// 或 https:// 开头" };
  }
  if (url.username || url.password) {
    return { ok: false, en: "url must not carry a user name or password (the signature authenticates each request)", zh: "回调地址中不能包含用户名或密码（每次请求已带签名）" };
  }
  const host = url.hostname;
  const port = url.port || DEFAULT_PORTS[url.protocol];
  if (!allowedHosts.some((pattern) => matches(pattern, host, port))) {
    return {
      ok: false,
      en: allowedHosts.length
        ? `The host ${url.host} is not one WEBHOOK_ALLOWED_HOSTS allows`
        : "No webhook host is allowed: the operator has not set WEBHOOK_ALLOWED_HOSTS",
      zh: allowedHosts.length ? `回调地址的主机 ${url.host} 不在允许的范围内（WEBHOOK_ALLOWED_HOSTS）` : "尚未配置允许的回调主机（WEBHOOK_ALLOWED_HOSTS），不能使用外发回调",
    };
  }
  return { ok: true, url };
}

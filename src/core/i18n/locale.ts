import { LRUCache } from "lru-cache";
import Negotiator from "negotiator";

// defined with the settings (config imports no core module); re-exported for the rest of core
export { LOCALES, parseLocale, type Locale } from "../../config";
import type { Locale } from "../../config";

/**
 * The locale an Accept-Language header asks for (RFC 9110 language ranges with q-values, through
 * negotiator): `en`, `en-US` give English; `zh`, `zh-CN`, `zh-TW`, `zh-Hans` give 简体中文 (the one
 * Chinese we write); a header naming neither, or none, gives the fallback. `*` means the fallback.
 */
export function negotiateLocale(acceptLanguage: string | string[] | undefined | null, fallback: Locale): Locale {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(", ") : acceptLanguage;
  if (!header || !header.trim()) return fallback;
  // a browser sends the same header with every request: parse each (header, fallback) once
  const key = `${fallback}|${header}`;
  const known = negotiated.get(key);
  if (known) return known;
  const locale = negotiate(header, fallback);
  if (header.length <= 256) negotiated.set(key, locale); // real browsers' headers; a crafted long one is not kept
  return locale;
}

const negotiated = new LRUCache<string, Locale>({ max: 1_000 });

function negotiate(header: string, fallback: Locale): Locale {
  // offered in this order so that `*` (and ties negotiator cannot break) go to the fallback;
  // plain "zh" is offered so that any Chinese range (zh-TW, zh-Hans) matches it by prefix
  const offered = fallback === "en" ? ["en", "zh-CN", "zh"] : ["zh-CN", "zh", "en"];
  const chosen = new Negotiator({ headers: { "accept-language": header } }).language(offered);
  if (!chosen) return fallback;
  return chosen.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

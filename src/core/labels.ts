/** What an official reads for one enum value: its Chinese and English names and what it means. */
export interface ValueLabel {
  zh: string;
  en: string;
  /** What the value means, in English (the schema's description and the dictionary's). */
  description: string;
}

const registry = new Map<string, Readonly<Record<string, ValueLabel>>>();

/**
 * The one home of an enum's labels: registered beside the enum, read by the schema (each value's
 * description), the dictionary query and the localized error messages. The order of `labels` is
 * the values' natural order (TicketStage 预诊, 导诊, 会诊, 急诊; states in lifecycle order), and the
 * enum's own values come in that order too. Name the value type (`labelEnum<TicketStage>(…)`) so
 * the compiler asks for every value. Returns the valuesConfig type-graphql's registerEnumType takes.
 * test/foundation/dictionary.test.ts fails on a schema enum without labels, or in another order.
 */
export function labelEnum<T extends string>(enumName: string, labels: Readonly<Record<T, ValueLabel>>): Record<T, { description: string }> {
  registry.set(enumName, labels);
  return Object.fromEntries(
    Object.entries<ValueLabel>(labels).map(([value, label]) => [value, { description: `${label.zh} (${label.en}): ${label.description}` }]),
  ) as Record<T, { description: string }>;
}

/** The labels registered for an enum, in their natural order; undefined for an enum without. */
export const enumLabels = (enumName: string): Readonly<Record<string, ValueLabel>> | undefined => registry.get(enumName);

/** The label of one value in a locale, or the value itself where none is registered. */
export function valueLabel(enumName: string, value: string, locale: "zh-CN" | "en"): string {
  const label = registry.get(enumName)?.[value];
  if (!label) return value;
  return locale === "zh-CN" ? label.zh : label.en;
}

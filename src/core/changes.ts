/**
 * The fields an edit input really sets: omitted fields (undefined) are left alone, and so is an
 * explicit null on a field that cannot be empty; null clears only the fields named as clearable.
 */
export function changesOf<T extends object>(input: T, clearable: ReadonlyArray<keyof T> = []): Partial<T> {
  return Object.fromEntries(
    Object.entries(input).filter(([key, value]) => value !== undefined && (value !== null || clearable.includes(key as keyof T))),
  ) as Partial<T>;
}

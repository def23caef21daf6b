/** Whether a driver error is a unique-key violation, on MariaDB/MySQL or SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; driverError?: { code?: string } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return code === "ER_DUP_ENTRY" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** Runs a write; a unique-key violation (a concurrent writer won) becomes the given error. */
export async function onUniqueViolation<T>(work: () => Promise<T>, error: () => Error): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    if (isUniqueViolation(cause)) throw error();
    throw cause;
  }
}

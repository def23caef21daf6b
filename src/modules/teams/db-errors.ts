/**
 * Whether a failed statement lost a race the database refereed: a unique key taken by a
 * concurrent transaction, or a deadlock / lock wait the database broke (MariaDB), or a
 * SQLite unique constraint. Such a loser answers CONFLICT instead of an internal error.
 */
export function isConcurrencyFailure(error: unknown): boolean {
  const err = error as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } };
  const code = err?.driverError?.code ?? err?.code;
  const errno = err?.driverError?.errno ?? err?.errno;
  return (
    code === "ER_DUP_ENTRY" || code === "ER_LOCK_DEADLOCK" || code === "ER_LOCK_WAIT_TIMEOUT" ||
    errno === 1062 || errno === 1213 || errno === 1205 ||
    code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY"
  );
}

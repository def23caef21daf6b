import { conflict } from "./errors";

type DriverError = { code?: string; errno?: number; message?: string; driverError?: { code?: string; errno?: number } } | null;

/** Whether a driver error is a unique-key violation, on MariaDB/MySQL or SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as DriverError;
  const code = e?.driverError?.code ?? e?.code;
  const errno = e?.driverError?.errno ?? e?.errno;
  return code === "ER_DUP_ENTRY" || errno === 1062 || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || /UNIQUE constraint failed/.test(String(e?.message));
}

/**
 * Whether a statement lost a race the database refereed: a unique key taken by a concurrent
 * transaction, or a deadlock or lock wait MariaDB broke. Such a loser answers CONFLICT.
 */
function isRaceLoss(error: unknown): boolean {
  const e = error as DriverError;
  const code = e?.driverError?.code ?? e?.code;
  const errno = e?.driverError?.errno ?? e?.errno;
  return isUniqueViolation(error) || code === "ER_LOCK_DEADLOCK" || code === "ER_LOCK_WAIT_TIMEOUT" || errno === 1213 || errno === 1205;
}

async function translate<T>(work: () => Promise<T>, lost: (cause: unknown) => boolean, error: () => Error): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    if (lost(cause)) throw error();
    throw cause;
  }
}

/** Runs a write; a unique-key violation (a concurrent writer won) becomes the given error. */
export const onUniqueViolation = <T>(work: () => Promise<T>, error: () => Error): Promise<T> => translate(work, isUniqueViolation, error);

/** Runs a transaction; a race the database refereed against it (see isRaceLoss) becomes the given error. */
export const onRaceLoss = <T>(work: () => Promise<T>, error: () => Error): Promise<T> => translate(work, isRaceLoss, error);

/**
 * Runs an insert whose uniqueness a key enforces; a violation answers CONFLICT instead of a server
 * error, with the message in English and Chinese ({ en, zh }; a plain string is English only).
 */
export const insertUnique = <T>(insert: () => Promise<T>, message: string | { en: string; zh: string }, field?: string): Promise<T> =>
  onUniqueViolation(insert, () =>
    typeof message === "string" ? conflict(message, field ? { field } : {}) : conflict(message.en, message.zh, field ? { field } : {}),
  );

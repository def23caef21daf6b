import { createHash, randomUUID } from "node:crypto";
import { IsOptional, Matches } from "class-validator";
import { Field } from "type-graphql";
import { Column, Entity, Index, LessThan, PrimaryColumn, type ColumnOptions, type ObjectLiteral } from "typeorm";
import { TIMESTAMP } from "./base.entity";
import type { RequestContext } from "./context";
import { conflict, notFound } from "./errors";
import { isUniqueViolation } from "./unique";

/** How long a key answers with its first result; older keys are pruned and may be used again. */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 3_600_000;

/** 1 to 100 characters, each visible: no whitespace, controls, format or default-ignorable characters. */
const KEY_PATTERN = /^[^\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]{1,100}$/u;

/**
 * A create mutation run with an idempotency key (幂等键): who sent it, to which mutation, a hash of
 * the key and of the canonical input, and the record the first run made (its entity type and id;
 * a replay re-reads it). Unique per user, mutation and key: the database decides between two
 * attempts that arrive at once, on any number of instances. The row is written in the mutation's
 * own transaction, so a rolled back attempt leaves no key and a retry runs. user_id has no foreign
 * key on purpose: its check would share-lock the user's row for the whole mutation.
 */
@Entity("idempotency_key")
@Index("UQ_idempotency_key_scope", ["userId", "mutation", "keyHash"], { unique: true })
@Index("IDX_idempotency_key_created", ["createdAt"])
export class IdempotencyKey {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @Column({ type: "varchar", length: 64 })
  mutation: string;

  /** SHA-256 of the key, hex: fixed length, and compared byte for byte on both databases (MariaDB's collation ignores case). */
  @Column({ name: "key_hash", type: "varchar", length: 64 })
  keyHash: string;

  /** SHA-256 of the canonical input without the key: the same key with another input is refused. */
  @Column({ name: "request_hash", type: "varchar", length: 64 })
  requestHash: string;

  /** Set before the mutation's transaction commits; null only while it runs. */
  @Column({ name: "result_type", type: "varchar", length: 64, nullable: true })
  resultType: string | null;

  @Column({ name: "result_id", type: "varchar", length: 36, nullable: true })
  resultId: string | null;

  @Column({ name: "created_at", ...TIMESTAMP } as ColumnOptions)
  createdAt: Date;
}

/** The optional idempotencyKey field of a create mutation's input. */
export function IdempotencyKeyField(): PropertyDecorator {
  const field = Field(() => String, {
    nullable: true,
    description:
      "幂等键: makes retrying this request safe. 1-100 visible characters, e.g. a UUID the client makes once per user action and sends again with every retry of that action. " +
      "The same key from the same user on this mutation within 24 hours returns the first result and writes nothing more (also when both arrive at once); " +
      "the same key with a different input answers CONFLICT. A request that failed leaves no key behind, so its retry runs.",
  });
  const optional = IsOptional();
  const pattern = Matches(KEY_PATTERN, { message: "idempotencyKey must be 1-100 visible characters (no spaces), e.g. a UUID" });
  return (target, property) => {
    field(target, property);
    optional(target, property as string);
    pattern(target, property as string);
  };
}

export interface IdempotentInput {
  idempotencyKey?: string | null;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The input as a value: keys sorted, undefined left out, dates as ISO text; arrays keep their order. */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/** The hash that tells a retry from another request under the same key. */
export function requestHashOf(input: IdempotentInput): string {
  const { idempotencyKey: _key, ...rest } = input as Record<string, unknown>;
  return sha256(JSON.stringify(canonical(rest)));
}

/** The key insert lost to a concurrent attempt (or its deadlock): look again once that one ended. */
class KeyTaken extends Error {}

const isDeadlock = (error: unknown) => {
  const e = error as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } } | null;
  const code = e?.driverError?.code ?? e?.code;
  const errno = e?.driverError?.errno ?? e?.errno;
  return code === "ER_LOCK_DEADLOCK" || errno === 1213;
};

const ATTEMPTS = 3;

const stillRunning = () =>
  conflict("A request with this idempotencyKey is still running; retry it shortly", "使用该幂等键的请求仍在处理中，请稍后重试", { field: "idempotencyKey" });

/** A class whose instances the repository reads by id. */
type EntityClass<T> = { new (...args: never[]): T; name: string };

/**
 * Runs a create mutation's work at most once per (user, mutation, key) within
 * IDEMPOTENCY_KEY_LIFETIME_MS when the input carries an idempotencyKey: then in one transaction
 * with the key's row, which the work's own transaction joins (without a key: the work as it is).
 * Wrap the whole service method, its checks before the transaction too, so that a retry is
 * answered with the first result even where those checks would now refuse it. A repeat with the
 * same input re-reads and returns the first run's record and writes nothing (no record, audit
 * entry or event); with another input it answers CONFLICT.
 *
 * The key row is the transaction's first write: a concurrent attempt with the same key (another
 * instance) waits on the unique key until the first commits, then finds the row and replays it,
 * or, if the first rolled back, takes the key and runs.
 */
export async function idempotent<T extends ObjectLiteral & { id: string }>(
  ctx: RequestContext,
  mutation: string,
  resultType: EntityClass<T>,
  input: IdempotentInput,
  work: (tx: RequestContext) => Promise<T>,
): Promise<T> {
  const key = input.idempotencyKey;
  if (key === undefined || key === null) return work(ctx);
  const user = ctx.requireUser();
  const scope = { userId: user.id, mutation, keyHash: sha256(key) };
  const requestHash = requestHashOf(input);
  const run = (tx: RequestContext) => claimAndRun(tx, scope, requestHash, resultType, work);

  // Inside a caller's transaction there is no waiting and looking again: the caller's transaction decides.
  if (ctx.inTransaction) {
    const earlier = await findLive(ctx, scope);
    if (earlier?.resultId) return replay(ctx, earlier, requestHash, resultType);
    try {
      return await run(ctx);
    } catch (error) {
      if (error instanceof KeyTaken) throw stillRunning();
      throw error;
    }
  }
  for (let attempt = 1; ; attempt++) {
    // on SQLite one connection is shared: read between transactions, never another's uncommitted row
    const replayed = await ctx.app.serialize(async () => {
      const earlier = await findLive(ctx, scope);
      return earlier?.resultId ? { result: await replay(ctx, earlier, requestHash, resultType) } : undefined;
    });
    if (replayed) return replayed.result;
    try {
      return await ctx.transaction(run);
    } catch (error) {
      if (!(error instanceof KeyTaken)) throw error;
      if (attempt >= ATTEMPTS) throw stillRunning();
    }
  }
}

/** The key's row if it is within its lifetime; an expired one (not yet pruned) is removed. */
async function findLive(ctx: RequestContext, scope: Pick<IdempotencyKey, "userId" | "mutation" | "keyHash">): Promise<IdempotencyKey | null> {
  const row = await ctx.repo(IdempotencyKey).findOneBy(scope);
  if (!row) return null;
  const cutoff = new Date(ctx.clock.now().getTime() - IDEMPOTENCY_KEY_LIFETIME_MS);
  if (row.createdAt.getTime() >= cutoff.getTime()) return row;
  await ctx.repo(IdempotencyKey).delete({ id: row.id, createdAt: LessThan(cutoff) });
  return null;
}

async function claimAndRun<T extends ObjectLiteral & { id: string }>(
  tx: RequestContext,
  scope: Pick<IdempotencyKey, "userId" | "mutation" | "keyHash">,
  requestHash: string,
  resultType: EntityClass<T>,
  work: (tx: RequestContext) => Promise<T>,
): Promise<T> {
  const id = randomUUID();
  try {
    await tx.repo(IdempotencyKey).insert({ id, ...scope, requestHash, resultType: null, resultId: null, createdAt: tx.clock.now() });
  } catch (error) {
    if (isUniqueViolation(error) || isDeadlock(error)) throw new KeyTaken();
    throw error;
  }
  const result = await work(tx);
  await tx.repo(IdempotencyKey).update({ id }, { resultType: resultType.name, resultId: result.id });
  return result;
}

async function replay<T extends ObjectLiteral & { id: string }>(ctx: RequestContext, row: IdempotencyKey, requestHash: string, resultType: EntityClass<T>): Promise<T> {
  if (row.requestHash !== requestHash) {
    throw conflict("This idempotencyKey was already used for a different request; make a new key for a new action", "该幂等键已用于另一个不同的请求；新的操作请使用新的幂等键", { field: "idempotencyKey" });
  }
  const result = await ctx.repo(resultType).findOneBy({ id: row.resultId! } as never);
  if (!result) throw notFound(row.resultType ?? resultType.name, row.resultId!);
  return result;
}

/** Removes the keys past their lifetime (the periodic job): an index range delete, usually of nothing. */
export async function pruneIdempotencyKeys(ctx: RequestContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - IDEMPOTENCY_KEY_LIFETIME_MS);
  const result = await ctx.repo(IdempotencyKey).delete({ createdAt: LessThan(cutoff) });
  return result.affected ?? 0;
}

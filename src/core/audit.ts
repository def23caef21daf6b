import { Column, Entity, Index, PrimaryColumn, type ColumnOptions } from "typeorm";
import { randomUUID } from "node:crypto";
import { TIMESTAMP } from "./base.entity";
import type { RequestContext } from "./context";

/** One state change: who did what to which record, and the record before and after. Never edited. */
@Entity("audit_entry")
@Index("IDX_audit_entity", ["entityType", "entityId", "at", "id"])
export class AuditEntry {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  /** null for the system (sweeps, seeds). */
  @Column({ name: "actor_id", type: "varchar", length: 36, nullable: true })
  actorId: string | null;

  @Column({ type: "varchar", length: 64 })
  action: string;

  @Column({ name: "entity_type", type: "varchar", length: 64 })
  entityType: string;

  @Column({ name: "entity_id", type: "varchar", length: 36 })
  entityId: string;

  @Column({ name: "at", ...TIMESTAMP } as ColumnOptions)
  at: Date;

  @Column({ type: "text", nullable: true })
  before: string | null;

  @Column({ type: "text", nullable: true })
  after: string | null;
}

const SECRET_FIELDS = new Set(["passwordHash", "password", "token"]);

function snapshot(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value, (key, v) => (SECRET_FIELDS.has(key) ? undefined : v));
}

export interface AuditChange {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Writes the audit entry (or entries, in one statement) for a state change inside the caller's
 * transaction, so the entries and the change commit or roll back together.
 */
export async function recordAudit(ctx: RequestContext, change: AuditChange | AuditChange[]): Promise<void> {
  const changes = Array.isArray(change) ? change : [change];
  if (!ctx.inTransaction) throw new Error(`audit "${changes[0]?.action}" must be written inside the change's transaction`);
  if (!changes.length) return;
  await auditInsert(ctx, changes).execute();
}

/** The INSERT of the audit entries for changes made by ctx's user now: run by recordAudit, or sent with a transaction of its own (one-trip.ts). */
export function auditInsert(ctx: RequestContext, changes: AuditChange[]) {
  const at = ctx.clock.now();
  return ctx
    .repo(AuditEntry)
    .createQueryBuilder()
    .insert()
    .into(AuditEntry)
    .values(
      changes.map((c) => ({
        id: randomUUID(),
        actorId: ctx.user?.id ?? null,
        action: c.action,
        entityType: c.entityType,
        entityId: c.entityId,
        at,
        before: snapshot(c.before),
        after: snapshot(c.after),
      })),
    );
}

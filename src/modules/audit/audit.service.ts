import { AuditEntry } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";

/** Reading the audit trail (the reform office only; the resolver checks the role). */
export class AuditService {
  /** One record's entries, oldest first. */
  trail(ctx: RequestContext, entityType: string, entityId: string, args: ConnectionArgs): Promise<Connection<AuditEntry>> {
    const query = ctx.repo(AuditEntry).createQueryBuilder("entry").where("entry.entityType = :entityType AND entry.entityId = :entityId", { entityType, entityId });
    return paginate(query, args, { name: "at", direction: "ASC", keys: [{ column: "entry.at", value: (e) => e.at, kind: "date" }], idColumn: "entry.id" });
  }

  /** The recorded snapshot as JSON, or null. */
  snapshot(text: string | null): unknown {
    return text === null ? null : JSON.parse(text);
  }
}

export const auditService = new AuditService();

import { database } from "./db";
import { toDatabaseError } from "./db/errors";
import { isOperator } from "./operators/auth";
import { queueStatus } from "./queue/status";
import { outboxStatus } from "./telemetry/outbox-status";

// GET /api/health: whether the database answers; to an operator also the backend, the applied
// migration version and the OTLP outbox (to anyone else a bare {ok}: docs/reliability.md, "Holes closed").
export async function health(request: Request): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    const db = await database();
    const r = await db.rpc("app_health");
    if (!(await isOperator(request, db).catch(() => false))) return { status: 200, body: { ok: true } };
    // the OTLP outbox (docs/privacy.md): depth, rows being retried, age of the oldest, rows dropped at the cap
    const outbox = await outboxStatus(db).catch(() => null);
    // every queue (docs/architecture.md, "Queues"): open rows, retrying, dead letters per queue
    const queues = await queueStatus(db);
    return {
      status: 200,
      body: { ok: true, database: { backend: db.backend, up: true, migrationVersion: r.migration_version }, telemetry: { outbox }, queues },
    };
  } catch (error) {
    const e = toDatabaseError(error);
    return { status: 503, body: { ok: false, database: { up: false, error: { code: e.code, message: e.message } } } };
  }
}

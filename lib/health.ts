import { database } from "./db";
import { toDatabaseError } from "./db/errors";
import { outboxStatus } from "./telemetry/outbox-status";

// GET /api/health: the backend, the applied migration version, and whether the database answers.
export async function health(): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    const db = await database();
    const r = await db.rpc("app_health");
    // the OTLP outbox (docs/privacy.md): depth, rows being retried, age of the oldest, rows dropped at the cap
    const outbox = await outboxStatus(db).catch(() => null);
    return {
      status: 200,
      body: { ok: true, database: { backend: db.backend, up: true, migrationVersion: r.migration_version }, telemetry: { outbox } },
    };
  } catch (error) {
    const e = toDatabaseError(error);
    return { status: 503, body: { ok: false, database: { up: false, error: { code: e.code, message: e.message } } } };
  }
}

import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";

// The four queues now (queue_status(), docs/architecture.md "Queues"): open rows, rows being
// retried, dead letters and the newest of them. Shown by /api/health and on the dashboard.

export type QueueStatus = RpcResultOf<"queue_status">;

/** null when the database does not have the queue API yet (not migrated this far). */
export async function queueStatus(db: Database): Promise<QueueStatus | null> {
  return db.rpc("queue_status").catch(() => null);
}

import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";
import { log } from "../log";

// RETENTION_DAYS (docs/performance.md, "Retention"): the setting lives in the database
// (retention_settings), so pg_cron's job and every instance's timer read the same limit.

export type RetentionRun = RpcResultOf<"apply_retention">;

/** Writes the limit (null = keep everything) where the scheduled job reads it. */
export async function configureRetention(db: Database, days: number | undefined): Promise<void> {
  await db.rpc("configure_retention", { p_days: days ?? null });
}

/** Bounded batches (one transaction each) until nothing older than the limit is left, at most `maxBatches`. */
export async function runRetention(db: Database, maxBatches = 20): Promise<RetentionRun[]> {
  const runs: RetentionRun[] = [];
  for (let i = 0; i < maxBatches; i++) {
    const run = await db.rpc("apply_retention", {});
    runs.push(run);
    if (!run.more) break;
  }
  const counts = ["messages_deleted", "observations_deleted", "voice_messages_deleted", "dataset_items_deleted", "partitions_dropped",
    "whatsapp_inbox_cleared", "whatsapp_outbox_deleted", "otlp_outbox_deleted"] as const;
  const totals = Object.fromEntries(counts.map((key) => [key.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), runs.reduce((sum, r) => sum + r[key], 0)]));
  if (Object.values(totals).some((n) => n > 0)) log("retention.ran", { retentionDays: runs[0].retention_days, ...totals });
  return runs;
}

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
  const total = (key: "messages_deleted" | "observations_deleted" | "voice_messages_deleted" | "partitions_dropped") =>
    runs.reduce((sum, r) => sum + r[key], 0);
  if (total("messages_deleted") + total("observations_deleted") + total("voice_messages_deleted") + total("partitions_dropped") > 0) {
    log("retention.ran", {
      retentionDays: runs[0].retention_days, messagesDeleted: total("messages_deleted"), observationsDeleted: total("observations_deleted"),
      voiceMessagesDeleted: total("voice_messages_deleted"), partitionsDropped: total("partitions_dropped"),
    });
  }
  return runs;
}

import type { Resource } from "@opentelemetry/resources";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Database } from "../db/types";
import { log } from "../log";
import type { TelemetryConfig } from "./config";
import { exportSpans } from "./exporter";
import { outboxPayloadSchema, outboxRowSchema, type OutboxPayload } from "./payload";
import { spanBuilder } from "./spans";

// Sends the outbox: claim a batch (for update skip locked, so any number of instances
// may drain), export it with the SDK, delete it only after a 2xx, else retry it later
// with backoff. The database holds every row until then (docs/privacy.md).

export interface DrainResult {
  claimed: number;
  sent: number;
  retrying: number;
  invalid: number;
}

export interface Drainer {
  drainOnce(): Promise<DrainResult>;
  /** Drains until the outbox has nothing due (or `maxBatches` batches were sent). */
  drain(maxBatches?: number): Promise<DrainResult>;
}

type Settings = Pick<TelemetryConfig, "batchSize" | "retryBaseMs" | "retryMaxMs" | "leaseSeconds">;

export function createDrainer(db: Database, settings: Settings, exporter: SpanExporter, resource: Resource): Drainer {
  const builder = spanBuilder(resource);

  async function drainOnce(): Promise<DrainResult> {
    const rows = (await db.rpc("claim_otlp_outbox", { p_limit: settings.batchSize, p_lease_seconds: settings.leaseSeconds })) ?? [];
    const valid: { id: string; payload: OutboxPayload }[] = [];
    const invalid: string[] = [];
    const problems: string[] = [];
    for (const raw of rows) {
      const row = outboxRowSchema.safeParse(raw);
      const payload = row.success ? outboxPayloadSchema.safeParse(row.data.payload) : undefined;
      if (row.success && payload?.success) valid.push({ id: row.data.id, payload: payload.data });
      else if (row.success) {
        invalid.push(row.data.id);
        const issue = payload?.error?.issues[0];
        problems.push(`${issue?.path.join(".")}: ${issue?.message}`);
      }
    }
    if (invalid.length) {
      // a row no collector could ever accept: drop it rather than retry it forever
      log("telemetry.invalid_outbox_rows", { ids: invalid, problems }, "error");
      await db.rpc("ack_otlp_outbox", { p_ids: invalid });
    }
    if (!valid.length) return { claimed: rows.length, sent: 0, retrying: 0, invalid: invalid.length };
    const ids = valid.map((r) => r.id);
    const result = await exportSpans(exporter, builder.build(valid.map((r) => r.payload)));
    if (result.ok) {
      await db.rpc("ack_otlp_outbox", { p_ids: ids });
      return { claimed: rows.length, sent: ids.length, retrying: 0, invalid: invalid.length };
    }
    await db.rpc("retry_otlp_outbox", { p_ids: ids, p_error: result.error ?? null, p_base_ms: settings.retryBaseMs, p_max_ms: settings.retryMaxMs });
    log("telemetry.export_failed", { rows: ids.length, error: result.error }, "warn");
    return { claimed: rows.length, sent: 0, retrying: ids.length, invalid: invalid.length };
  }

  async function drain(maxBatches = 20): Promise<DrainResult> {
    const total: DrainResult = { claimed: 0, sent: 0, retrying: 0, invalid: 0 };
    for (let i = 0; i < maxBatches; i++) {
      const r = await drainOnce();
      total.claimed += r.claimed;
      total.sent += r.sent;
      total.retrying += r.retrying;
      total.invalid += r.invalid;
      if (r.claimed < settings.batchSize || r.retrying > 0) break;
    }
    return total;
  }

  return { drainOnce, drain };
}

/** Polls the outbox on an unref'd timer; one drain at a time per process. */
export function pollOutbox(drainer: Drainer, pollMs: number): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    drainer
      .drain()
      .catch((error) => log("telemetry.drain_failed", { error: String((error as Error)?.message ?? error) }, "warn"))
      .finally(() => {
        running = false;
      });
  }, pollMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

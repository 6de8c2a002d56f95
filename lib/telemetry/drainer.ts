import type { Resource } from "@opentelemetry/resources";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Database } from "../db/types";
import { createQueueWorker, done, failure, permanentStatus, type Outcome, type QueueWorker } from "../queue/poller";
import type { TelemetryConfig } from "./config";
import { exportSpans } from "./exporter";
import { outboxPayloadSchema, outboxRowSchema } from "./payload";
import { spanBuilder } from "./spans";

// Sends the OTLP outbox on the one queue poller (lib/queue): claim a batch (for update skip locked,
// so any number of instances may drain), export it with the SDK, delete it only after a 2xx. A
// collector's 4xx (but 408, 429) is a dead letter at once; 429, 5xx or no answer: backoff up to the
// attempt cap (docs/privacy.md).

export interface DrainResult {
  claimed: number;
  sent: number;
  retrying: number;
  dead: number;
}

export interface Drainer {
  drainOnce(): Promise<DrainResult>;
  /** Drains until the outbox has nothing due (or `maxBatches` batches were sent). */
  drain(maxBatches?: number): Promise<DrainResult>;
}

type Settings = Pick<TelemetryConfig, "batchSize" | "retryBaseMs" | "retryMaxMs" | "leaseSeconds" | "maxAttempts">;

/** The outbox on the queue poller: each claimed batch is exported in one request. */
export function outboxWorker(db: Database, settings: Settings, exporter: SpanExporter, resource: Resource): QueueWorker {
  const builder = spanBuilder(resource);
  const row = outboxRowSchema.extend({ payload: outboxPayloadSchema });
  return createQueueWorker(db, {
    queue: "otlp_outbox", row, batch: settings.batchSize, leaseSeconds: settings.leaseSeconds,
    backoff: { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs, maxAttempts: settings.maxAttempts },
    async work(rows): Promise<Outcome[]> {
      const result = await exportSpans(exporter, builder.build(rows.map((r) => r.payload)));
      const outcome = result.ok ? done : failure(result.error ?? "export failed", { permanent: permanentStatus(result.status) });
      return rows.map(() => outcome);
    },
  });
}

export function createDrainer(db: Database, settings: Settings, exporter: SpanExporter, resource: Resource): Drainer {
  const worker = outboxWorker(db, settings, exporter, resource);
  const drain = async (maxBatches = 20): Promise<DrainResult> => {
    const r = await worker.run(undefined, maxBatches);
    return { claimed: r.claimed, sent: r.done, retrying: r.retrying, dead: r.dead };
  };
  return { drain, drainOnce: () => drain(1) };
}

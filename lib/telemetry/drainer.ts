import type { Resource } from "@opentelemetry/resources";
import { z } from "zod";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Database } from "../db/types";
import { log } from "../log";
import { createQueueWorker, done, failure, permanentStatus, type Outcome, type QueueWorker } from "../queue/poller";
import type { TelemetryConfig } from "./config";
import { exportSpans } from "./exporter";
import type { SpanSpec } from "./attributes";
import { scoreSpans, turnSpans } from "./attributes";
import { outboxPayloadSchema, outboxRowSchema } from "./payload";
import { scoreRefSchema, scoreSchema } from "./score";
import { legacySpans, spanBuilder } from "./spans";
import { turnRefSchema, turnSchema } from "./turn";

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

const rowSchema = outboxRowSchema.extend({ payload: z.union([turnRefSchema, scoreRefSchema, outboxPayloadSchema]) });
type Row = z.infer<typeof rowSchema>;

/** A row's spans: a turn (public.otlp_turn) or a score (public.otlp_score) is read now and mapped by
 *  lib/telemetry/attributes.ts; none when it is gone (erased, deleted, past retention). */
async function rowSpans(db: Database, row: Row): Promise<SpanSpec[]> {
  if (!("key" in row.payload)) return legacySpans(row.payload);
  if ("score_id" in row.payload) {
    const raw = await db.rpc("otlp_score", { p_score_id: row.payload.score_id });
    return raw === null ? [] : scoreSpans(row.payload, scoreSchema.parse(raw));
  }
  const raw = await db.rpc("otlp_turn", { p_question_id: row.payload.question_id, p_at: row.payload.at });
  return raw === null ? [] : turnSpans(row.payload, turnSchema.parse(raw));
}

/** The outbox on the queue poller: each claimed batch is exported in one request. */
export function outboxWorker(db: Database, settings: Settings, exporter: SpanExporter, resource: Resource): QueueWorker {
  const builder = spanBuilder(resource);
  return createQueueWorker(db, {
    queue: "otlp_outbox", row: rowSchema, batch: settings.batchSize, leaseSeconds: settings.leaseSeconds,
    backoff: { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs, maxAttempts: settings.maxAttempts },
    async work(rows): Promise<Outcome[]> {
      const specs: SpanSpec[] = [];
      for (const r of rows) specs.push(...(await rowSpans(db, r)));
      if (!specs.length) return rows.map(() => done);
      const result = await exportSpans(exporter, builder.build(specs));
      const outcome = result.ok ? done : failure(result.error ?? "export failed", { permanent: permanentStatus(result.status) });
      // one warning per failed request (docs/privacy.md): the collector's answer, the rows that wait
      if (!result.ok) log("telemetry.export_failed", { rows: rows.length, status: result.status, error: result.error }, "warn");
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

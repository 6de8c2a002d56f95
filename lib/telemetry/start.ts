import type { Database } from "../db/types";
import { log } from "../log";
import { telemetryConfig, type TelemetryConfig } from "./config";
import { pollQueue } from "../queue/poller";
import { outboxWorker } from "./drainer";
import { createExporter, telemetryResource } from "./exporter";

// Started once per process from lib/startup.ts: the database learns whether to queue
// turns for export (and how to mask), and the drainer polls when an endpoint is set.

const key = Symbol.for("threadline.telemetry");
type Holder = { [key]?: { stop(): void } };

export async function startTelemetry(db: Database, piiMasking: string, source: Record<string, string | undefined> = process.env): Promise<TelemetryConfig> {
  const config = telemetryConfig(source);
  await db.rpc("configure_privacy", {
    p_pii_masking: piiMasking,
    p_otlp_enabled: config.enabled,
    p_capture_content: config.captureContent,
    p_outbox_cap: config.outboxCap,
  });
  const holder = globalThis as Holder;
  if (config.enabled && !holder[key]) {
    holder[key] = pollQueue(outboxWorker(db, config, await createExporter(config.protocol), telemetryResource()), "otlp_outbox", config.pollMs);
    log("telemetry.started", { protocol: config.protocol, captureContent: config.captureContent, outboxCap: config.outboxCap });
  }
  return config;
}

import type { Database } from "../../db/types";
import { log } from "../../log";
import { whatsappConfig, type WhatsAppConfig } from "./config";
import { createWorker, type WhatsAppWorker } from "./worker";

// One worker per process (started from lib/startup.ts, woken by the webhook), polling on an
// unref'd timer for what is due: a retry, or what another instance left behind.

const key = Symbol.for("threadline.whatsapp");
type Holder = { [key]?: { worker: WhatsAppWorker; config: WhatsAppConfig } };

export function whatsappWorker(db: Database): { worker: WhatsAppWorker; config: WhatsAppConfig } | null {
  const holder = globalThis as Holder;
  if (holder[key]) return holder[key];
  const config = whatsappConfig();
  if (!config.enabled) return null;
  const worker = createWorker(db, config);
  holder[key] = { worker, config };
  const timer = setInterval(() => {
    worker.work().catch((error) => log("whatsapp.work_failed", { error: String((error as Error)?.message ?? error) }, "warn"));
  }, config.pollMs);
  timer.unref();
  log("whatsapp.started", { graphUrl: config.graphUrl, pollMs: config.pollMs });
  return holder[key];
}

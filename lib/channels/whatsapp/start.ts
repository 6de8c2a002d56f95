import type { Database } from "../../db/types";
import { log } from "../../log";
import { pollQueue } from "../../queue/poller";
import { whatsappConfig, type WhatsAppConfig } from "./config";
import { createWorker, type WhatsAppWorker } from "./worker";

// One worker per process (started from lib/startup.ts, woken by the webhook); the queue poller
// (lib/queue/poller.ts) works each of its queues on an unref'd timer for what is due: a retry, or
// what another instance left behind.

const key = Symbol.for("threadline.whatsapp");
type Holder = { [key]?: { worker: WhatsAppWorker; config: WhatsAppConfig } };

export function whatsappWorker(db: Database): { worker: WhatsAppWorker; config: WhatsAppConfig } | null {
  const holder = globalThis as Holder;
  if (holder[key]) return holder[key];
  const config = whatsappConfig();
  if (!config.enabled) return null;
  const worker = createWorker(db, config);
  holder[key] = { worker, config };
  pollQueue(worker.inbox, "whatsapp_inbox", config.pollMs);
  pollQueue(worker.outbox, "whatsapp_outbox", config.pollMs);
  log("whatsapp.started", { graphUrl: config.graphUrl, pollMs: config.pollMs });
  return holder[key];
}

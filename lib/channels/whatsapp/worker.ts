import { z } from "zod";
import type { Database } from "../../db/types";
import { isAppError } from "../../errors";
import { log } from "../../log";
import { createQueueWorker, done, failure, oneByOne, permanentStatus, type Outcome, type QueueWorker } from "../../queue/poller";
import type { WhatsAppConfig } from "./config";
import { voiceConfig } from "../../voice/config";
import { audioStore } from "../../voice/store";
import { GraphError, sendMessage, uploadMedia } from "./graph";
import { handleInbound } from "./inbound";
import { graphMessages } from "./outgoing";
import { inboundMessageSchema } from "./webhook";

// The channel's two Postgres queues (docs/channels.md) on the one queue poller (lib/queue): the
// inbox (each delivered message through the chat turn, one per sender at a time) and the outbox
// (each reply to the Graph API). The database holds every row until it is settled, so a crash or a
// Graph outage loses nothing; a refusal (a Graph 4xx, an unknown media id) is a dead letter at once.

const inboxRowSchema = z.object({ id: z.string(), wa_id: z.string(), user_id: z.string(), message: inboundMessageSchema, attempts: z.number() });
const outboxRowSchema = z.object({
  id: z.coerce.number().int(),
  wa_id: z.string(),
  parts_sent: z.number().int(),
  attempts: z.number().int(),
  message_id: z.string().nullable(),
  content: z.string(),
  buttons: z.array(z.object({ label: z.string(), action: z.object({ id: z.string(), payload: z.record(z.string(), z.unknown()).optional() }) })).catch([]),
  audio_url: z.string().nullable().optional(),
});

/** A turn's failure: a rate limit waits its window (not an attempt); the model or database failing is
 *  retried; a Graph refusal (say, an unknown media id) or a turn the app refuses is a dead letter. */
export function turnFailure(error: unknown): Outcome {
  if (error instanceof GraphError) return failure(error, { permanent: permanentStatus(error.status) });
  if (!isAppError(error)) return failure(error);
  const type = error.code.split(":")[0];
  if (type === "rate_limit") return failure(error, { retryAfterSeconds: error.retryAfter ?? 60 });
  return failure(error, { permanent: !["bad_gateway", "unavailable", "internal"].includes(type) });
}

/** A send's failure: Graph's 4xx (but 408, 429) is permanent; 429, 5xx, a timeout or no answer are retried. */
export function sendFailure(error: unknown): Outcome {
  return failure(error, { permanent: error instanceof GraphError && permanentStatus(error.status) });
}

export interface WhatsAppWorker {
  /** Works the inbox (only `ids` when given), then sends the outbox; one run at a time per process. */
  work(ids?: string[]): Promise<void>;
  inbox: QueueWorker;
  outbox: QueueWorker;
}

export function createWorker(db: Database, config: WhatsAppConfig): WhatsAppWorker {
  const backoff = { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs, maxAttempts: config.maxAttempts };

  const inbox = createQueueWorker(db, {
    queue: "whatsapp_inbox", row: inboxRowSchema, batch: 20, leaseSeconds: 120, backoff,
    work: oneByOne(async (row: z.infer<typeof inboxRowSchema>) => {
      await handleInbound(db, config, { id: row.id, from: row.wa_id, visitorId: row.user_id, message: row.message });
      return done;
    }, turnFailure),
  });

  const outbox = createQueueWorker(db, {
    queue: "whatsapp_outbox", row: outboxRowSchema, batch: 20, leaseSeconds: 60, backoff,
    work: oneByOne(async (r: z.infer<typeof outboxRowSchema>) => {
      const parts = graphMessages({ messageId: r.message_id, content: r.content, buttons: r.buttons });
      // parts already accepted by Graph are never sent again (whatsapp_part_sent)
      for (let i = r.parts_sent; i < parts.length; i++) {
        await sendMessage(config, r.wa_id, parts[i]);
        await db.rpc("whatsapp_part_sent", { p_id: r.id, p_parts_sent: i + 1 });
      }
      // a spoken reply: its audio after the text, as one more part
      const spoken = r.audio_url?.startsWith("/api/audio/") ? await audioStore(voiceConfig()).get(r.audio_url.slice("/api/audio/".length)) : null;
      if (spoken && r.parts_sent <= parts.length) {
        const mediaId = await uploadMedia(config, spoken.bytes, spoken.mimeType);
        await sendMessage(config, r.wa_id, { type: "audio", audio: { id: mediaId } });
        await db.rpc("whatsapp_part_sent", { p_id: r.id, p_parts_sent: parts.length + 1 });
      }
      log("whatsapp.sent", { id: r.id, messageId: r.message_id, parts: parts.length, attempts: r.attempts });
      return done;
    }, sendFailure),
  });

  return {
    inbox,
    outbox,
    async work(ids?: string[]) {
      await inbox.run(ids);
      await outbox.run();
    },
  };
}

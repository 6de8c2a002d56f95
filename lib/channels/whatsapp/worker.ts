import { z } from "zod";
import type { Database } from "../../db/types";
import { isAppError } from "../../errors";
import { log } from "../../log";
import type { WhatsAppConfig } from "./config";
import { voiceConfig } from "../../voice/config";
import { audioStore } from "../../voice/store";
import { sendMessage, uploadMedia } from "./graph";
import { handleInbound } from "./inbound";
import { graphMessages } from "./outgoing";
import { inboundMessageSchema } from "./webhook";

// Works the two Postgres queues of the channel (docs/channels.md): the inbox (each delivered
// message through the chat turn) and the outbox (each reply to the Graph API). Rows are claimed
// with `for update skip locked` and a lease, settled after the work, retried with backoff; the
// database holds every row until then, so a crash or a Graph outage loses nothing.

const inboxRowSchema = z.object({ id: z.string(), wa_id: z.string(), message: inboundMessageSchema, attempts: z.number() });
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

/** Turn errors worth another attempt (the model or the database failing); others settle the message. */
const retryable = (error: unknown) => !isAppError(error) || ["bad_gateway", "unavailable", "rate_limit", "internal"].includes(error.code.split(":")[0]);

export interface WhatsAppWorker {
  /** Works the inbox (only `ids` when given), then sends the outbox; one run at a time per process. */
  work(ids?: string[]): Promise<void>;
}

export function createWorker(db: Database, config: WhatsAppConfig): WhatsAppWorker {
  let running: Promise<void> | null = null;
  let again = false;

  async function workInbox(ids?: string[]): Promise<void> {
    const rows = (await db.rpc("claim_whatsapp_inbox", { p_limit: 20, p_lease_seconds: 120, p_ids: ids ?? null })) ?? [];
    for (const raw of rows) {
      const row = inboxRowSchema.safeParse(raw);
      const id = (raw as { id?: string })?.id;
      if (!row.success) {
        log("whatsapp.inbox_unreadable", { id, problem: row.error.issues[0]?.message }, "error");
        if (id) await db.rpc("settle_whatsapp_inbox", { p_id: id });
        continue;
      }
      try {
        const outcome = await handleInbound(db, config, { id: row.data.id, from: row.data.wa_id, message: row.data.message });
        if (outcome.kind === "turn") await db.rpc("settle_whatsapp_inbox", { p_id: row.data.id });
      } catch (error) {
        const message = String((error as Error)?.message ?? error);
        if (retryable(error)) {
          log("whatsapp.turn_failed", { id: row.data.id, attempts: row.data.attempts, error: message }, "warn");
          await db.rpc("settle_whatsapp_inbox", { p_id: row.data.id, p_error: message, p_base_ms: config.retryBaseMs, p_max_ms: config.retryMaxMs });
        } else {
          // a turn the app refuses (say, an agent that is no longer enabled): logged, not retried
          log("whatsapp.turn_refused", { id: row.data.id, error: message }, "warn");
          await db.rpc("settle_whatsapp_inbox", { p_id: row.data.id });
        }
      }
    }
  }

  async function workOutbox(): Promise<void> {
    for (let batch = 0; batch < 20; batch++) {
      const rows = (await db.rpc("claim_whatsapp_outbox", { p_limit: 20, p_lease_seconds: 60 })) ?? [];
      for (const raw of rows) {
        const row = outboxRowSchema.safeParse(raw);
        if (!row.success) {
          log("whatsapp.outbox_unreadable", { id: (raw as { id?: unknown })?.id, problem: row.error.issues[0]?.message }, "error");
          continue;
        }
        const r = row.data;
        const parts = graphMessages({ messageId: r.message_id, content: r.content, buttons: r.buttons });
        try {
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
          await db.rpc("settle_whatsapp_outbox", { p_id: r.id });
          log("whatsapp.sent", { id: r.id, messageId: r.message_id, parts: parts.length, attempts: r.attempts });
        } catch (error) {
          const message = String((error as Error)?.message ?? error);
          log("whatsapp.send_failed", { id: r.id, attempts: r.attempts, error: message }, "warn");
          await db.rpc("settle_whatsapp_outbox", { p_id: r.id, p_error: message, p_base_ms: config.retryBaseMs, p_max_ms: config.retryMaxMs });
        }
      }
      if (rows.length < 20) return;
    }
  }

  async function once(ids?: string[]): Promise<void> {
    await workInbox(ids);
    await workOutbox();
  }

  return {
    async work(ids?: string[]) {
      if (running) {
        // a run is going: one more run after it picks up what arrived meanwhile
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            await once(ids);
            ids = undefined;
          } while (again);
        } finally {
          running = null;
        }
      })();
      return running;
    },
  };
}

import { z } from "zod";

// The Cloud API webhook payload (entry[].changes[].value.messages[]), read leniently: Meta adds
// fields over time, and a delivery we cannot read is logged and answered 200 (Meta retries
// non-2xx deliveries for days). Each message becomes one inbox row (whatsapp_receive).

const waId = z.string().regex(/^[0-9]{1,32}$/);

const base = z.object({ from: waId, id: z.string().min(1).max(256), timestamp: z.string().optional() });

const messageSchema = z.discriminatedUnion("type", [
  base.extend({ type: z.literal("text"), text: z.object({ body: z.string() }) }),
  base.extend({
    type: z.literal("interactive"),
    interactive: z.union([
      z.object({ type: z.literal("button_reply"), button_reply: z.object({ id: z.string().max(256), title: z.string().max(100) }) }),
      z.object({ type: z.literal("list_reply"), list_reply: z.object({ id: z.string().max(256), title: z.string().max(100) }) }),
    ]),
  }),
  // a template's quick-reply button
  base.extend({ type: z.literal("button"), button: z.object({ text: z.string().max(256), payload: z.string().max(1024).optional() }) }),
  base.extend({ type: z.literal("audio"), audio: z.object({ id: z.string().min(1).max(256), mime_type: z.string().max(128).optional() }) }),
]);

const envelopeSchema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.object({
    changes: z.array(z.object({
      field: z.string().optional(),
      value: z.object({
        messages: z.array(z.unknown()).optional(),
        statuses: z.array(z.unknown()).optional(),
        metadata: z.object({ phone_number_id: z.string().optional() }).loose().optional(),
      }).loose(),
    }).loose()),
  }).loose()),
}).loose();

/** One inbound message as the inbox stores it. */
export type InboundMessage =
  | { type: "text"; text: string }
  | { type: "button"; buttonId: string; title: string }
  | { type: "audio"; mediaId: string; mimeType?: string }
  | { type: "unsupported"; kind: string };

export interface InboxRow {
  id: string;
  from: string;
  message: InboundMessage;
}

export interface ParsedDelivery {
  messages: InboxRow[];
  statuses: number;
  /** Events that are not something to answer (a reaction, a system event such as a number change): dropped. */
  ignored: number;
  /** Changes addressed to another phone number id than ours: dropped, not answered from our number. */
  otherNumbers: string[];
  /** Parts we could not read (logged, not stored). */
  unreadable: string[];
}

export const inboundMessageSchema: z.ZodType<InboundMessage> = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("button"), buttonId: z.string(), title: z.string() }),
  z.object({ type: z.literal("audio"), mediaId: z.string(), mimeType: z.string().optional() }),
  z.object({ type: z.literal("unsupported"), kind: z.string() }),
]);

function normalise(m: z.infer<typeof messageSchema>): InboundMessage {
  switch (m.type) {
    case "text":
      return { type: "text", text: m.text.body };
    case "interactive": {
      const reply = m.interactive.type === "button_reply" ? m.interactive.button_reply : m.interactive.list_reply;
      return { type: "button", buttonId: reply.id, title: reply.title };
    }
    case "button":
      return { type: "text", text: m.button.text };
    case "audio":
      return { type: "audio", mediaId: m.audio.id, mimeType: m.audio.mime_type };
  }
}

/** Message types that carry nothing to answer: a reaction to a message, a system event (the sender's number changed). */
const ignoredTypes = new Set(["reaction", "system"]);

/** `phoneNumberId`: ours; a change for another number of the same business account is left alone. */
export function parseDelivery(body: unknown, phoneNumberId?: string): ParsedDelivery {
  const result: ParsedDelivery = { messages: [], statuses: 0, ignored: 0, otherNumbers: [], unreadable: [] };
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) {
    result.unreadable.push(`envelope: ${envelope.error.issues[0]?.path.join(".")} ${envelope.error.issues[0]?.message}`);
    return result;
  }
  for (const entry of envelope.data.entry) {
    for (const change of entry.changes) {
      const to = change.value.metadata?.phone_number_id;
      if (phoneNumberId && to !== undefined && to !== phoneNumberId) {
        result.otherNumbers.push(to.slice(0, 32));
        continue;
      }
      result.statuses += change.value.statuses?.length ?? 0;
      for (const raw of change.value.messages ?? []) {
        const parsed = messageSchema.safeParse(raw);
        if (parsed.success) {
          result.messages.push({ id: parsed.data.id, from: parsed.data.from, message: normalise(parsed.data) });
          continue;
        }
        // a message of a kind we do not handle (image, sticker, location…): answered politely
        const known = base.extend({ type: z.string().max(64) }).safeParse(raw);
        if (known.success && ignoredTypes.has(known.data.type)) result.ignored++;
        else if (known.success) result.messages.push({ id: known.data.id, from: known.data.from, message: { type: "unsupported", kind: known.data.type } });
        else result.unreadable.push(`message: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
      }
    }
  }
  return result;
}

import { randomUUID } from "node:crypto";
import type { TurnRequest } from "../../chat/begin";
import { defaultModelKey, ensureModels } from "../../chat/available-models";
import { runTurn } from "../../chat/turn";
import type { Button } from "../../chat/types";
import type { Database } from "../../db/types";
import { env } from "../../env";
import { isAppError } from "../../errors";
import { voiceConfig } from "../../voice/config";
import { prepareVoice, speakReply, voiceAllowance } from "../../voice/message";
import type { WhatsAppConfig } from "./config";
import { fetchMedia, GraphError } from "./graph";
import { messageKey } from "../message-key";
import { parseButtonId } from "./outgoing";
import type { InboundMessage } from "./webhook";

// One stored WhatsApp message through the SAME chat turn as the web (lib/chat/turn.ts):
// the visitor is a keyed hash of the sender's number (the inbox claim's user_id: the number never leaves the
// channel's own tables, docs/privacy.md), the channel 'whatsapp', and the WhatsApp message id
// (as a uuid) the clientMessageId, so a message worked twice is answered once (R8).
// The reply reaches the outbox from the transaction that stored it (whatsapp_on_reply).

export const notices = {
  voiceUnavailable: "Sorry, I can't listen to voice messages here. Please type your message instead.",
  unsupported: "Sorry, I can only read text messages and button taps here. Please type your message.",
  staleButton: "That button is no longer available. Type menu to see the agents.",
  voiceRefused: "Sorry, I couldn't use that voice message. Please try a shorter one, or type your message.",
} as const;

export type InboundOutcome = { kind: "turn" } | { kind: "notice"; text: string };

const agentKey = /^[a-z][a-z0-9_]{0,63}$/;

/** The turn's fields; `fallbackMessage`: the text to send as a message when `agent` names no enabled agent. */
type TurnFields = Partial<TurnRequest> & { fallbackMessage?: string };

/** The turn a WhatsApp message asks for, or a notice to send instead. */
async function turnFields(db: Database, config: WhatsAppConfig, row: { id: string; from: string; visitorId: string }, message: InboundMessage): Promise<TurnFields | { notice: string }> {
  const from = row.from;
  switch (message.type) {
    case "text": {
      const text = message.text.trim().slice(0, 4000);
      if (!text) return { notice: notices.unsupported };
      // an agent's key typed alone (a click-to-chat link's prefilled code) opens that agent, like the
      // web's explicit agent; begin_turn decides whether it names an enabled one (else it is a message)
      const key = text.toLowerCase();
      if (agentKey.test(key) && key !== "menu") return { agent: key, fallbackMessage: text };
      return { message: text };
    }
    case "button": {
      const ref = parseButtonId(message.buttonId);
      const found = ref && (await db.rpc("whatsapp_button", {
        p_wa_id: from, p_message_id: ref.messageId, p_index: ref.index,
      }));
      if (!found) return { notice: notices.staleButton };
      const { action, label } = found.button;
      const agent = action.id === "select_agent" && typeof action.payload?.agent === "string" ? action.payload.agent : undefined;
      if (agent) return { sessionId: found.session_id, action, agent };
      // the row that was tapped is the visitor's words (several rows may share an action)
      return { sessionId: found.session_id, action, message: label };
    }
    case "audio": {
      // a voice note: fetched from the Graph media URL, transcribed and stored (lib/voice)
      const voice = voiceConfig();
      if (!voice.enabled) return { notice: notices.voiceUnavailable };
      const clientMessageId = messageKey("whatsapp", row.id);
      // a note registered by an earlier attempt (its turn was rate limited, the model failed) is not
      // downloaded or transcribed again; a new one counts against the sender's voice limit first
      const before = await voiceAllowance(db, { visitorId: row.visitorId, clientMessageId, rateLimit: env().CHAT_RATE_LIMIT_PER_MINUTE, ipRateLimit: 0 });
      if (before) return { message: before.transcript, observations: before.observation ? [before.observation] : undefined };
      try {
        const media = await fetchMedia(config, message.mediaId, voice.maxBytes);
        const prepared = await prepareVoice(db, voice, { visitorId: row.visitorId, clientMessageId, bytes: media.bytes, mimeType: message.mimeType ?? media.mimeType });
        return { message: prepared.transcript, observations: prepared.observation ? [prepared.observation] : undefined };
      } catch (error) {
        // refused audio (too large, a type we do not take, no speech heard) is answered; an outage is retried
        const refused = (isAppError(error) && ["unsupported_media_type", "payload_too_large", "bad_request"].includes(error.code.split(":")[0]))
          || (error instanceof GraphError && error.status === 413);
        if (refused) return { notice: notices.voiceRefused };
        throw error;
      }
    }
    case "unsupported":
      return { notice: notices.unsupported };
  }
}

/** `visitorId`: the sender's keyed-hash visitor, as the inbox claim answers it (no whatsapp_visitor round trip). */
export async function handleInbound(db: Database, config: WhatsAppConfig, row: { id: string; from: string; visitorId: string; message: InboundMessage }): Promise<InboundOutcome> {
  const { visitorId } = row;
  const fields = await turnFields(db, config, row, row.message);
  if ("notice" in fields) {
    await db.rpc("whatsapp_notice", { p_id: row.id, p_text: fields.notice });
    return { kind: "notice", text: fields.notice };
  }
  await ensureModels(db);
  const e = env();
  const { fallbackMessage, ...turn } = fields;
  const run = (f: Partial<TurnRequest>) => runTurn(db, {
    visitorId,
    requestId: randomUUID(),
    channel: "whatsapp",
    clientMessageId: messageKey("whatsapp", row.id),
    modelKey: defaultModelKey(),
    defaultAgent: e.DEFAULT_AGENT,
    idleMinutes: e.SESSION_IDLE_MINUTES,
    rateLimit: e.CHAT_RATE_LIMIT_PER_MINUTE,
    ipRateLimit: 0,
    ...f,
  });
  let result;
  try {
    result = await run(turn);
  } catch (error) {
    // not an enabled agent's key: an ordinary message (begin_turn refused it before storing anything)
    if (!(fallbackMessage && isAppError(error) && error.code === "bad_request:agent")) throw error;
    result = await run({ message: fallbackMessage });
  }
  // a voice note is answered with a voice note too when TTS_MODEL is set (the outbox sends it after the text)
  if (row.message.type === "audio") await speakReply(db, voiceConfig(), result.reply);
  return { kind: "turn" };
}

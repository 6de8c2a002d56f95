import { randomUUID } from "node:crypto";
import { enabledAgents } from "../../chat/default-agent";
import type { TurnRequest } from "../../chat/begin";
import { defaultModelKey, ensureModels } from "../../chat/models";
import { runTurn } from "../../chat/turn";
import type { Button } from "../../chat/types";
import type { Database } from "../../db/types";
import { env } from "../../env";
import { messageKey } from "../message-key";
import { parseButtonId } from "./outgoing";
import type { InboundMessage } from "./webhook";

// One stored WhatsApp message through the SAME chat turn as the web (lib/chat/turn.ts):
// the visitor is the sender's wa_id, the channel 'whatsapp', and the WhatsApp message id
// (as a uuid) the clientMessageId, so a message worked twice is answered once (R8).
// The reply reaches the outbox from the transaction that stored it (whatsapp_on_reply).

export const notices = {
  voiceUnavailable: "Sorry, I can't listen to voice messages here. Please type your message instead.",
  unsupported: "Sorry, I can only read text messages and button taps here. Please type your message.",
  staleButton: "That button is no longer available. Type menu to see the agents.",
} as const;

export type InboundOutcome = { kind: "turn" } | { kind: "notice"; text: string };

const agentKey = /^[a-z][a-z0-9_]{0,63}$/;

/** The turn a WhatsApp message asks for, or a notice to send instead. */
async function turnFields(db: Database, from: string, message: InboundMessage): Promise<Partial<TurnRequest> | { notice: string }> {
  switch (message.type) {
    case "text": {
      const text = message.text.trim().slice(0, 4000);
      if (!text) return { notice: notices.unsupported };
      // an agent's key typed alone (a click-to-chat link's prefilled code) opens that agent, like the web's ?agent=
      const key = text.toLowerCase();
      if (agentKey.test(key) && key !== "menu" && (await enabledAgents(db)).some((a) => a.key === key)) return { agent: key };
      return { message: text };
    }
    case "button": {
      const ref = parseButtonId(message.buttonId);
      const found = ref && (await db.rpc<{ session_id: string; button: Button } | null>("whatsapp_button", {
        p_wa_id: from, p_message_id: ref.messageId, p_index: ref.index,
      }));
      if (!found) return { notice: notices.staleButton };
      const { action } = found.button;
      const agent = action.id === "select_agent" && typeof action.payload?.agent === "string" ? action.payload.agent : undefined;
      return { sessionId: found.session_id, action, ...(agent ? { agent } : {}) };
    }
    case "audio":
      return { notice: notices.voiceUnavailable };
    case "unsupported":
      return { notice: notices.unsupported };
  }
}

export async function handleInbound(db: Database, row: { id: string; from: string; message: InboundMessage }): Promise<InboundOutcome> {
  const fields = await turnFields(db, row.from, row.message);
  if ("notice" in fields) {
    await db.rpc("whatsapp_notice", { p_id: row.id, p_text: fields.notice });
    return { kind: "notice", text: fields.notice };
  }
  await ensureModels(db);
  const e = env();
  await runTurn(db, {
    visitorId: row.from,
    requestId: randomUUID(),
    channel: "whatsapp",
    clientMessageId: messageKey("whatsapp", row.id),
    modelKey: defaultModelKey(),
    defaultAgent: e.DEFAULT_AGENT,
    idleMinutes: e.SESSION_IDLE_MINUTES,
    rateLimit: e.CHAT_RATE_LIMIT_PER_MINUTE,
    ipRateLimit: 0,
    ...fields,
  });
  return { kind: "turn" };
}

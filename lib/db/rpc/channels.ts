import { z } from "zod";

// WhatsApp and voice (docs/channels.md): the inbox and outbox functions and the voice message's
// recording (lib/db/registry.ts). Their queues are claimed and settled through lib/db/rpc/queues.ts.

const opt = <T extends z.ZodType>(t: T) => t.nullish();
const uuid = z.uuid();
const json = z.record(z.string(), z.unknown());
const buttonSchema = z.object({ label: z.string(), action: z.object({ id: z.string(), payload: json.optional() }) });

export const channelFunctions = {
  whatsapp_receive: {
    args: z.object({ p_messages: z.array(z.object({ id: z.string(), from: z.string(), message: z.unknown() })) }),
    result: z.object({ stored: z.array(z.string()) }),
  },
  whatsapp_notice: { args: z.object({ p_id: z.string(), p_text: z.string() }), result: z.unknown() },
  whatsapp_visitor: { args: z.object({ p_wa_id: z.string() }), result: z.object({ user_id: z.string() }) },
  whatsapp_button: {
    args: z.object({ p_wa_id: z.string(), p_message_id: uuid, p_index: z.number() }),
    result: z.object({ session_id: z.string(), button: buttonSchema }).nullable(),
  },
  whatsapp_part_sent: { args: z.object({ p_id: z.union([z.number(), z.string()]), p_parts_sent: z.number() }), result: z.unknown() },
  register_voice_message: {
    args: z.object({ p_user_id: z.string(), p_client_message_id: uuid, p_audio_url: z.string(), p_transcript: z.string() }),
    result: z.object({ audio_url: z.string(), transcript: z.string() }),
  },
  record_voice_transcription: {
    args: z.object({ p_user_id: z.string(), p_client_message_id: uuid, p_step: z.record(z.string(), z.unknown()) }),
    result: z.object({ recorded: z.boolean() }),
  },
  voice_transcription: {
    args: z.object({ p_user_id: z.string(), p_client_message_id: uuid }),
    result: z.record(z.string(), z.unknown()).nullable(),
  },
  voice_allowance: {
    args: z.object({
      p_user_id: z.string(), p_client_message_id: opt(uuid), p_rate_limit: opt(z.number()), p_client_ip: opt(z.string()), p_ip_rate_limit: opt(z.number()),
      p_new_visitor_limit: opt(z.number()),
    }),
    result: z.discriminatedUnion("status", [
      z.object({ status: z.literal("ok") }),
      z.object({ status: z.literal("retired") }),
      z.object({ status: z.literal("rate_limited"), retry_after: z.number(), scope: z.literal("new_visitor").optional() }),
      z.object({ status: z.literal("registered"), transcript: z.string(), audio_url: z.string(), transcription: json.nullable() }),
    ]),
  },
  queue_unnamed_audio: { args: z.object({ p_names: z.array(z.string()) }), result: z.object({ queued: z.number() }) },
  set_reply_audio: { args: z.object({ p_message_id: uuid, p_audio_url: z.string() }), result: z.unknown() },
  record_reply_speech: {
    args: z.object({
      p_message_id: uuid, p_audio_url: z.string(), p_model: z.string(), p_started_at: z.string(), p_ended_at: z.string(), p_characters: z.number(),
    }),
    result: z.object({ set: z.boolean(), observation_id: z.string().nullable(), cost_usd: z.union([z.number(), z.string()]).nullable() }),
  },
  audio_owned_by: { args: z.object({ p_audio_url: z.string(), p_user_id: z.string() }), result: z.object({ owned: z.boolean() }) },
};

import { randomUUID } from "node:crypto";
import type { Observation } from "../chat/observations";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { log } from "../log";
import { acceptedType, extensionOf, type VoiceConfig } from "./config";
import { speak, spokenText, transcribe } from "./speech";
import { audioStore, audioUrl } from "./store";

// A voice message before its turn: refused (typed, nothing stored) when speech is off, the type
// is not audio we accept or it is too large; else transcribed, stored, and registered under the
// turn's clientMessageId so begin_turn's row gets its audio_url (docs/channels.md, "Voice").

export interface VoiceInput {
  visitorId: string;
  clientMessageId: string;
  bytes: Uint8Array;
  mimeType: string | null;
}

export function checkAudio(config: VoiceConfig, bytes: Uint8Array, mimeType: string | null): string {
  if (!config.enabled) throw new AppError("unavailable:voice", "Voice messages are not available here. Type your message instead.");
  const type = acceptedType(mimeType);
  if (!type) throw new AppError("unsupported_media_type:voice", `Send audio as one of: ${Object.keys(extensionOf).join(", ")}.`);
  if (bytes.byteLength === 0) throw new AppError("bad_request:voice", "The recording is empty.");
  if (bytes.byteLength > config.maxBytes) throw new AppError("payload_too_large:voice", `A recording may be at most ${config.maxBytes} bytes.`);
  return type;
}

export interface PreparedVoice {
  transcript: string;
  audioUrl: string;
  /** The transcription as a step of the turn's trace (kind 'transcription', with its duration). */
  observation: Observation;
}

export async function prepareVoice(db: Database, config: VoiceConfig, input: VoiceInput): Promise<PreparedVoice> {
  const type = checkAudio(config, input.bytes, input.mimeType);
  const started = new Date();
  const transcript = await transcribe(config, input.bytes, type);
  const ended = new Date();
  const observation: Observation = {
    id: randomUUID(), parent_id: null, position: 0, kind: "transcription", name: config.sttModel!, status: "ok",
    started_at: started.toISOString(), ended_at: ended.toISOString(), duration_ms: ended.getTime() - started.getTime(),
    arguments: { mime_type: type, bytes: input.bytes.byteLength },
  };
  if (!transcript) throw new AppError("bad_request:voice", "No speech was heard in the recording. Try again, or type your message.");
  const name = `${randomUUID()}.${extensionOf[type]}`;
  await audioStore(config).put(name, input.bytes, type);
  const registered = await db.rpc("register_voice_message", {
    p_user_id: input.visitorId, p_client_message_id: input.clientMessageId, p_audio_url: audioUrl(name), p_transcript: transcript,
  });
  return { transcript: registered.transcript, audioUrl: registered.audio_url, observation };
}

/**
 * With TTS_MODEL: the reply spoken, stored and set as its audio_url, with the speech recorded as a step
 * of the turn (record_reply_speech: kind 'speech', its duration and, when llm_models prices the model, its
 * cost). A failure leaves the text reply alone.
 */
export async function speakReply(db: Database, config: VoiceConfig, reply: { id: string; content: string }): Promise<string | null> {
  if (!config.enabled || !config.ttsModel || !reply.content.trim()) return null;
  try {
    const started = new Date();
    const audio = await speak(config, reply.content);
    const ended = new Date();
    const name = `${randomUUID()}.mp3`;
    const store = audioStore(config);
    await store.put(name, audio.bytes, audio.mimeType);
    const r = await db.rpc("record_reply_speech", {
      p_message_id: reply.id, p_audio_url: audioUrl(name), p_model: config.ttsModel, p_started_at: started.toISOString(),
      p_ended_at: ended.toISOString(), p_characters: spokenText(reply.content).length,
    });
    if (r.set) return audioUrl(name);
    // spoken before (a replayed turn): this copy is nobody's
    await store.delete(name);
    return null;
  } catch (error) {
    log("voice.speech_failed", { messageId: reply.id, error: String((error as Error)?.message ?? error) }, "warn");
    return null;
  }
}

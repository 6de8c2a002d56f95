import { randomUUID } from "node:crypto";
import { isoMicros, preciseNow } from "../clock";
import type { Observation } from "../chat/observations";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { newVisitorRefused } from "../http/visitor-cookie";
import { log } from "../log";
import { acceptedType, extensionOf, type VoiceConfig } from "./config";
import { speak, spokenText, transcribe } from "./speech";
import { audioStore, audioUrl } from "./store";

// A voice message before its turn: counted against the voice limits before its audio is read;
// refused (typed, nothing stored) when speech is off, the type is not audio we accept or it is too
// large; else transcribed, stored, and registered under the turn's clientMessageId so begin_turn's
// row gets its audio_url (docs/channels.md, "Voice").

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
  /** The transcription as a step of the turn's trace (kind 'transcription', with its duration); null when none was kept. */
  observation: Observation | null;
}

export interface VoiceLimits {
  visitorId: string;
  /** Given: a recording already registered under it is answered as it is, nothing counted. */
  clientMessageId?: string;
  rateLimit: number;
  clientIp?: string;
  ipRateLimit: number;
  /** A new visitor (a fresh cookie): counted against this limit per address and minute, in the same call. */
  newVisitorLimit?: number;
}

/** A registration as voice_allowance answers it: its step gets a new id (a retried turn stores it again). */
function registered(r: { transcript?: string; audio_url?: string; transcription?: Record<string, unknown> | null }): PreparedVoice {
  const step = r.transcription ? ({ ...r.transcription, id: randomUUID() } as unknown as Observation) : null;
  return { transcript: r.transcript ?? "", audioUrl: r.audio_url ?? "", observation: step };
}

/** voice_allowance refused the visitor id: an erasure retired it (docs/privacy.md); the web route starts a new visitor. */
export class RetiredVisitor extends AppError {
  constructor() {
    super("not_found:visitor", "This visitor's history was deleted.");
  }
}

/**
 * Before a voice message's audio is read or transcribed (docs/channels.md, "Voice"): its registration
 * when it has one (no second transcription), else it counts against the voice limits —
 * `rate_limit:voice` (429, Retry-After) over them — and null means go on.
 */
export async function voiceAllowance(db: Database, limits: VoiceLimits): Promise<PreparedVoice | null> {
  const r = await db.rpc("voice_allowance", {
    p_user_id: limits.visitorId, p_client_message_id: limits.clientMessageId ?? null, p_rate_limit: limits.rateLimit,
    p_client_ip: limits.clientIp ?? null, p_ip_rate_limit: limits.ipRateLimit,
    ...(limits.newVisitorLimit ? { p_new_visitor_limit: limits.newVisitorLimit } : {}),
  });
  if (r.status === "retired") throw new RetiredVisitor();
  // the same answer as a new visitor's refused chat turn (no cookie is handed out)
  if (r.status === "rate_limited" && r.scope === "new_visitor") throw newVisitorRefused(r.retry_after);
  if (r.status === "rate_limited") {
    throw new AppError("rate_limit:voice", "You are sending voice messages too quickly. Wait a moment and try again.", { retryAfter: r.retry_after });
  }
  return r.status === "registered" ? registered(r) : null;
}

/**
 * The recording transcribed, stored and registered under the turn's clientMessageId, unless it was
 * registered before (then nothing is transcribed or written again). The file is written before it is
 * registered and deleted again when another attempt's registration won, so no file outlives its
 * attempt without a row naming it (a crash in between is swept: lib/voice/deletions.ts).
 */
export async function prepareVoice(db: Database, config: VoiceConfig, input: VoiceInput): Promise<PreparedVoice> {
  const type = checkAudio(config, input.bytes, input.mimeType);
  const before = await voiceAllowance(db, { visitorId: input.visitorId, clientMessageId: input.clientMessageId, rateLimit: 0, ipRateLimit: 0 });
  if (before) return before;
  const started = preciseNow();
  const transcript = await transcribe(config, input.bytes, type);
  const ended = preciseNow();
  const observation: Observation = {
    id: randomUUID(), parent_id: null, position: 0, kind: "transcription", name: config.sttModel!, status: "ok",
    started_at: isoMicros(started), ended_at: isoMicros(ended), duration_ms: Math.round(ended - started),
    arguments: { mime_type: type, bytes: input.bytes.byteLength },
  };
  if (!transcript) throw new AppError("bad_request:voice", "No speech was heard in the recording. Try again, or type your message.");
  const name = `${randomUUID()}.${extensionOf[type]}`;
  const store = audioStore(config);
  await store.put(name, input.bytes, type);
  let won: { audio_url: string; transcript: string };
  try {
    won = await db.rpc("register_voice_message", {
      p_user_id: input.visitorId, p_client_message_id: input.clientMessageId, p_audio_url: audioUrl(name), p_transcript: transcript,
    });
  } catch (error) {
    await store.delete(name).catch(() => undefined);
    throw error;
  }
  if (won.audio_url !== audioUrl(name)) {
    // another attempt with the same clientMessageId registered first: this copy is nobody's
    await store.delete(name);
    return { transcript: won.transcript, audioUrl: won.audio_url, observation: null };
  }
  // kept beside the registration, so a retry (a rate-limited WhatsApp turn) still has the step
  await db.rpc("record_voice_transcription", { p_user_id: input.visitorId, p_client_message_id: input.clientMessageId, p_step: { ...observation } });
  return { transcript: won.transcript, audioUrl: won.audio_url, observation };
}

/**
 * With TTS_MODEL: the reply spoken, stored and set as its audio_url, with the speech recorded as a step
 * of the turn (record_reply_speech: kind 'speech', its duration and, when llm_models prices the model, its
 * cost). A failure leaves the text reply alone.
 */
export async function speakReply(db: Database, config: VoiceConfig, reply: { id: string; content: string }): Promise<string | null> {
  if (!config.enabled || !config.ttsModel || !reply.content.trim()) return null;
  try {
    const started = preciseNow();
    const audio = await speak(config, reply.content);
    const ended = preciseNow();
    const name = `${randomUUID()}.mp3`;
    const store = audioStore(config);
    await store.put(name, audio.bytes, audio.mimeType);
    const r = await db.rpc("record_reply_speech", {
      p_message_id: reply.id, p_audio_url: audioUrl(name), p_model: config.ttsModel, p_started_at: isoMicros(started),
      p_ended_at: isoMicros(ended), p_characters: spokenText(reply.content).length,
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

import { z } from "zod";
import { optionalText as optional, parseSettings, unsetIfBlank } from "../env-fields";

// Speech settings (README "Voice"): transcription through an OpenAI-compatible
// /v1/audio/transcriptions (STT_BASE_URL and STT_API_KEY default to LLM_BASE_URL and
// LLM_API_KEY); with TTS_MODEL the reply is also spoken through /v1/audio/speech.
// Voice is on when STT_MODEL and a base URL are set.

const schema = z.object({
  LLM_BASE_URL: optional,
  LLM_API_KEY: optional,
  STT_BASE_URL: unsetIfBlank(z.url().optional()),
  STT_API_KEY: optional,
  STT_MODEL: optional,
  TTS_MODEL: optional,
  TTS_VOICE: unsetIfBlank(z.string().max(64).default("alloy")),
  VOICE_MAX_BYTES: unsetIfBlank(z.coerce.number().int().min(1024).max(25 * 1024 * 1024).default(5 * 1024 * 1024)),
  AUDIO_DIR: optional,
  AUDIO_BUCKET: unsetIfBlank(z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/).default("voice")),
  PGLITE_DIR: unsetIfBlank(z.string().default(".data/pglite")),
});

/** The recordings accepted (what MediaRecorder and WhatsApp produce, and the common uploads). */
export const audioTypes = ["audio/webm", "audio/ogg", "audio/mpeg", "audio/mp4", "audio/wav", "audio/x-wav", "audio/aac", "audio/amr"] as const;

export interface VoiceConfig {
  enabled: boolean;
  baseUrl?: string;
  apiKey?: string;
  sttModel?: string;
  ttsModel?: string;
  ttsVoice: string;
  maxBytes: number;
  audioDir?: string;
  pgliteDir: string;
  bucket: string;
}

export function voiceConfig(source: Record<string, string | undefined> = process.env): VoiceConfig {
  const e = parseSettings(schema, source, "voice");
  const baseUrl = (e.STT_BASE_URL ?? e.LLM_BASE_URL)?.replace(/\/+$/, "");
  return {
    enabled: Boolean(e.STT_MODEL && baseUrl),
    baseUrl,
    apiKey: e.STT_API_KEY ?? e.LLM_API_KEY,
    sttModel: e.STT_MODEL,
    ttsModel: e.TTS_MODEL,
    ttsVoice: e.TTS_VOICE,
    maxBytes: e.VOICE_MAX_BYTES,
    audioDir: e.AUDIO_DIR,
    pgliteDir: e.PGLITE_DIR,
    bucket: e.AUDIO_BUCKET,
  };
}

/** The base type of a Content-Type ("audio/ogg; codecs=opus" → "audio/ogg"), if accepted. */
export function acceptedType(contentType: string | null | undefined): string | null {
  const base = (contentType ?? "").split(";")[0].trim().toLowerCase();
  return (audioTypes as readonly string[]).includes(base) ? base : null;
}

export const extensionOf: Record<string, string> = {
  "audio/webm": "webm", "audio/ogg": "ogg", "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/wav": "wav",
  "audio/x-wav": "wav", "audio/aac": "aac", "audio/amr": "amr",
};

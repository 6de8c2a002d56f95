import { AppError } from "../errors";
import { extensionOf, type VoiceConfig } from "./config";

// The OpenAI-compatible audio endpoints: POST {base}/audio/transcriptions (multipart: file,
// model → {text}) and POST {base}/audio/speech ({model, input, voice} → audio bytes).

const timeoutMs = 60_000;

function headers(config: VoiceConfig): Record<string, string> {
  return config.apiKey ? { Authorization: `Bearer ${config.apiKey}` } : {};
}

export async function transcribe(config: VoiceConfig, bytes: Uint8Array, mimeType: string): Promise<string> {
  const form = new FormData();
  form.set("file", new Blob([Buffer.from(bytes)], { type: mimeType }), `voice.${extensionOf[mimeType] ?? "webm"}`);
  form.set("model", config.sttModel!);
  form.set("response_format", "json");
  let res: Response;
  try {
    res = await fetch(`${config.baseUrl}/audio/transcriptions`, { method: "POST", headers: headers(config), body: form, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new AppError("bad_gateway:voice", "The speech service did not answer. Try again.", { cause: error });
  }
  if (!res.ok) throw new AppError("bad_gateway:voice", `The speech service answered ${res.status}. Try again.`);
  const body = (await res.json().catch(() => null)) as { text?: unknown } | null;
  if (typeof body?.text !== "string") throw new AppError("bad_gateway:voice", "The speech service sent no transcript.");
  return body.text.trim().slice(0, 4000);
}

/** What the speech endpoint is sent (its input limit): also what a speech step's characters count. */
export const spokenText = (text: string) => text.slice(0, 4096);

export async function speak(config: VoiceConfig, text: string): Promise<{ bytes: Uint8Array; mimeType: string }> {
  const res = await fetch(`${config.baseUrl}/audio/speech`, {
    method: "POST",
    headers: { ...headers(config), "Content-Type": "application/json" },
    body: JSON.stringify({ model: config.ttsModel, input: spokenText(text), voice: config.ttsVoice, response_format: "mp3" }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`speech answered ${res.status}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), mimeType: "audio/mpeg" };
}

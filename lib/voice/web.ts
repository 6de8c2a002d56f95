import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { chatTurn } from "../chat/turn-response";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { readBytes } from "../http/body";
import { pathParam } from "../http/params";
import { clientIp, newVisitor, visitorFor, type Visitor } from "../http/visitor";
import { env } from "../env";
import { mayHearAudio } from "./access";
import { audioName, audioStore } from "./store";
import { voiceConfig } from "./config";
import { prepareVoice, RetiredVisitor, speakReply, voiceAllowance } from "./message";

// POST /api/chat/voice: multipart/form-data with `audio` (the recording) and the chat body's
// optional fields; the transcript becomes the message of the same turn as POST /api/chat.

const fieldsSchema = z.object({
  sessionId: z.uuid("sessionId must be a uuid").optional(),
  clientMessageId: z.uuid("clientMessageId must be a uuid").optional(),
  agent: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "agent must be an agent key").optional(),
  tracking: z.enum(["true", "false"]).optional(),
  // "transcribe": store and transcribe only; the widget then sends the transcript as a normal
  // (streamed) turn with the same clientMessageId, and the stored question gets the audio_url
  mode: z.enum(["turn", "transcribe"]).optional(),
});

export function voiceStatus(): Response {
  const config = voiceConfig();
  return Response.json({ enabled: config.enabled, speech: Boolean(config.enabled && config.ttsModel), maxBytes: config.maxBytes }, { headers: { "Cache-Control": "no-store" } });
}

export async function voiceTurn(db: Database, request: Request): Promise<Response> {
  const config = voiceConfig();
  if (!config.enabled) throw new AppError("unavailable:voice", "Voice messages are not available here. Type your message instead.");
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) throw new AppError("unsupported_media_type:voice", "Send the recording as multipart/form-data with an `audio` file.");
  // the visitor and the voice limits before the upload is read (docs/channels.md, "Voice")
  let visitor: Visitor = await visitorFor(request, db);
  const e = env();
  // a new visitor is counted against their address's limit by voice_allowance itself (no extra round trip)
  const limits = () => ({
    visitorId: visitor.id, rateLimit: e.CHAT_RATE_LIMIT_PER_MINUTE, clientIp: clientIp(request), ipRateLimit: e.CHAT_RATE_LIMIT_PER_IP_PER_MINUTE,
    newVisitorLimit: visitor.newVisitorLimit,
  });
  await voiceAllowance(db, limits()).catch(async (error: unknown) => {
    if (!(error instanceof RetiredVisitor)) throw error;
    // a copy of a cookie whose history was deleted: a new visitor (docs/privacy.md)
    visitor = await newVisitor(request, db);
    await voiceAllowance(db, limits());
  });
  // counted once: the turn below does not count this new visitor again
  visitor = { id: visitor.id, setCookie: visitor.setCookie };
  const raw = await readBytes(request, config.maxBytes + 64 * 1024, "voice");
  let form: FormData;
  try {
    form = await new Request("http://local/", { method: "POST", headers: { "content-type": type }, body: Buffer.from(raw) }).formData();
  } catch {
    throw new AppError("bad_request:voice", "The form data could not be read.");
  }
  const audio = form.get("audio");
  if (!(audio instanceof Blob)) throw new AppError("bad_request:voice", "The `audio` file is missing.");
  const fields = fieldsSchema.safeParse(Object.fromEntries([...form.entries()].filter(([k, v]) => k !== "audio" && typeof v === "string")));
  if (!fields.success) throw new AppError("bad_request:voice", fields.error.issues[0]?.message ?? "invalid field");
  const clientMessageId = fields.data.clientMessageId ?? randomUUID();
  const voice = await prepareVoice(db, config, { visitorId: visitor.id, clientMessageId, bytes: new Uint8Array(await audio.arrayBuffer()), mimeType: audio.type });
  if (fields.data.mode === "transcribe") {
    // the turn that sends the transcript stores the step kept beside the registration (lib/chat/turn.ts)
    const headers = new Headers({ "Cache-Control": "no-store" });
    if (visitor.setCookie) headers.set("Set-Cookie", visitor.setCookie);
    return Response.json({ transcript: voice.transcript, audioUrl: voice.audioUrl, clientMessageId }, { headers });
  }
  const answer = await chatTurn(db, request, {
    message: voice.transcript,
    sessionId: fields.data.sessionId,
    agent: fields.data.agent,
    clientMessageId,
    observations: voice.observation ? [voice.observation] : undefined,
    tracking: fields.data.tracking === undefined ? undefined : fields.data.tracking === "true",
  }, visitor);
  if (!answer.ok) return answer;
  const result = (await answer.json()) as { reply: { id: string; content: string; audioUrl?: string | null } };
  result.reply.audioUrl = await speakReply(db, config, result.reply);
  const headers = new Headers(answer.headers);
  headers.delete("content-length");
  return Response.json({ ...result, transcript: voice.transcript, audioUrl: voice.audioUrl }, { headers });
}

/** GET /api/audio/{name}: a recording or spoken reply's random name. */
export const audioNameParam = pathParam(z.string().regex(audioName), "not_found:audio", "No such recording.");

/**
 * The stored audio for the visitor who owns it or an operator, never cached (nothing plays from a cache after an erasure);
 * anyone else gets the same 404 as for a name that does not exist (docs/channels.md).
 */
export async function audioResponse(request: Request, db: Database, name: string): Promise<Response> {
  const audio = (await mayHearAudio(request, db, name)) ? await audioStore(voiceConfig()).get(name) : null;
  if (!audio) throw new AppError("not_found:audio", "No such recording.");
  return new Response(Buffer.from(audio.bytes), { headers: { "Content-Type": audio.mimeType, "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff" } });
}

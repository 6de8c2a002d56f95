import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { WhatsAppConfig } from "@/lib/channels/whatsapp/config";
import { handleInbound } from "@/lib/channels/whatsapp/inbound";
import { startAudioServer, type AudioServer } from "../support/audio-server";
import { backends, databaseFor } from "../support/databases";
import { startGraphServer, type GraphServer } from "../support/graph-server";
import { begin, finish } from "./turn-helpers";

// A WhatsApp message through the chat turn (lib/channels/whatsapp/inbound.ts) on a real database,
// with stand-ins for the Graph API and speech-to-text (docs/reliability.md, "Holes closed"): a voice
// note whose turn was rate limited is not downloaded or transcribed again on retry, and a tapped list
// row is recorded as the visitor's words even when several rows share an action.

let stt: AudioServer;
let graph: GraphServer;
const audioDir = mkdtempSync(path.join(os.tmpdir(), "threadline-wa-voice-"));
beforeAll(async () => {
  stt = await startAudioServer();
  graph = await startGraphServer({ token: "tok", phoneNumberId: "42" });
  vi.stubEnv("STT_BASE_URL", stt.baseURL);
  vi.stubEnv("STT_MODEL", "whisper-1");
  vi.stubEnv("STT_API_KEY", "k");
  vi.stubEnv("AUDIO_DIR", audioDir);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await stt?.close();
  await graph?.stop();
});

const waId = () => `1555${Math.floor(Math.random() * 1e8).toString().padStart(8, "0")}`;
const config = (): WhatsAppConfig => ({
  enabled: true, appSecret: "s", accessToken: "tok", phoneNumberId: "42", graphUrl: graph.url, pollMs: 1000, retryBaseMs: 1, retryMaxMs: 1, maxAttempts: 8,
});

describe.each(backends)("WhatsApp inbound on $name", ({ open }) => {
  const t = databaseFor(open);

  it("a voice note whose turn is rate limited is transcribed once however often it is retried; the retry that goes through uses that transcript", async () => {
    const from = waId();
    const mediaId = `media-${randomUUID()}`;
    graph.addMedia(mediaId, new Uint8Array(3000).fill(5), "audio/ogg");
    stt.transcript = "do you have camp mugs";
    // the sender's visitor is the keyed hash of the number (docs/privacy.md)
    const { user_id: user } = await t.db.rpc("whatsapp_visitor", { p_wa_id: from });
    const row = { id: `wamid.${randomUUID()}`, from, visitorId: user, message: { type: "audio" as const, mediaId, mimeType: "audio/ogg" } };
    // the sender is over the chat limit in this minute
    const over = () => t.sql("insert into rate_limit_buckets (bucket, window_start, hits) values ($1, date_trunc('minute', now()), 100000) on conflict (bucket, window_start) do update set hits = 100000", [`chat:${user}`]);
    await over();
    const before = stt.transcriptions.length;
    const filesBefore = readdirSync(audioDir).length;
    for (let i = 0; i < 4; i++) {
      await over();
      await expect(handleInbound(t.db, config(), row)).rejects.toMatchObject({ code: "rate_limit:chat" });
    }
    expect(stt.transcriptions.length - before).toBe(1);
    expect(readdirSync(audioDir).length - filesBefore).toBe(1);
    await t.sql("delete from rate_limit_buckets where bucket = $1", [`chat:${user}`]);
    expect(await handleInbound(t.db, config(), row)).toEqual({ kind: "turn" });
    expect(stt.transcriptions.length - before).toBe(1);
    const [question] = await t.sql<{ content: string; audio_url: string | null }>(
      "select content, audio_url from conversation_messages where user_id = $1 and role = 'user'", [user]);
    expect(question.content).toBe("do you have camp mugs");
    expect(question.audio_url).toMatch(/^\/api\/audio\/.+\.ogg$/);
    // the transcription step kept beside the registration reached the trace
    const steps = await t.sql<{ kind: string }>("select kind from llm_observations where user_id = $1 and kind = 'transcription'", [user]);
    expect(steps).toHaveLength(1);
  });

  it("a tapped list row is recorded with its own label, also when the rows share one action", async () => {
    const from = waId();
    const { user_id: user } = await t.db.rpc("whatsapp_visitor", { p_wa_id: from });
    const talk = await begin(t.db, user, { p_message: "mugs please", p_channel: "whatsapp", p_client_message_id: randomUUID() });
    const labels = ["10 mugs", "20 mugs", "50 mugs", "100 mugs"];
    const done = await finish(t.db, talk.user_message.id, {
      p_content: "How many?", p_metadata: { buttons: labels.map((label) => ({ label, action: { id: "quantity" } })) },
    });
    const row = { id: `wamid.${randomUUID()}`, from, visitorId: user, message: { type: "button" as const, buttonId: `tl:${done.reply.id}:2`, title: "50 mugs" } };
    expect(await handleInbound(t.db, config(), row)).toEqual({ kind: "turn" });
    const questions = await t.sql<{ content: string }>("select content from conversation_messages where user_id = $1 and role = 'user' order by seq", [user]);
    expect(questions.map((q) => q.content)).toEqual(["mugs please", "50 mugs"]);
  });
});

import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sign } from "@/lib/channels/whatsapp/signature";
import type { App } from "../support/app";
import { startAudioServer, type AudioServer } from "../support/audio-server";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";
import { startGraphServer, type GraphServer } from "../support/graph-server";

// Voice messages against `next start` and stand-ins for the OpenAI audio endpoints and the
// Graph API (docs/channels.md, "Voice"): the transcript is the message, with its audio_url.
let app: App;
let audio: AudioServer;
let graph: GraphServer;
let db: pg.Pool;
const maxBytes = 20_000;
const audioDir = mkdtempSync(path.join(os.tmpdir(), "threadline-audio-"));
const adminToken = "operator-token-for-voice-tests-32-chars";
const operator = { authorization: `Bearer ${adminToken}` };

beforeAll(async () => {
  audio = await startAudioServer();
  graph = await startGraphServer({ token: "tok", phoneNumberId: "42" });
  ({ app, db } = await startAppOnFreshDatabase({
    SESSION_SECRET: "test-session-secret",
    ADMIN_TOKEN: adminToken,
    STT_BASE_URL: audio.baseURL,
    STT_API_KEY: "stt-key",
    STT_MODEL: "whisper-1",
    TTS_MODEL: "tts-1",
    VOICE_MAX_BYTES: String(maxBytes),
    AUDIO_DIR: audioDir,
    WHATSAPP_APP_SECRET: "secret",
    WHATSAPP_ACCESS_TOKEN: "tok",
    WHATSAPP_PHONE_NUMBER_ID: "42",
    WHATSAPP_GRAPH_URL: graph.url,
    WHATSAPP_POLL_MS: "200",
  }, 3));
});
afterAll(async () => {
  await stopAppAndPool(app, db);
  await audio?.close();
  await graph?.stop();
});

const recording = (size: number, type = "audio/webm") => new Blob([new Uint8Array(size).fill(7)], { type });

function voice(v: Visitor, file: Blob, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set("audio", file, "voice.webm");
  for (const [k, val] of Object.entries(fields)) form.set(k, val);
  return v.request("/api/chat/voice", { method: "POST", body: form });
}

it("says that voice is on", async () => {
  const res = await fetch(`${app.url}/api/chat/voice`);
  expect(await res.json()).toEqual({ enabled: true, speech: true, maxBytes });
});

it("a web voice message: the transcript is the visitor's message, stored with its audio_url; the reply is spoken", async () => {
  audio.transcript = "do you have running shoes";
  const v = new Visitor(app.url);
  const res = await voice(v, recording(5000), { agent: "product_recommendation" });
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ transcript: "do you have running shoes", audioUrl: expect.stringMatching(/^\/api\/audio\/.+\.webm$/) });
  expect(body.reply.audioUrl).toMatch(/^\/api\/audio\/.+\.mp3$/);
  expect(audio.transcriptions.at(-1)).toMatchObject({ model: "whisper-1", fileType: "audio/webm", fileSize: 5000, auth: "Bearer stt-key" });
  expect(audio.speeches.at(-1)).toMatchObject({ model: "tts-1", input: body.reply.content });
  const rows = (await db.query("select role, content, audio_url from conversation_messages where session_id = $1 order by seq", [body.sessionId])).rows;
  expect(rows).toEqual([
    { role: "user", content: "do you have running shoes", audio_url: body.audioUrl },
    { role: "agent", content: body.reply.content, audio_url: body.reply.audioUrl },
  ]);
  const steps = (await db.query("select kind, name, duration_ms >= 0 as timed from llm_observations where session_id = $1 order by started_at, position", [body.sessionId])).rows;
  expect(steps[0]).toEqual({ kind: "transcription", name: "whisper-1", timed: true });
  expect(steps.some((x) => x.kind === "generation")).toBe(true);
  // the visitor hears their own recording and reply
  const stored = await v.request(body.audioUrl);
  expect(stored.headers.get("content-type")).toBe("audio/webm");
  expect((await stored.arrayBuffer()).byteLength).toBe(5000);
  expect((await v.request(body.reply.audioUrl)).status).toBe(200);
  expect((await v.request("/api/audio/00000000-0000-4000-8000-000000000000.webm")).status).toBe(404);
});

it("the widget's two steps (transcribe, then the transcript as a chat turn) leave the transcription step in the trace", async () => {
  audio.transcript = "a warm sleeping bag";
  const v = new Visitor(app.url);
  const clientMessageId = crypto.randomUUID();
  const transcribed = await voice(v, recording(3000), { mode: "transcribe", clientMessageId });
  expect(transcribed.status).toBe(200);
  const { transcript, audioUrl } = await transcribed.json();
  expect(transcript).toBe("a warm sleeping bag");
  const r = await v.chat({ message: transcript, clientMessageId, agent: "product_recommendation" });
  const [question] = (await db.query("select id, audio_url from conversation_messages where session_id = $1 and role = 'user'", [r.sessionId])).rows;
  expect(question.audio_url).toBe(audioUrl);
  const steps = (await db.query("select kind, name, message_id from llm_observations where session_id = $1 order by started_at, position", [r.sessionId])).rows;
  expect(steps[0]).toEqual({ kind: "transcription", name: "whisper-1", message_id: question.id });
  expect(steps.filter((x) => x.kind === "transcription")).toHaveLength(1);
  expect(steps.some((x) => x.kind === "generation")).toBe(true);
  // a typed turn after it records no transcription
  await v.chat({ message: "and a tent", sessionId: r.sessionId });
  const after = (await db.query("select count(*)::int as n from llm_observations where session_id = $1 and kind = 'transcription'", [r.sessionId])).rows;
  expect(after).toEqual([{ n: 1 }]);
});

it("oversized or wrong-type audio is refused with a typed error and nothing is stored", async () => {
  const v = new Visitor(app.url);
  const calls = audio.transcriptions.length;
  const before = (await db.query("select count(*)::int as n from voice_messages")).rows[0].n;
  const files = readdirSync(audioDir).length;
  const cases: [Blob, number, string][] = [
    [recording(maxBytes + 1), 413, "payload_too_large:voice"],
    [recording(100, "text/plain"), 415, "unsupported_media_type:voice"],
    [recording(100, "image/png"), 415, "unsupported_media_type:voice"],
    [recording(0), 400, "bad_request:voice"],
  ];
  for (const [file, status, code] of cases) {
    const res = await voice(v, file);
    expect(res.status, code).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  }
  const form = new FormData();
  form.set("audio", recording(100), "voice.webm");
  const crossSite = await v.request("/api/chat/voice", { method: "POST", body: form, headers: { origin: "https://evil.example" } });
  expect(crossSite.status).toBe(403);
  expect((await crossSite.json()).error.code).toBe("forbidden:origin");
  const notMultipart = await v.post("/api/chat/voice", { audio: "x" });
  expect(notMultipart.status).toBe(415);
  expect(audio.transcriptions.length).toBe(calls);
  expect(readdirSync(audioDir)).toHaveLength(files);
  expect((await db.query("select count(*)::int as n from voice_messages")).rows[0].n).toBe(before);
  const visitorId = decodeURIComponent(v.cookie.split("=")[1] ?? "").split(".")[0];
  if (visitorId) expect((await db.query("select count(*)::int as n from conversation_messages where user_id = $1", [visitorId])).rows[0].n).toBe(0);
});

it("a WhatsApp voice note is fetched from the Graph media URL, transcribed, stored with its audio_url and answered", async () => {
  audio.transcript = "menu";
  const from = "15557654321";
  graph.addMedia("media-77", new Uint8Array(3000).fill(3), "audio/ogg");
  const raw = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{ id: "W", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "42" },
      messages: [{ from, id: "wamid.voice.1", timestamp: "1", type: "audio", audio: { id: "media-77", mime_type: "audio/ogg; codecs=opus", voice: true } }] } }] }],
  });
  const res = await fetch(`${app.url}/api/channels/whatsapp`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw, "secret") }, body: raw });
  expect(res.status).toBe(200);
  // the menu as buttons, then (TTS_MODEL) the spoken reply as an audio message of an uploaded file
  const [sent, spoken] = await graph.waitFor(from, 2);
  expect(sent.type).toBe("interactive");
  expect(spoken.body).toMatchObject({ type: "audio", audio: { id: expect.stringMatching(/^media-upload-/) } });
  // the visitor is the keyed hash of the number (docs/privacy.md), never the number itself
  const rows = (await db.query("select role, content, audio_url from conversation_messages where user_id = public.whatsapp_visitor($1) ->> 'user_id' order by seq", [from])).rows;
  expect(rows[0]).toMatchObject({ role: "user", content: "menu", audio_url: expect.stringMatching(/^\/api\/audio\/.+\.ogg$/) });
  expect(rows[1]).toMatchObject({ role: "agent", audio_url: expect.stringMatching(/^\/api\/audio\/.+\.mp3$/) });
  // the operator hears it (the WhatsApp visitor got it through the Graph API, never from here)
  const file = await fetch(app.url + rows[0].audio_url, { headers: operator });
  expect((await file.arrayBuffer()).byteLength).toBe(3000);
});

it("a recording is heard only by its visitor and operators: another visitor, no cookie or a forged one get the 404 of a missing name", async () => {
  audio.transcript = "is this private";
  const owner = new Visitor(app.url);
  const body = await (await voice(owner, recording(1200), { agent: "product_recommendation" })).json();
  const stranger = new Visitor(app.url);
  await stranger.chat({ message: "hi" });
  for (const url of [body.audioUrl, body.reply.audioUrl]) {
    expect((await owner.request(url)).status).toBe(200);
    expect((await fetch(app.url + url, { headers: operator })).status).toBe(200);
    for (const res of [
      await stranger.request(url),
      await fetch(app.url + url),
      await fetch(app.url + url, { headers: { cookie: owner.cookie.replace(/.$/, (c) => (c === "a" ? "b" : "a")) } }),
      await fetch(app.url + url, { headers: { authorization: "Bearer not-the-operator-token-but-32-chars-long" } }),
    ]) {
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("not_found:audio");
    }
  }
  // names are random uuids: a guessed name is refused the same way, even to the owner
  expect((await owner.request(`/api/audio/${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}.mp3`)).status).toBe(404);
  expect(body.audioUrl).toMatch(/^\/api\/audio\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.webm$/);
});

it("the spoken reply is a 'speech' step of the turn, after the transcription and the generation", async () => {
  audio.transcript = "what tents do you have";
  const v = new Visitor(app.url);
  const body = await (await voice(v, recording(900), { agent: "product_recommendation" })).json();
  const steps = (await db.query("select kind, name, duration_ms >= 0 as timed from llm_observations where session_id = $1 order by started_at, position", [body.sessionId])).rows;
  expect(steps.at(-1)).toEqual({ kind: "speech", name: "tts-1", timed: true });
  expect(steps.map((x) => x.kind)).toContain("transcription");
});

it("erasing a visitor deletes their audio files from the folder", async () => {
  audio.transcript = "forget me";
  const v = new Visitor(app.url);
  const body = await (await voice(v, recording(700), { agent: "product_recommendation" })).json();
  const mine = [body.audioUrl, body.reply.audioUrl].map((u: string) => u.split("/").pop()!);
  expect(readdirSync(audioDir)).toEqual(expect.arrayContaining(mine));
  const erased = await v.request("/api/visitor", { method: "DELETE" });
  expect(erased.status).toBe(200);
  const left = readdirSync(audioDir);
  expect(mine.filter((n) => left.includes(n))).toEqual([]);
  expect((await db.query("select count(*)::int as n from audio_deletions")).rows[0].n).toBe(0);
  expect((await fetch(app.url + body.audioUrl, { headers: operator })).status).toBe(404);
});

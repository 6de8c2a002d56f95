import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import type { VoiceConfig } from "@/lib/voice/config";
import { sweepUnnamedAudio } from "@/lib/voice/deletions";
import { prepareVoice, voiceAllowance } from "@/lib/voice/message";
import { audioStore } from "@/lib/voice/store";
import { startAudioServer, type AudioServer } from "../support/audio-server";
import { backends, databaseFor } from "../support/databases";
import { begin, visitor } from "./turn-helpers";

// Voice spend (docs/reliability.md, "Holes closed"): a voice message counts against the voice limits
// before its audio is read or transcribed, a registered recording is never transcribed again, and
// no file outlives its attempt without a row naming it. The speech-to-text calls are counted on
// the OpenAI audio stand-in.

let stt: AudioServer;
beforeAll(async () => {
  stt = await startAudioServer();
});
afterAll(() => stt?.close());

const configIn = (dir: string): VoiceConfig => ({
  enabled: true, baseUrl: stt.baseURL, apiKey: "k", sttModel: "whisper-1", ttsVoice: "alloy", maxBytes: 100_000, audioDir: dir, pgliteDir: dir, bucket: "voice",
});
const bytes = new Uint8Array(2000).fill(7);

/** The start of a minute's window with at least 20 s left, so 30 calls share one window. */
async function freshWindow() {
  const s = new Date().getSeconds();
  if (s > 40) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
}

describe.each(backends)("voice limits on $name", ({ open }) => {
  const t = databaseFor(open);
  const named = async () => new Set((await t.sql<{ url: string }>(
    "select audio_url as url from voice_messages union select audio_url from conversation_messages where audio_url is not null")).map((r) => r.url.slice("/api/audio/".length)));

  it("30 transcribe calls in a minute from one visitor with a 5/min limit: 5 speech-to-text calls, 25 × rate_limit:voice, no file without a row", { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-voice-limit-"));
    const config = configIn(dir);
    const ana = visitor();
    await freshWindow();
    const before = stt.transcriptions.length;
    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++) {
      try {
        // as POST /api/chat/voice does: the limit, then (only then) the upload
        await voiceAllowance(t.db, { visitorId: ana, rateLimit: 5, clientIp: "203.0.113.9", ipRateLimit: 600 });
        await prepareVoice(t.db, config, { visitorId: ana, clientMessageId: randomUUID(), bytes, mimeType: "audio/webm" });
        outcomes.push("ok");
      } catch (error) {
        outcomes.push(isAppError(error) ? `${error.code} ${error.retryAfter! > 0}` : String(error));
      }
    }
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(5);
    expect(outcomes.filter((o) => o === "rate_limit:voice true")).toHaveLength(25);
    expect(stt.transcriptions.length - before).toBe(5);
    const files = readdirSync(dir);
    expect(files).toHaveLength(5);
    const rows = await named();
    expect(files.every((f) => rows.has(f))).toBe(true);
    // the chat limit is its own window: the visitor's turns still go through
    expect((await begin(t.db, ana, { p_message: "hi", p_rate_limit: 5 })).status).not.toBe("rate_limited");
  });

  it("the per-address voice limit counts across visitors", async () => {
    await freshWindow();
    const ip = `198.51.100.${Math.floor(Math.random() * 200)}`;
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      results.push(await voiceAllowance(t.db, { visitorId: visitor(), rateLimit: 5, clientIp: ip, ipRateLimit: 3 }).then(() => "ok", (e) => e.code));
    }
    expect(results).toEqual(["ok", "ok", "ok", "rate_limit:voice"]);
  });

  it("a new visitor's voice message is counted against their address's new-visitor limit by voice_allowance itself, in the bucket begin_turn counts", async () => {
    await freshWindow();
    const ip = `192.0.2.${Math.floor(Math.random() * 200)}`;
    const outcomes: string[] = [];
    const voiceOf = (limit?: number) =>
      voiceAllowance(t.db, { visitorId: visitor(), rateLimit: 100, clientIp: ip, ipRateLimit: 100, newVisitorLimit: limit }).then(() => "ok", (e) => e.code);
    outcomes.push(await voiceOf(3), await voiceOf(3));
    // the chat turn's count shares the `visitors:<ip>` bucket
    outcomes.push((await begin(t.db, visitor(), { p_client_ip: ip, p_new_visitor_limit: 3 })).status);
    // the fourth new visitor gets the chat's new-visitor answer (429 rate_limit:chat), not the voice limit's
    const refused = await voiceAllowance(t.db, { visitorId: visitor(), rateLimit: 100, clientIp: ip, ipRateLimit: 100, newVisitorLimit: 3 }).catch((e: unknown) => e);
    expect(isAppError(refused) && { code: refused.code, status: refused.status }).toEqual({ code: "rate_limit:chat", status: 429 });
    expect(outcomes).toEqual(["ok", "ok", "started"]);
    const hits = async (bucket: string) => (await t.sql<{ hits: number }>("select hits from rate_limit_buckets where bucket = $1", [bucket]))[0]?.hits ?? 0;
    expect(await hits(`visitors:${ip}`)).toBe(4);
    // the refused one counted nothing against the voice limits; a known visitor (no limit passed) is not counted
    expect(await hits(`voice-ip:${ip}`)).toBe(2);
    expect(await voiceOf()).toBe("ok");
    expect(await hits(`visitors:${ip}`)).toBe(4);
  });

  it("a retried or concurrent recording with one clientMessageId is transcribed once and leaves one file; a retry over the limit still gets its registration", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-voice-retry-"));
    const config = configIn(dir);
    const bob = visitor();
    const id = randomUUID();
    const first = await prepareVoice(t.db, config, { visitorId: bob, clientMessageId: id, bytes, mimeType: "audio/webm" });
    const count = stt.transcriptions.length;
    for (let i = 0; i < 5; i++) {
      const again = await prepareVoice(t.db, config, { visitorId: bob, clientMessageId: id, bytes, mimeType: "audio/webm" });
      expect(again.audioUrl).toBe(first.audioUrl);
      // the step kept beside the registration, with a new id each time (a retried turn stores it)
      expect(again.observation).toMatchObject({ kind: "transcription", name: "whisper-1" });
      expect(again.observation!.id).not.toBe(first.observation!.id);
    }
    expect(stt.transcriptions.length).toBe(count);
    // a WhatsApp retry: the registration answers before any limit is counted
    for (let i = 0; i < 3; i++) {
      expect(await voiceAllowance(t.db, { visitorId: bob, clientMessageId: id, rateLimit: 1, ipRateLimit: 0 })).toMatchObject({ transcript: first.transcript, audioUrl: first.audioUrl });
    }
    // two attempts at once: both may transcribe, but the loser's file is deleted
    const race = randomUUID();
    const both = await Promise.all([0, 1].map(() => prepareVoice(t.db, config, { visitorId: bob, clientMessageId: race, bytes, mimeType: "audio/webm" })));
    expect(both[0].audioUrl).toBe(both[1].audioUrl);
    expect(readdirSync(dir).sort()).toEqual([first.audioUrl, both[0].audioUrl].map((u) => u.slice("/api/audio/".length)).sort());
  });

  it("the sweep deletes the files no row names (a crash between writing and registering) and keeps the named ones", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-voice-sweep-"));
    const config = configIn(dir);
    const kept = await prepareVoice(t.db, config, { visitorId: visitor(), clientMessageId: randomUUID(), bytes, mimeType: "audio/webm" });
    const orphans = [`${randomUUID()}.webm`, `${randomUUID()}.ogg`];
    const fresh = `${randomUUID()}.webm`;
    const old = new Date(Date.now() - 3_600_000);
    for (const n of orphans) {
      writeFileSync(path.join(dir, n), "audio");
      utimesSync(path.join(dir, n), old, old);
    }
    utimesSync(path.join(dir, kept.audioUrl.slice("/api/audio/".length)), old, old);
    writeFileSync(path.join(dir, fresh), "being registered");
    expect(await sweepUnnamedAudio(t.db, audioStore(config), 600_000)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual([kept.audioUrl.slice("/api/audio/".length), fresh].sort());
    expect(await t.sql("select 1 from audio_deletions where name = any($1)", [orphans])).toEqual([]);
  });
});

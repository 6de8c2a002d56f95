import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { VoiceConfig } from "@/lib/voice/config";
import { deleteQueuedAudio } from "@/lib/voice/deletions";
import { audioStore } from "@/lib/voice/store";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// Voice messages (docs/channels.md, "Voice"): a recording registered under a clientMessageId gives
// the question begin_turn stores with that id its audio_url, in the same transaction; a replay
// stores nothing twice; a spoken reply's audio_url is set once.

describe.each(backends)("voice messages on $name", ({ open }) => {
  const t = databaseFor(open);

  it("the question carries the registered recording; the first registration wins", async () => {
    const user = visitor();
    const id = randomUUID();
    const first = await t.db.rpc("register_voice_message", { p_user_id: user, p_client_message_id: id, p_audio_url: "/api/audio/a.webm", p_transcript: "do you sell tents" });
    const again = await t.db.rpc("register_voice_message", { p_user_id: user, p_client_message_id: id, p_audio_url: "/api/audio/b.webm", p_transcript: "other" });
    expect(again).toEqual(first);
    const begun = await begin(t.db, user, { p_message: "do you sell tents", p_client_message_id: id });
    const [row] = await t.sql<{ audio_url: string | null }>("select audio_url from conversation_messages where id = $1", [begun.user_message!.id]);
    expect(row.audio_url).toBe("/api/audio/a.webm");
    // a typed message of another visitor with the same id gets no audio
    const other = await begin(t.db, visitor(), { p_message: "hi", p_client_message_id: id });
    const [plain] = await t.sql<{ audio_url: string | null }>("select audio_url from conversation_messages where id = $1", [other.user_message!.id]);
    expect(plain.audio_url).toBeNull();

    const done = await finish(t.db, begun.user_message!.id);
    expect(await t.db.rpc("set_reply_audio", { p_message_id: done.reply.id, p_audio_url: "/api/audio/r.mp3" })).toEqual({ set: true });
    expect(await t.db.rpc("set_reply_audio", { p_message_id: done.reply.id, p_audio_url: "/api/audio/x.mp3" })).toEqual({ set: false });
    expect(await t.db.rpc("set_reply_audio", { p_message_id: begun.user_message!.id, p_audio_url: "/api/audio/x.mp3" })).toEqual({ set: false });
  });

  it("a spoken reply is a 'speech' step of its turn, with its duration, and a cost when the model has a price", async () => {
    await t.sql("insert into llm_models (key, name, provider, input_price_per_million) values ('tts-priced', 'TTS', 'openai_compatible', 15) on conflict do nothing");
    const speak = async (model: string, chars: number) => {
      const user = visitor();
      const begun = await begin(t.db, user, { p_message: "tell me about tents" });
      const done = await finish(t.db, begun.user_message!.id);
      const started = new Date(Date.now() - 250).toISOString();
      const args = { p_message_id: done.reply.id, p_model: model, p_started_at: started, p_ended_at: new Date().toISOString(), p_characters: chars };
      const r = await t.db.rpc("record_reply_speech", { ...args, p_audio_url: `/api/audio/${randomUUID()}.mp3` });
      const again = await t.db.rpc("record_reply_speech", { ...args, p_audio_url: `/api/audio/${randomUUID()}.mp3` });
      const steps = await t.sql<{ kind: string; name: string; message_id: string; position: number; duration_ms: number; cost_usd: string | null }>(
        "select kind, name, message_id, position, duration_ms, cost_usd::text from llm_observations where session_id = $1 order by position", [begun.session.id]);
      const [trace] = await t.sql<{ cost_usd: string }>("select cost_usd::text from llm_traces where session_id = $1", [begun.session.id]);
      return { r, again, steps, trace, question: begun.user_message!.id };
    };
    const free = await speak("tts-unpriced", 120);
    expect(free.r).toMatchObject({ set: true, cost_usd: null });
    expect(free.again).toMatchObject({ set: false, observation_id: null });
    const speech = free.steps.filter((x) => x.kind === "speech");
    expect(speech).toEqual([expect.objectContaining({ name: "tts-unpriced", message_id: free.question, cost_usd: null })]);
    expect(speech[0].duration_ms).toBeGreaterThanOrEqual(250);
    expect(speech[0].position).toBe(Math.max(...free.steps.map((x) => x.position)));
    // 1,000 characters at $15 per million characters
    const paid = await speak("tts-priced", 1000);
    expect(Number(paid.r.cost_usd)).toBe(0.015);
    expect(paid.steps.find((x) => x.kind === "speech")?.cost_usd).toBe("0.01500000");
    expect(Number(paid.trace.cost_usd)).toBeCloseTo(0.015, 8);
  });

  it("a recording is the owner's: audio_owned_by answers for the visitor whose message or registration names it", async () => {
    const ana = visitor();
    const id = randomUUID();
    const url = `/api/audio/${randomUUID()}.webm`;
    const pending = `/api/audio/${randomUUID()}.webm`;
    await t.db.rpc("register_voice_message", { p_user_id: ana, p_client_message_id: id, p_audio_url: url, p_transcript: "hello" });
    await t.db.rpc("register_voice_message", { p_user_id: ana, p_client_message_id: randomUUID(), p_audio_url: pending, p_transcript: "later" });
    await begin(t.db, ana, { p_message: "hello", p_client_message_id: id });
    const owned = (u: string, who: string) => t.db.rpc("audio_owned_by", { p_audio_url: u, p_user_id: who }).then((r) => r.owned);
    expect(await owned(url, ana)).toBe(true);
    expect(await owned(pending, ana)).toBe(true);
    expect(await owned(url, visitor())).toBe(false);
    expect(await owned(`/api/audio/${randomUUID()}.webm`, ana)).toBe(false);
  });

  it("erasing a visitor queues every audio file they had; the files go from the store, and a crash before the queue is settled only delays it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-erase-audio-"));
    const store = audioStore({ enabled: true, ttsVoice: "alloy", maxBytes: 1024, audioDir: dir, pgliteDir: dir, bucket: "voice" } satisfies VoiceConfig);
    const eve = visitor();
    const names = [`${randomUUID()}.webm`, `${randomUUID()}.mp3`, `${randomUUID()}.webm`];
    for (const n of [...names, `${randomUUID()}.ogg`]) writeFileSync(path.join(dir, n), "audio");
    const kept = readdirSync(dir).find((n) => !names.includes(n))!;
    const id = randomUUID();
    await t.db.rpc("register_voice_message", { p_user_id: eve, p_client_message_id: id, p_audio_url: `/api/audio/${names[0]}`, p_transcript: "hi" });
    // a registration whose turn never ran
    await t.db.rpc("register_voice_message", { p_user_id: eve, p_client_message_id: randomUUID(), p_audio_url: `/api/audio/${names[2]}`, p_transcript: "x" });
    const begun = await begin(t.db, eve, { p_message: "hi", p_client_message_id: id });
    const done = await finish(t.db, begun.user_message!.id);
    await t.db.rpc("record_reply_speech", {
      p_message_id: done.reply.id, p_audio_url: `/api/audio/${names[1]}`, p_model: "tts-1", p_started_at: new Date().toISOString(),
      p_ended_at: new Date().toISOString(), p_characters: 10,
    });
    await t.sql("delete from audio_deletions");

    await t.db.rpc("erase_visitor", { p_user_id: eve, p_requested_by: "operator" });
    const queued = async () => (await t.sql<{ name: string }>("select name from audio_deletions order by name")).map((r) => r.name);
    expect(await queued()).toEqual([...names].sort());
    // the process dies after claiming (and maybe deleting) but before settling: the names stay queued
    const claimed = await t.db.rpc("queue_claim", { p_queue: "audio_deletions", p_lease_seconds: 300 });
    expect(claimed.map((r) => (r as { id: string }).id).sort()).toEqual([...names].sort());
    expect(await t.db.rpc("queue_claim", { p_queue: "audio_deletions" })).toEqual([]);
    expect(await deleteQueuedAudio(t.db, store)).toBe(0);
    expect(await queued()).toHaveLength(3);
    // the lease ends: the next pass deletes the files, then the names
    await t.sql("update audio_deletions set claimed_until = now()");
    expect(await deleteQueuedAudio(t.db, store)).toBe(3);
    expect(await queued()).toEqual([]);
    expect(readdirSync(dir)).toEqual([kept]);
  });
});

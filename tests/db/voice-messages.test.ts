import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
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
});

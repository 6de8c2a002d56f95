import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, rpcAs } from "./turn-helpers";

// The WhatsApp channel's queues (docs/channels.md): the inbox stores a delivered message once;
// an agent reply of a whatsapp session reaches the outbox in the transaction that stored it
// (begin_turn's menu, finish_turn's reply) and a web session's never does; claims are leased,
// settled with backoff, and a tapped button is found only in the tapper's own replies.

const waId = () => `1555${Math.floor(Math.random() * 1e8).toString().padStart(8, "0")}`;

/** The visitor id a number's turns run under: a keyed hash, never the number (docs/privacy.md). */
const visitorOf = async (db: Parameters<typeof begin>[0], from: string) => (await db.rpc("whatsapp_visitor", { p_wa_id: from })).user_id;

describe.each(backends)("the WhatsApp channel's queues on $name", ({ open }) => {
  const t = databaseFor(open);

  it("stores a delivered message once, however often Meta delivers it", async () => {
    const from = waId();
    const message = { id: `wamid.${randomUUID()}`, from, message: { type: "text", text: "hi" } };
    const first = await rpcAs<{ stored: string[] }>(t.db, "whatsapp_receive", { p_messages: [message] });
    const again = await rpcAs<{ stored: string[] }>(t.db, "whatsapp_receive", { p_messages: [message, message] });
    expect(first.stored).toEqual([message.id]);
    expect(again.stored).toEqual([]);
    const inbox = { p_queue: "whatsapp_inbox" as const, p_ids: [message.id] };
    const claimed = await rpcAs<{ id: string; user_id: string }[]>(t.db, "queue_claim", inbox);
    expect(claimed.map((r) => r.id)).toEqual([message.id]);
    // the claim names the sender's keyed-hash visitor: the message's turn needs no whatsapp_visitor round trip
    expect(claimed[0].user_id).toMatch(/^wa_[0-9a-f]{32}$/);
    expect(claimed[0].user_id).toBe(await visitorOf(t.db, from));
    // leased: a second worker gets nothing until it is settled or the lease ends
    expect(await t.db.rpc("queue_claim", inbox)).toEqual([]);
    await t.db.rpc("queue_fail", { ...inbox, p_error: "model down", p_base_ms: 1, p_max_ms: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect((await rpcAs<{ attempts: number }[]>(t.db, "queue_claim", inbox))[0].attempts).toBe(2);
    await t.db.rpc("queue_complete", inbox);
    expect(await t.db.rpc("queue_claim", inbox)).toEqual([]);
  });

  it("an agent reply of a whatsapp session is queued once with its buttons; a web session's is not", async () => {
    const from = waId();
    const user = await visitorOf(t.db, from);
    expect(user).toMatch(/^wa_[0-9a-f]{32}$/);
    const menu = await begin(t.db, user, { p_message: "menu", p_channel: "whatsapp", p_client_message_id: randomUUID() });
    expect(menu.session).toMatchObject({ channel: "whatsapp" });
    const talk = await begin(t.db, user, { p_message: "any headphones?", p_channel: "whatsapp", p_client_message_id: randomUUID() });
    await finish(t.db, talk.user_message!.id, { p_content: "Yes, these.", p_metadata: { buttons: [{ label: "A", action: { id: "product_details", payload: { sku: "A" } } }] } });
    await begin(t.db, `web-${randomUUID()}`, { p_message: "menu" });
    const rows = await rpcAs<{ id: number; wa_id: string; content: string; buttons: unknown[]; parts_sent: number }[]>(t.db, "queue_claim", { p_queue: "whatsapp_outbox", p_limit: 100 });
    const mine = rows.filter((r) => r.wa_id === from);
    expect(mine.map((r) => r.content)).toEqual([expect.stringMatching(/Product Recommendation/), "Yes, these."]);
    expect(mine.map((r) => r.buttons.length)).toEqual([3, 1]);
    expect(rows.every((r) => /^[0-9]+$/.test(r.wa_id))).toBe(true);

    const [row] = mine;
    await t.db.rpc("whatsapp_part_sent", { p_id: row.id, p_parts_sent: 1 });
    await t.db.rpc("queue_fail", { p_queue: "whatsapp_outbox", p_ids: [row.id], p_error: "graph down", p_base_ms: 1, p_max_ms: 1 });
    await new Promise((r) => setTimeout(r, 20));
    const retried = (await rpcAs<{ id: number; parts_sent: number; attempts: number }[]>(t.db, "queue_claim", { p_queue: "whatsapp_outbox", p_limit: 100 })).find((r) => r.id === row.id);
    expect(retried).toMatchObject({ parts_sent: 1, attempts: 2 });
    await t.db.rpc("queue_complete", { p_queue: "whatsapp_outbox", p_ids: [row.id] });
    const [sent] = await t.sql<{ sent: boolean }>("select sent_at is not null as sent from whatsapp_outbox where id = $1", [row.id]);
    expect(sent.sent).toBe(true);
  });

  it("a web visitor's reply fires no WhatsApp trigger at commit; a WhatsApp visitor's does", async () => {
    if (t.db.backend !== "postgres") return; // function call counts need PostgreSQL's statistics
    const user = await visitorOf(t.db, waId());
    // the deferred trigger made immediate and its function calls counted inside one rolled-back block
    const calls = async (visitorId: string, channel: string) => {
      const error = await t.sql(`do $$ begin
          perform set_config('track_functions', 'pl', true);
          set constraints all immediate;
          perform public.begin_turn(p_user_id => '${visitorId}', p_message => 'menu', p_channel => '${channel}');
          raise exception 'calls=%', coalesce(pg_stat_get_xact_function_calls('private.whatsapp_on_reply'::regproc), 0);
        end $$`).catch((e: Error) => e.message);
      return Number(/calls=(\d+)/.exec(String(error))?.[1]);
    };
    expect(await calls(`web-${randomUUID()}`, "web")).toBe(0);
    expect(await calls(user, "whatsapp")).toBe(1);
  });

  it("a tapped button is found only in a reply sent to that WhatsApp user", async () => {
    const from = waId();
    const menu = await begin(t.db, await visitorOf(t.db, from), { p_message: "menu", p_channel: "whatsapp", p_client_message_id: randomUUID() });
    const found = await rpcAs<{ session_id: string; button: { action: { id: string } } }>(t.db, "whatsapp_button", { p_wa_id: from, p_message_id: menu.reply!.id, p_index: 1 });
    expect(found).toMatchObject({ session_id: menu.session.id, button: { action: { id: "select_agent" } } });
    expect(await t.db.rpc("whatsapp_button", { p_wa_id: waId(), p_message_id: menu.reply!.id, p_index: 1 })).toBeNull();
    expect(await t.db.rpc("whatsapp_button", { p_wa_id: from, p_message_id: menu.reply!.id, p_index: 9 })).toBeNull();
  });

  it("a notice is queued once per inbox message and settles it", async () => {
    const from = waId();
    const id = `wamid.${randomUUID()}`;
    await t.db.rpc("whatsapp_receive", { p_messages: [{ id, from, message: { type: "audio", mediaId: "m1" } }] });
    await t.db.rpc("whatsapp_notice", { p_id: id, p_text: "voice is unavailable" });
    await t.db.rpc("whatsapp_notice", { p_id: id, p_text: "voice is unavailable" });
    const rows = await t.sql<{ notice: string }>("select notice from whatsapp_outbox where wa_id = $1", [from]);
    expect(rows).toEqual([{ notice: "voice is unavailable" }]);
    const [inbox] = await t.sql<{ done: boolean }>("select processed_at is not null as done from whatsapp_inbox where wa_message_id = $1", [id]);
    expect(inbox.done).toBe(true);
  });
});

describe.each(backends)("erasing a WhatsApp visitor on $name", ({ open }) => {
  const t = databaseFor(open);

  it("leaves nothing of them in the inbox, the outbox or the voice registrations", async () => {
    const from = waId();
    const id = `wamid.${randomUUID()}`;
    const key = randomUUID();
    await t.db.rpc("whatsapp_receive", { p_messages: [{ id, from, message: { type: "text", text: "call me on 555 123 4567" } }] });
    const user = await visitorOf(t.db, from);
    await t.db.rpc("register_voice_message", { p_user_id: user, p_client_message_id: key, p_audio_url: "/api/audio/x.ogg", p_transcript: "call me" });
    await begin(t.db, user, { p_message: "call me on 555 123 4567", p_channel: "whatsapp", p_client_message_id: key });
    await begin(t.db, user, { p_message: "menu", p_channel: "whatsapp", p_client_message_id: randomUUID() });
    await t.db.rpc("whatsapp_notice", { p_id: id, p_text: "a notice" });
    const count = async () => (await t.sql<{ n: number }>(
      `select ((select count(*) from whatsapp_inbox where wa_id = $1) + (select count(*) from whatsapp_outbox where wa_id = $1)
             + (select count(*) from voice_messages where user_id = $2) + (select count(*) from whatsapp_contacts where wa_id = $1))::int as n`,
      [from, user]))[0].n;
    expect(await count()).toBeGreaterThan(3);
    // an operator may name the visitor by their number
    await t.db.rpc("erase_visitor", { p_user_id: from });
    expect(await count()).toBe(0);
  });
});

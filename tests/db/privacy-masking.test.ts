import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";
import type { Tables } from "@/lib/db/database.types";

// PII masking: one SQL home (private.mask_pii), applied to outputs with PII_MASKING=export
// and to stored message text with PII_MASKING=all (docs/privacy.md).

const cases: [string, string, string][] = [
  ["email", "write to ana.lopez+shop@example.co.uk please", "write to [email] please"],
  ["phone (international)", "call me on +44 20 7946 0958 tomorrow", "call me on [phone] tomorrow"],
  ["phone (US)", "my number is (555) 123-4567.", "my number is [phone]."],
  ["two phones in a row", "call 555-123-4567 555-987-6543 today", "call [phone] [phone] today"],
  ["two international phones in a row", "+44 20 7946 0958 +1 (555) 123-4567", "[phone] [phone]"],
  ["card", "card 4111 1111 1111 1111 exp 12/28", "card [card] exp 12/28"],
  ["card (dashes)", "pay with 5500-0000-0000-0004", "pay with [card]"],
  ["address", "ship to 221B Baker Street, London", "ship to [address], London"],
  ["address (abbreviated)", "I live at 42 Elm St. near the park", "I live at [address] near the park"],
];

const untouched = [
  "I want 25 headlamps and 12 tents",
  "the price is $1299.99 for 3",
  "pick up on 2026-11-29 at 10:30",
  "SKU TL-HL-200, 40 units",
  "a card-like number that fails Luhn: 4111 1111 1111 1112",
];

/** The covered-formats table of docs/privacy.md ("PII masking"): format, example, masked. */
const documented: [string, string, string][] = readFileSync("docs/privacy.md", "utf8")
  .split("\n")
  .filter((line) => /^\| [^|]+ \| `[^`]*` \| `[^`]*` \|$/.test(line))
  .map((line) => line.split(" | ").map((cell) => cell.replace(/^\|? ?`?|`? ?\|?$/g, "")) as [string, string, string]);

describe.each(backends)("PII masking on $name", ({ open }) => {
  const t = databaseFor(open);

  const mask = async (text: string) => (await t.sql<{ m: string }>("select private.mask_pii($1) as m", [text]))[0].m;

  it.each(cases)("masks %s", async (_kind, input, expected) => {
    expect(await mask(input)).toBe(expected);
  });

  it("docs/privacy.md lists the covered formats", () => {
    expect(documented.length).toBeGreaterThanOrEqual(25);
  });

  it.each(documented)("as documented: %s", async (_format, input, expected) => {
    expect(await mask(input)).toBe(expected);
  });

  it("under all, a processed WhatsApp inbox message and a voice transcript whose question is stored are kept masked", async () => {
    await t.db.rpc("configure_privacy", { p_pii_masking: "all" });
    try {
      const id = `wamid.${randomUUID()}`;
      const text = "call me on +44 20 7946 0958 or ana@example.com";
      await t.db.rpc("whatsapp_receive", { p_messages: [{ id, from: "15550001111", message: { type: "text", text } }] });
      const inbox = async () => (await t.sql<{ m: { text: string } }>("select message as m from whatsapp_inbox where wa_message_id = $1", [id]))[0].m.text;
      expect(await inbox()).toBe(text); // the turn still needs it
      await t.db.rpc("queue_complete", { p_queue: "whatsapp_inbox", p_ids: [id] });
      expect(await inbox()).toBe("call me on [phone] or [email]");

      const u = visitor();
      const key = randomUUID();
      await t.db.rpc("register_voice_message", { p_user_id: u, p_client_message_id: key, p_audio_url: `/api/audio/${randomUUID()}.webm`, p_transcript: text });
      const transcript = async () => (await t.sql<{ t: string }>("select transcript as t from voice_messages where user_id = $1", [u]))[0].t;
      expect(await transcript()).toBe(text);
      await begin(t.db, u, { p_message: text, p_client_message_id: key });
      expect(await transcript()).toBe("call me on [phone] or [email]");
    } finally {
      await t.db.rpc("configure_privacy", { p_pii_masking: "off" });
    }
  });

  it("leaves quantities, prices, dates, SKUs and non-Luhn numbers alone", async () => {
    for (const text of untouched) {
      // a 16-digit number failing Luhn is still a long digit run: it may only be a phone when ≤ 15 digits
      expect(await mask(text)).toBe(text);
    }
  });

  it("masks every string inside jsonb, keeping keys, numbers and shape", async () => {
    const [row] = await t.sql<{ m: unknown }>("select private.mask_pii_jsonb($1::jsonb) as m", [
      JSON.stringify({ email: "bo@shop.io", nested: [{ phone: "+1 555 010 9999" }, 25], ok: true }),
    ]);
    expect(row.m).toEqual({ email: "[email]", nested: [{ phone: "[phone]" }, 25], ok: true });
  });

  it("stores message text as written unless PII_MASKING is all, then masks user and agent text", async () => {
    const ana = visitor();
    await t.db.rpc("configure_privacy", { p_pii_masking: "export" });
    const first = await begin(t.db, ana, { p_message: "mail me at ana@example.com" });
    expect(first.user_message.content).toBe("mail me at ana@example.com");
    await t.db.rpc("configure_privacy", { p_pii_masking: "all" });
    const second = await begin(t.db, ana, { p_message: "or call +1 (555) 123-4567" });
    expect(second.user_message.content).toBe("or call [phone]");
    const reply = await finish(t.db, second.user_message.id, { p_content: "Noted: +1 (555) 123-4567" });
    expect(reply.reply.content).toBe("Noted: [phone]");
    // the order flow keeps what it needs in its own state
    const flow = await begin(t.db, ana, { p_message: "my email is bo@example.com" });
    await finish(t.db, flow.user_message.id, { p_flows: { bulk_order: { contact: { email: "bo@example.com" } } } });
    const [state] = await t.sql<{ state: { contact: { email: string } } }>(
      "select state from flow_states where session_id = $1 and flow = 'bulk_order'",
      [flow.session.id],
    );
    expect(state.state.contact.email).toBe("bo@example.com");
    const stored = await t.sql<Pick<Tables<"conversation_messages">, "content">>("select content from conversation_messages where user_id = $1 order by seq", [ana]);
    expect(stored.map((m) => m.content)).toEqual([
      "mail me at ana@example.com",
      "or call [phone]",
      "Noted: [phone]",
      "my email is [email]",
      "a reply",
    ]);
    await t.db.rpc("configure_privacy", { p_pii_masking: "off" });
  });

  it("masks outputs only when PII_MASKING is export or all", async () => {
    const masked = async () => (await t.sql<{ m: string }>("select private.masked('x@y.org') as m"))[0].m;
    await t.db.rpc("configure_privacy", { p_pii_masking: "off" });
    expect(await masked()).toBe("x@y.org");
    await t.db.rpc("configure_privacy", { p_pii_masking: "export" });
    expect(await masked()).toBe("[email]");
    await t.db.rpc("configure_privacy", { p_pii_masking: "off" });
    await expect(t.db.rpc("configure_privacy", { p_pii_masking: "sometimes" })).rejects.toMatchObject({ code: "bad_request:privacy" });
  });
});

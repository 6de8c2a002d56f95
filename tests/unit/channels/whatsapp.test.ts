import { describe, expect, it } from "vitest";
import { messageKey } from "@/lib/channels/message-key";
import { buttonId, graphMessages, parseButtonId, splitText } from "@/lib/channels/whatsapp/outgoing";
import { sign, validSignature } from "@/lib/channels/whatsapp/signature";
import { parseDelivery } from "@/lib/channels/whatsapp/webhook";

const id = "0b6c3a2e-8f4d-4c1a-9e7b-2d5f6a7b8c9d";
const button = (label: string, n: number) => ({ label, action: { id: "product_details", payload: { sku: `S${n}` } } });

describe("replies as Graph messages", () => {
  it("splits text at 4,096 characters, on a word boundary where there is one", () => {
    const text = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(" ");
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096);
    expect(parts.join(" ")).toBe(text);
    expect(splitText("x".repeat(9000)).map((p) => p.length)).toEqual([4096, 4096, 808]);
  });

  it("up to three buttons: one interactive button message, titles cut to 20", () => {
    const [m] = graphMessages({ messageId: id, content: "Pick one", buttons: [button("A very long product name indeed", 0), button("B", 1)] });
    expect(m).toMatchObject({ type: "interactive", interactive: { type: "button", body: { text: "Pick one" } } });
    const buttons = (m.interactive as { action: { buttons: { reply: { id: string; title: string } }[] } }).action.buttons;
    expect(buttons.map((b) => b.reply.title)).toEqual(["A very long product…", "B"]);
    expect(buttons.every((b) => b.reply.title.length <= 20)).toBe(true);
    expect(parseButtonId(buttons[1].reply.id)).toEqual({ messageId: id, index: 1 });
  });

  it("more than three buttons: an interactive list; a long text goes first as text messages", () => {
    const parts = graphMessages({ messageId: id, content: "y ".repeat(3000), buttons: [0, 1, 2, 3].map((n) => button(`Item ${n}`, n)) });
    expect(parts.map((p) => p.type)).toEqual(["text", "text", "interactive"]);
    const list = parts[2].interactive as { type: string; body: { text: string }; action: { sections: { rows: { id: string }[] }[] } };
    expect(list.type).toBe("list");
    expect(list.body.text.length).toBeLessThanOrEqual(1024);
    expect(list.action.sections[0].rows.map((r) => r.id)).toEqual([0, 1, 2, 3].map((n) => buttonId(id, n)));
  });

  it("a notice (no stored reply) is plain text", () => {
    expect(graphMessages({ messageId: null, content: "hi", buttons: [button("x", 0)] })).toEqual([{ type: "text", text: { body: "hi", preview_url: false } }]);
  });
});

describe("deliveries", () => {
  it("checks X-Hub-Signature-256 over the raw bytes", () => {
    const raw = Buffer.from('{"a":1}');
    expect(validSignature(raw, sign(raw, "s"), "s")).toBe(true);
    expect(validSignature(Buffer.from('{"a": 1}'), sign(raw, "s"), "s")).toBe(false);
    expect(validSignature(raw, sign(raw, "t"), "s")).toBe(false);
    expect(validSignature(raw, null, "s")).toBe(false);
    expect(validSignature(raw, "sha256=abc", "s")).toBe(false);
  });

  it("reads text, button replies, list replies and audio; counts statuses; keeps unknown types as unsupported", () => {
    const from = "15551234567";
    const d = parseDelivery({
      object: "whatsapp_business_account",
      entry: [{ changes: [{ value: {
        messages: [
          { from, id: "1", type: "text", text: { body: "hi" } },
          { from, id: "2", type: "interactive", interactive: { type: "button_reply", button_reply: { id: "b", title: "B" } } },
          { from, id: "3", type: "interactive", interactive: { type: "list_reply", list_reply: { id: "l", title: "L", description: "d" } } },
          { from, id: "4", type: "audio", audio: { id: "m", mime_type: "audio/ogg; codecs=opus", voice: true } },
          { from, id: "5", type: "location", location: { latitude: 1, longitude: 2 } },
          { id: "6" },
        ],
        statuses: [{ id: "x", status: "read" }],
      } }] }],
    });
    expect(d.messages.map((m) => m.message)).toEqual([
      { type: "text", text: "hi" },
      { type: "button", buttonId: "b", title: "B" },
      { type: "button", buttonId: "l", title: "L" },
      { type: "audio", mediaId: "m", mimeType: "audio/ogg; codecs=opus" },
      { type: "unsupported", kind: "location" },
    ]);
    expect(d.statuses).toBe(1);
    expect(d.unreadable).toHaveLength(1);
    expect(parseDelivery({ object: "page" }).unreadable).toHaveLength(1);
  });

  it("a WhatsApp message id is always the same clientMessageId (a uuid v5)", () => {
    const a = messageKey("whatsapp", "wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQTdF");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(messageKey("whatsapp", "wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQTdF")).toBe(a);
    expect(messageKey("whatsapp", "wamid.other")).not.toBe(a);
  });
});

describe("replies as Meta renders them (docs/reliability.md, \"Holes closed\")", () => {
  it("a split never cuts an emoji in two and prefers a line break, then a space", () => {
    // an emoji's surrogate pair straddles the 4,096th unit, and there is no break to use
    const emoji = "x".repeat(4095) + "😀" + "y".repeat(10);
    const parts = splitText(emoji);
    expect(parts[0]).toBe("x".repeat(4095));
    expect(parts[1]).toBe("😀" + "y".repeat(10));
    for (const p of parts) expect(p.isWellFormed()).toBe(true);
    // a ZWJ family emoji stays whole too
    const family = "a".repeat(4090) + "👨‍👩‍👧‍👦" + "b";
    expect(splitText(family).join("")).toBe(family);
    expect(splitText(family)[0]).toBe("a".repeat(4090));
    // a line break in the second half wins over a later space
    const lines = "word ".repeat(600).trim() + "\n" + "tail ".repeat(300).trim();
    const [first] = splitText(lines);
    expect(first).toBe("word ".repeat(600).trim());
  });

  it("button and list titles stay unique after cutting to 20 and 24 characters", () => {
    const labels = ["Beacon Headlamp extra bright", "Beacon Headlamp extended battery", "Tent"];
    const [m] = graphMessages({ messageId: id, content: "Which one?", buttons: labels.map(button) });
    const titles = (m.interactive as { action: { buttons: { reply: { title: string } }[] } }).action.buttons.map((b) => b.reply.title);
    expect(new Set(titles).size).toBe(3);
    for (const t of titles) expect(t.length).toBeLessThanOrEqual(20);
    expect(titles[2]).toBe("Tent");
    expect(titles[0]).toMatch(/^Beacon.*….*bright$/);
    // labels equal even at their ends get a number; a list's rows too
    const same = Array.from({ length: 5 }, () => "Insulated Camp Mug 350 ml sand colour");
    const parts = graphMessages({ messageId: id, content: "Pick", buttons: same.map(button) });
    const rows = (parts.at(-1)!.interactive as { action: { sections: { rows: { title: string }[] }[] } }).action.sections[0].rows.map((r) => r.title);
    expect(new Set(rows).size).toBe(5);
    for (const t of rows) expect(t.length).toBeLessThanOrEqual(24);
  });

  it("reactions and system events are ignored, not answered; a change for another phone number id is left alone", () => {
    const from = "15551234567";
    const value = (phone: string, messages: unknown[]) => ({ value: { metadata: { display_phone_number: "1555", phone_number_id: phone }, messages } });
    const d = parseDelivery({
      object: "whatsapp_business_account",
      entry: [{ changes: [
        value("42", [
          { from, id: "1", type: "reaction", reaction: { message_id: "wamid.x", emoji: "👍" } },
          { from, id: "2", type: "system", system: { body: "User A changed from 1555 to 1666", wa_id: "1666", type: "user_changed_number" } },
          { from, id: "3", type: "text", text: { body: "hi" } },
        ]),
        value("99", [{ from, id: "4", type: "text", text: { body: "for the other number" } }]),
      ] }],
    }, "42");
    expect(d.messages.map((m) => m.id)).toEqual(["3"]);
    expect(d.ignored).toBe(2);
    expect(d.otherNumbers).toEqual(["99"]);
  });
});

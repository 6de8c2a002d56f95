import type { Button } from "../../chat/types";

// A stored reply as the Graph messages that carry it (docs/channels.md): text split at
// WhatsApp's 4,096 characters; up to three buttons as an interactive `button` message
// (titles cut to 20 characters), more as an interactive `list` (at most 10 rows of 24);
// the interactive body holds at most 1,024 characters, so a long reply's text goes first.
// A button's id names the reply and its position: whatsapp_button maps a tap back to it.

export const textLimit = 4096;
const interactiveBodyLimit = 1024;
const buttonTitleLimit = 20;
const rowTitleLimit = 24;
const rowDescriptionLimit = 72;
const listRows = 10;

export type GraphMessage = Record<string, unknown> & { type: string };

export function buttonId(messageId: string, index: number): string {
  return `tl:${messageId}:${index}`;
}

/** The reply id and button position a tapped button's id names, or null. */
export function parseButtonId(id: string): { messageId: string; index: number } | null {
  const match = /^tl:([0-9a-f-]{36}):([0-9]{1,2})$/.exec(id);
  return match ? { messageId: match[1], index: Number(match[2]) } : null;
}

/** Splits at the limit, preferring a paragraph, line or word boundary in the last fifth. */
export function splitText(text: string, limit = textLimit): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut = Math.max(window.lastIndexOf("\n\n"), window.lastIndexOf("\n"), window.lastIndexOf(" "));
    const at = cut > limit * 0.8 ? cut : limit;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export function graphMessages(reply: { messageId: string | null; content: string; buttons: Button[] }): GraphMessage[] {
  const buttons = reply.messageId ? reply.buttons.slice(0, listRows) : [];
  if (!buttons.length) return splitText(reply.content).map((body) => ({ type: "text", text: { body, preview_url: false } }));
  // the text before the buttons: whole messages, then the last ≤1,024 characters as the interactive body
  const texts = splitText(reply.content);
  const last = texts.pop() ?? "";
  const tail = splitText(last, interactiveBodyLimit);
  const body = tail.pop() || "Choose one:";
  const before = [...texts, ...tail].map((t): GraphMessage => ({ type: "text", text: { body: t, preview_url: false } }));
  const id = (i: number) => buttonId(reply.messageId!, i);
  const interactive: GraphMessage =
    buttons.length <= 3
      ? {
          type: "interactive",
          interactive: {
            type: "button",
            body: { text: body },
            action: { buttons: buttons.map((b, i) => ({ type: "reply", reply: { id: id(i), title: cut(b.label, buttonTitleLimit) } })) },
          },
        }
      : {
          type: "interactive",
          interactive: {
            type: "list",
            body: { text: body },
            action: {
              button: "Options",
              sections: [{ title: "Options", rows: buttons.map((b, i) => ({
                id: id(i),
                title: cut(b.label, rowTitleLimit),
                ...(b.label.length > rowTitleLimit ? { description: cut(b.label, rowDescriptionLimit) } : {}),
              })) }],
            },
          },
        };
  return [...before, interactive];
}

import type { Button } from "../../chat/types";

// A stored reply as the Graph messages that carry it (docs/channels.md): text split at
// WhatsApp's 4,096 characters; up to three buttons as an interactive `button` message
// (titles cut to 20 characters, still told apart), more as an interactive `list` (at most 10 rows of 24);
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

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The last grapheme boundary at or before `limit` (an emoji's surrogate pair or ZWJ sequence is never cut). */
function boundaryAtOrBefore(text: string, limit: number): number {
  let at = 0;
  for (const { index, segment } of graphemes.segment(text.slice(0, limit + 64))) {
    if (index + segment.length > limit) break;
    at = index + segment.length;
  }
  return at > 0 ? at : Math.min(limit, text.length);
}

/**
 * Splits at the limit (UTF-16 units, never more characters than Meta counts), preferring a paragraph
 * break, then a line break, then a space in the second half of the part; else at the last whole
 * character, so an emoji is never cut in two.
 */
export function splitText(text: string, limit = textLimit): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, boundaryAtOrBefore(rest, limit));
    const breaks = ["\n\n", "\n", " "].map((b) => window.lastIndexOf(b));
    const soft = breaks.find((i) => i > limit * 0.5);
    const at = soft ?? window.length;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, boundaryAtOrBefore(s, n - 1)).trimEnd()}…`);

/**
 * Titles cut to `n` characters that stay told apart: two labels that share their first `n`
 * characters keep their different ends ("Beacon H…Pro"), and a number when that is not enough.
 */
export function uniqueTitles(labels: string[], n: number): string[] {
  const titles = labels.map((l) => cut(l, n));
  const clash = (i: number) => titles.some((t, j) => j !== i && t === titles[i]);
  const ends = labels.map((l, i) => {
    if (!clash(i) || l.length <= n) return titles[i];
    let tail = l.slice(l.length - Math.floor((n - 1) / 2)).trimStart();
    if (/^[\udc00-\udfff]/.test(tail)) tail = tail.slice(1);
    return `${l.slice(0, boundaryAtOrBefore(l, n - 1 - tail.length)).trimEnd()}…${tail}`;
  });
  return ends.map((t, i) => {
    if (!ends.some((u, j) => j !== i && u === t)) return t;
    const suffix = ` ${i + 1}`;
    return `${cut(labels[i], n - suffix.length)}${suffix}`;
  });
}

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
  const rowTitles = uniqueTitles(buttons.map((b) => b.label), rowTitleLimit);
  const interactive: GraphMessage =
    buttons.length <= 3
      ? {
          type: "interactive",
          interactive: {
            type: "button",
            body: { text: body },
            action: { buttons: uniqueTitles(buttons.map((b) => b.label), buttonTitleLimit).map((title, i) => ({ type: "reply", reply: { id: id(i), title } })) },
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
                title: rowTitles[i],
                ...(b.label.length > rowTitleLimit ? { description: cut(b.label, rowDescriptionLimit) } : {}),
              })) }],
            },
          },
        };
  return [...before, interactive];
}

// Pulling bulk-order details out of free text: quantity, name, phone, email and a
// yes/no/cancel/change decision. Pure functions, no I/O.

export type OrderField = "product" | "quantity" | "name" | "phone" | "email";
export type Decision = "yes" | "no" | "cancel" | "change";

export interface OrderDetails {
  quantity: number | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  decision: Decision | null;
  /** The text left once contact details, the name and the quantity are taken out: what may name a product. */
  rest: string;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const PHONE = /(?:\+\s?|\(\s?)?\d[\d\s().-]{5,22}\d/g;
const PHONE_CONTEXT = /\b(phone|call|tel|telephone|mobile|cell|number|whatsapp|text me|reach me)\b/i;
const NAME_WORD = /^\p{L}[\p{L}'’.-]*$/u;
/** Words that end a name, or show that "I'm …" is not followed by a name. */
const NOT_NAME = new Set(
  ("and or but my at from in on to for with here there looking interested ready not sure fine good ok okay " +
    "yes no yeah nope just trying going buying ordering calling back happy glad the a an this that it i " +
    "phone email mail number cancel stop change hi hello hey thanks thank menu please order after sounds great " +
    "cool perfect what why how where when who can could do does is").split(" "),
);

const UNITS: Record<string, number> = {
  two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16,
  seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};

export function extractEmail(text: string): string | null {
  return text.match(EMAIL)?.[0].toLowerCase() ?? null;
}

/** A phone number: 7–15 digits, written like a phone number or announced as one. Normalized to +digits. */
export function extractPhone(text: string, expected = false): string | null {
  const withoutEmail = text.replace(EMAIL, " ");
  for (const match of withoutEmail.match(PHONE) ?? []) {
    const candidate = match.trim();
    const digits = candidate.replace(/\D/g, "");
    if (digits.length < 7 || digits.length > 15) continue;
    const plus = candidate.startsWith("+");
    const looksLikePhone =
      plus || digits.length >= 10 || /\d{3}[\s.-]\d{4}\b/.test(candidate) || PHONE_CONTEXT.test(text) || expected;
    if (looksLikePhone) return `${plus ? "+" : ""}${digits}`;
  }
  return null;
}

function nameWords(words: string[], capitalizedOnly: boolean): string[] {
  const taken: string[] = [];
  for (const raw of words) {
    const word = raw.replace(/[,;:!?]+$/, "");
    const ended = word !== raw || /\.$/.test(word);
    const clean = word.replace(/\.$/, "");
    if (!NAME_WORD.test(clean) || NOT_NAME.has(clean.toLowerCase())) break;
    if (capitalizedOnly && clean[0] === clean[0].toLowerCase()) break;
    taken.push(clean);
    if (ended || taken.length === 4) break;
  }
  return taken;
}

const NAME_LABELS: Array<{ re: RegExp; capitalizedOnly: boolean }> = [
  { re: /\b(?:my name is|my name's|name is|name:|name -)\s+([^\n]*)/i, capitalizedOnly: false },
  { re: /\b(?:i am|i'm|i’m|this is|it's|it is|call me)\s+([^\n]*)/i, capitalizedOnly: true },
];

/** A name announced in the text ("I'm Ana Lopez", "my name is ana"), or the whole text when a bare name is expected. */
export function extractName(text: string, bareAllowed = false, bareAnyCase = false): { name: string; phrase: string } | null {
  for (const { re, capitalizedOnly } of NAME_LABELS) {
    const match = text.match(re);
    if (!match) continue;
    const words = nameWords(match[1].split(/\s+/), capitalizedOnly);
    if (words.length > 0) {
      const start = match.index ?? 0;
      const phraseEnd = text.indexOf(words[words.length - 1], start + match[0].length - match[1].length);
      return { name: words.join(" "), phrase: text.slice(start, phraseEnd + words[words.length - 1].length) };
    }
  }
  if (!bareAllowed) return null;
  // what is left of "Bob Stone, bob@…, +1 …" once the email and phone are out: "Bob Stone, ,"
  const trimmed = text.trim().replace(/^[\s,;:]+|[\s,;:.!]+$/g, "").replace(/\s*[,;]\s*[,;\s]*/g, ", ").replace(/,\s*$/, "");
  const words = trimmed.split(/\s+/);
  if (words.length > 4 || /[\d@]/.test(trimmed) || extractDecision(trimmed)) return null;
  const taken = nameWords(words, !bareAnyCase);
  if (taken.length !== words.length) return null;
  return { name: taken.join(" "), phrase: trimmed };
}

/** The first quantity in the text: "25", "x25", "25pcs", "1,000", "twenty-five", "two dozen". */
export function extractQuantity(text: string): { quantity: number; token: string } | null {
  const plain = text.toLowerCase().replace(/(\d),(?=\d{3}\b)/g, "$1");
  const tokens = plain.split(/[\s,;:!?()]+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const digits = tokens[i].match(/^x?(\d{1,7})(?:x|pcs|units?)?\.?$/);
    if (digits) return { quantity: Number(digits[1]), token: tokens[i] };
    let value = 0;
    let j = i;
    for (; j < tokens.length; j++) {
      const parts = tokens[j].split("-");
      if (parts.every((p) => p in UNITS || p in TENS || p === "one")) {
        if (parts.length === 1 && parts[0] === "one" && value === 0) break; // "the blue one" is not a quantity
        value += parts.reduce((sum, p) => sum + (UNITS[p] ?? TENS[p] ?? 1), 0);
      } else if (tokens[j] === "dozen" || tokens[j] === "hundred") {
        value = (value || 1) * (tokens[j] === "dozen" ? 12 : 100);
      } else if (tokens[j] === "a" && (tokens[j + 1] === "dozen" || tokens[j + 1] === "hundred")) {
        continue;
      } else break;
    }
    if (value > 0) return { quantity: value, token: tokens.slice(i, j).join(" ") };
  }
  return null;
}

export function extractDecision(text: string): Decision | null {
  const t = text.trim().toLowerCase();
  if (/\b(change|edit|modify|update|wrong|fix)\b/.test(t)) return "change";
  if (/^(stop|abort|never ?mind|forget it)\b/.test(t) || /\bcancel\b/.test(t)) return "cancel";
  if (/^(no|nope|nah|n)\b/.test(t)) return "no";
  if (/^(yes|yeah|yep|yup|y|sure|ok|okay|confirm|confirmed|correct|go ahead|do it|place (the |my )?order|sounds good|looks good|that's (right|correct))\b/.test(t)) {
    return "yes";
  }
  return null;
}

/** Everything the visitor told us in one message. `waitingFor` = the fields the order still needs. */
export function extractOrderDetails(text: string, waitingFor: readonly OrderField[] = []): OrderDetails {
  const email = extractEmail(text);
  const phone = extractPhone(text, waitingFor.length === 1 && waitingFor[0] === "phone");
  let rest = text.replace(EMAIL, " ");
  if (phone) rest = rest.replace(PHONE, (m) => (m.replace(/\D/g, "").length >= 7 ? " " : m));
  const bareAllowed = waitingFor.includes("name") && !waitingFor.includes("product");
  const named = extractName(rest, bareAllowed, waitingFor.length === 1);
  if (named) rest = rest.replace(named.phrase, " ");
  const quantity = extractQuantity(rest);
  if (quantity) rest = rest.replace(new RegExp(`(^|[^\\w])${escape(quantity.token)}(?![\\w])`, "i"), " ");
  return {
    quantity: quantity?.quantity ?? null,
    name: named?.name ?? null,
    phone,
    email,
    decision: extractDecision(text),
    rest: rest.replace(/\s+/g, " ").trim(),
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

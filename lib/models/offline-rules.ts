// The offline model's decisions: simple, deterministic rules over the prompt (the last
// visitor message, this turn's tool results, the tools on offer, the turn context in the
// instructions). Generic over tools, so an agent added by SQL with any subset of them
// gets a sensible answer. Pure: no I/O. See docs/architecture.md "The offline model".
import { searchKeywords } from "../agents/keywords";
import { extractDecision, extractOrderDetails, type OrderField } from "../agents/order-details";
import { TURN_CONTEXT_LABEL } from "./turn-context";

export interface OfferedTool {
  name: string;
  description: string;
}

export interface PastCall {
  toolName: string;
  input: unknown;
  output: unknown;
  isError: boolean;
}

export interface OfflinePrompt {
  system: string;
  /** The visitor's latest message. */
  message: string;
  /** Tool calls and results since that message, oldest first. */
  calls: PastCall[];
  tools: OfferedTool[];
}

export type OfflineStep = { text: string; toolCalls: { toolName: string; input: Record<string, unknown> }[] };


interface TurnContextJson {
  pressed_button?: { id: string; payload?: Record<string, unknown> } | null;
  bulk_order?: { status?: string; missing?: OrderField[]; fingerprint?: string; lines?: unknown[] } | null;
  try_again?: boolean;
}

function turnContext(system: string): TurnContextJson {
  const line = system.split("\n").find((l) => l.startsWith(TURN_CONTEXT_LABEL));
  if (!line) return {};
  try {
    return JSON.parse(line.slice(TURN_CONTEXT_LABEL.length)) as TurnContextJson;
  } catch {
    return {};
  }
}

const ORDER_WORDS = ["order", "bulk", "units", "unit", "pcs", "pieces", "qty", "quantity", "call", "phone", "email", "name", "mine",
  "reach", "number", "instead", "actually", "make", "change", "place", "reserve", "pickup", "add", "also", "plus", "remove", "drop", "delete"];
const ASK_WORDS = ["pitch", "sell", "convince", "persuade", "tell", "about", "why", "should", "me", "it", "us", "instead", "something", "show", "else"];
const BROWSE = /\b(what (do|else do|can) (you|i) (have|sell|carry|get|buy)|what's (on offer|in stock)|your (catalog|products|range)|featured|bestsellers?)\b/i;
const BULK = /\b(buy|order|purchase|need|want|get|bulk|wholesale)\b/i;

const has = (p: OfflinePrompt, name: string) => p.tools.some((t) => t.name === name);
const called = (p: OfflinePrompt, name: string) => p.calls.some((c) => c.toolName === name);
const call = (toolName: string, input: Record<string, unknown>) => ({ toolName, input });

/** The handoff target whose description mentions any of the words (from the handoff tool's description). */
export function handoffTarget(p: OfflinePrompt, words: RegExp): string | null {
  const description = p.tools.find((t) => t.name === "handoff")?.description ?? "";
  for (const m of description.matchAll(/^- ([a-z][a-z0-9_]*): (.*)$/gm)) {
    if (words.test(m[2])) return m[1];
  }
  return null;
}

function bulkQuantity(text: string): number | null {
  const q = extractOrderDetails(text).quantity;
  return q !== null && q >= 10 && BULK.test(text) ? q : null;
}

/** The first step of a turn: which tools to call for the visitor's message (maybe none). */
function firstStep(p: OfflinePrompt): OfflineStep {
  const ctx = turnContext(p.system);
  const pressed = ctx.pressed_button;
  if (pressed && has(p, pressed.id)) return { text: "", toolCalls: [call(pressed.id, pressed.payload ?? {})] };

  const takesOrders = has(p, "set_order_line") || has(p, "set_contact_details");
  if (!takesOrders && has(p, "handoff") && bulkQuantity(p.message) !== null) {
    const target = handoffTarget(p, /\b(bulk|orders?)\b/i);
    if (target) return { text: "That's a bulk order — let me hand you to our order specialist.", toolCalls: [call("handoff", { agent: target, reason: "bulk order" })] };
  }

  if (takesOrders) {
    const order = ctx.bulk_order ?? null;
    const open = order?.status === "collecting" || order?.status === "awaiting_confirmation";
    const waitingFor: OrderField[] = open ? (order?.missing ?? []).map((m) => (m === ("lines" as string) ? "product" : m)) : ["product", "quantity", "name", "phone", "email"];
    const details = extractOrderDetails(p.message, waitingFor);
    const decision = extractDecision(p.message);
    if (open && (decision === "cancel" || (decision === "no" && order?.status === "awaiting_confirmation")) && has(p, "cancel_order")) {
      return { text: "", toolCalls: [call("cancel_order", {})] };
    }
    if (open && decision === "yes" && order?.status === "awaiting_confirmation" && has(p, "confirm_order")) {
      return { text: "", toolCalls: [call("confirm_order", { fingerprint: order.fingerprint })] };
    }
    const calls: OfflineStep["toolCalls"] = [];
    const item = searchKeywords(details.rest, ORDER_WORDS).join(" ");
    if (/\b(remove|drop|delete)\b/i.test(p.message) && item && has(p, "remove_order_line")) calls.push(call("remove_order_line", { item }));
    else if (details.quantity !== null && item) calls.push(call("set_order_line", { item, quantity: details.quantity }));
    const contact = Object.fromEntries((["name", "phone", "email"] as const).flatMap((f) => (details[f] ? [[f, details[f]]] : [])));
    if (Object.keys(contact).length > 0 && has(p, "set_contact_details")) calls.push(call("set_contact_details", contact));
    if (calls.length > 0) return { text: "", toolCalls: calls };
    if (open) return { text: orderText(order as OrderView), toolCalls: [] };
  }

  if (has(p, "search_catalog")) {
    const keywords = searchKeywords(p.message, [...ASK_WORDS, ...(takesOrders ? ORDER_WORDS : [])]);
    if (keywords.length > 0 || BROWSE.test(p.message)) return { text: "", toolCalls: [call("search_catalog", { query: keywords.join(" "), limit: 3 })] };
  }
  return { text: greeting(p), toolCalls: [] };
}

interface Product {
  sku: string;
  name: string;
  category: string;
  description: string;
  price_cents: number;
  tags: string[];
  pickup_location: string;
  featured?: boolean;
}

interface OrderView {
  status: string;
  lines: { item: string; special: boolean }[];
  missing: string[];
  summary: string;
  fingerprint: string;
  reference: string | null;
  ambiguous?: boolean;
  item?: string;
  quantity?: number;
  candidates?: Product[];
  line?: { item: string; special: boolean };
}

const price = (cents: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const products = (output: unknown): Product[] => (isRecord(output) && Array.isArray(output.products) ? (output.products as Product[]) : []);
const isOrder = (output: unknown): output is OrderView => isRecord(output) && typeof output.summary === "string" && Array.isArray(output.lines);
const errorText = (output: unknown) => (typeof output === "string" ? output : isRecord(output) && typeof output.message === "string" ? output.message : JSON.stringify(output));

const NEED_LABEL: Record<string, string> = { lines: "what you'd like to order and how many", name: "your name", phone: "a phone number", email: "an email address" };
const list = (items: string[]) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`);

function orderText(o: OrderView): string {
  if (o.ambiguous) return `Several products match "${o.item}" — which one would you like ${o.quantity} of?`;
  if (o.status === "confirmed") return `Your order is confirmed! Reference ${o.reference}.\n${o.summary}\n\nWe'll contact you when it's ready for pickup.`;
  if (o.status === "cancelled") return "Okay, the order is cancelled. Tell me an item and a quantity (10 or more) whenever you want to start again.";
  if (o.status === "awaiting_confirmation") return `Please confirm your bulk order:\n${o.summary}\n\nShall I place the order? Reply yes to confirm.`;
  if (o.lines.length === 0) return "What would you like to order in bulk, and how many (10 or more per item)?";
  const special = o.line?.special ? `"${o.line.item}" isn't in our catalog, so I've added it as a special-order line: we'll send you a quote.\n` : "";
  return `${special}Got it:\n${o.summary}\n\nTo reserve it I need ${list(o.missing.map((m) => NEED_LABEL[m] ?? m))}.`;
}

function productText(p: Product): string {
  return [`${p.name} — ${price(p.price_cents)}`, `Category: ${p.category} · SKU ${p.sku}`, p.description, `Pickup: ${p.pickup_location}`].join("\n");
}

function pitchText(p: Product): string {
  return `Meet the ${p.name}. ${p.description} All that for ${price(p.price_cents)}, ready for pickup at ${p.pickup_location}. Need 10 or more? Just say how many.`;
}

function greeting(p: OfflinePrompt): string {
  const who = /^You are ([^.]*)\./.exec(p.system)?.[1];
  const can = p.tools.some((t) => t.name === "search_catalog") ? " Tell me what you're looking for." : "";
  return `Hi! ${who ? `I'm ${who}.` : "How can I help?"}${can} Type menu to see the other agents.`;
}

/** The reply once the tools have answered: worded from their results. */
function finalText(p: OfflinePrompt): string {
  const pitches = /\bpitch/i.test(p.system.split("\n")[0] ?? "");
  const parts: string[] = [];
  const order = [...p.calls].reverse().find((c) => !c.isError && isOrder(c.output));
  const errors = p.calls.filter((c) => c.isError && c.toolName !== "offer_choices");
  for (const e of errors) parts.push(errorText(e.output));
  if (order) parts.push(orderText(order.output as OrderView));
  const details = [...p.calls].reverse().find((c) => c.toolName === "product_details" && !c.isError);
  const search = [...p.calls].reverse().find((c) => c.toolName === "search_catalog" && !c.isError);
  if (!order && details && isRecord(details.output)) {
    const product = details.output.product as Product;
    parts.push(pitches ? pitchText(product) : productText(product));
  } else if (!order && search) {
    const found = products(search.output);
    const query = isRecord(search.input) ? String(search.input.query ?? "") : "";
    if (found.length === 0) parts.push(`I couldn't find "${query}" in our catalog. Could you describe it differently?`);
    else if (pitches) parts.push(pitchText(found[0]));
    else {
      // a question naming nothing gets the featured selection: not "matches"
      const featured = found.every((f) => f.featured);
      const lead = query && !featured ? `Here ${found.length === 1 ? "is a match" : "are some matches"} for "${query}":` : "Here are a few of our favourites:";
      parts.push(`${lead}\n${found.map((f, i) => `${i + 1}. ${f.name} (${f.category}) — ${price(f.price_cents)}: ${f.description.split(/(?<=[.!?])\s/)[0]}`).join("\n")}\n\nTap one for details.`);
    }
  }
  return parts.join("\n\n") || greeting(p);
}

/** The buttons to offer after this turn's results, when the agent can offer any and has not yet. */
function choicesFor(p: OfflinePrompt): Record<string, unknown>[] {
  const last = p.calls.at(-1);
  if (!last || last.isError) return [];
  if (isOrder(last.output)) {
    const o = last.output;
    if (o.ambiguous && o.candidates?.length) return o.candidates.map((c) => ({ label: `${c.name} (${price(c.price_cents)})`, action: { id: "set_order_line", payload: { sku: c.sku, item: c.name, quantity: o.quantity } } }));
    if (o.status === "awaiting_confirmation") {
      return [
        { label: "Yes, place order", action: { id: "confirm_order", payload: { fingerprint: o.fingerprint } } },
        { label: "No, cancel", action: { id: "cancel_order" } },
      ];
    }
    return [];
  }
  const found = last.toolName === "search_catalog" ? products(last.output) : [];
  if (found.length > 0 && has(p, "product_details")) return found.slice(0, 3).map((f) => ({ label: f.name, action: { id: "product_details", payload: { sku: f.sku } } }));
  return [];
}

/** The words that open an answer given again ("Try again"), so the visitor sees it is a new one. */
export const TRY_AGAIN_LEAD = "Let me try that again. ";

/** One step of the tool loop; a final text asked for again opens with TRY_AGAIN_LEAD. */
export function decideStep(p: OfflinePrompt): OfflineStep {
  const step = nextStep(p);
  return step.text && step.toolCalls.length === 0 && turnContext(p.system).try_again ? { ...step, text: TRY_AGAIN_LEAD + step.text } : step;
}

function nextStep(p: OfflinePrompt): OfflineStep {
  if (p.calls.length === 0) return firstStep(p);
  if (called(p, "handoff")) return { text: "", toolCalls: [] };
  if (has(p, "offer_choices") && !called(p, "offer_choices")) {
    const choices = choicesFor(p);
    if (choices.length > 0) return { text: "", toolCalls: [call("offer_choices", { choices })] };
  }
  return { text: finalText(p), toolCalls: [] };
}

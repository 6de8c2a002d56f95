// Order Assistant: runs the bulk-order flow (order-flow.ts) over any number of turns.
// This file does the I/O (catalog) and the wording; the decisions are in the flow.
import type { Agent, AgentPlan, Button, Product, TurnContext } from "../chat/types";
import { actionPayload, agentButton, isIntroTurn, payloadString, systemFor } from "./conversation";
import { extractOrderDetails, type Decision } from "./order-details";
import {
  advanceOrder,
  BULK_ORDER_FLOW,
  isOrderOpen,
  MIN_BULK_QUANTITY,
  missingFields,
  orderFingerprint,
  readOrderState,
  type OrderOutcome,
  type OrderProduct,
  type OrderState,
} from "./order-flow";
import { formatPrice, productFromSource, searchCatalog, searchKeywords, type CatalogSearch } from "./products";

/** Button actions of this agent. */
export const ORDER_DECISION = "bulk_order_decision";
export const ORDER_PRODUCT = "bulk_order_product";

const systemPrompt =
  "You are Threadline's Order Assistant. You take bulk orders (10 or more units of one catalog item): " +
  "you collect the product, quantity, the visitor's name, phone and email, show the pickup location and " +
  "ask for confirmation. Use only the facts in the tool outputs; never invent prices, references or locations.";

/** Words of an order message that never name a product. */
const ORDER_WORDS = ["order", "bulk", "units", "unit", "pcs", "pieces", "qty", "quantity", "call", "phone", "email",
  "name", "mine", "reach", "number", "instead", "actually", "make", "change", "to", "place", "reserve", "pickup"];

const CONTACT_LABEL = { name: "your name", phone: "a phone number", email: "an email address" } as const;

function toOrderProduct(p: Product): OrderProduct {
  return { sku: p.sku, name: p.name, priceCents: p.priceCents, pickupLocation: p.pickupLocation };
}

function listWords(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function summary(state: OrderState): string {
  const p = state.product!;
  const qty = state.quantity!;
  return [
    `• ${qty} × ${p.name} (${p.sku}) — ${formatPrice(p.priceCents)} each, ${formatPrice(p.priceCents * qty)} total`,
    `• Name: ${state.name}`,
    `• Phone: ${state.phone}`,
    `• Email: ${state.email}`,
    `Pickup location: ${p.pickupLocation}`,
  ].join("\n");
}

/** The reply for an outcome of the flow: text and buttons. Pure. */
export function orderReply(state: OrderState, outcome: OrderOutcome): { draft: string; buttons: Button[] } {
  const what = state.product ? state.product.name : "the product";
  switch (outcome.kind) {
    case "need_product":
      return { draft: "Which product would you like to order in bulk? Name it with a quantity, e.g. \"20 water bottles\".", buttons: [] };
    case "need_quantity":
      return { draft: `How many ${what} would you like? Bulk orders start at ${MIN_BULK_QUANTITY} units.`, buttons: [] };
    case "quantity_out_of_range":
      return {
        draft: outcome.quantity < MIN_BULK_QUANTITY
          ? `Bulk orders start at ${MIN_BULK_QUANTITY} units, and you asked for ${outcome.quantity}. For fewer, you can buy ${what} directly in the store. How many would you like (${MIN_BULK_QUANTITY} or more)?`
          : `${outcome.quantity} is more than we can take in one order. How many ${what} would you like?`,
        buttons: [],
      };
    case "need_contact": {
      const have = `${state.quantity} × ${what}`;
      return { draft: `Got it: ${have}. To reserve it I need ${listWords(outcome.missing.map((f) => CONTACT_LABEL[f]))}.`, buttons: [] };
    }
    case "confirm": {
      const fingerprint = orderFingerprint(state);
      const button = (label: string, answer: Decision): Button => ({ label, action: { id: ORDER_DECISION, payload: { answer, fingerprint } } });
      const lead = outcome.stale ? "The details changed since that button was shown. Here is the current order:" : "Please confirm your bulk order:";
      return {
        draft: `${lead}\n${summary(state)}\n\nShall I place the order?`,
        buttons: [button("Yes, place order", "yes"), button("No, cancel", "no"), button("Change details", "change")],
      };
    }
    case "confirmed":
      return {
        draft: `Your order is confirmed! Reference ${state.reference}.\n${summary(state)}\n\nWe'll contact you at ${state.email} or ${state.phone} when it's ready for pickup.`,
        buttons: [agentButton("product_recommendation", "Browse more products")],
      };
    case "cancelled":
      return { draft: `Okay, the order is cancelled. Tell me a product and a quantity (${MIN_BULK_QUANTITY} or more) whenever you want to start again.`, buttons: [] };
    case "change":
      return { draft: "Sure — tell me what to change: the product, the quantity, your name, phone or email.", buttons: [] };
  }
}

function intro(): AgentPlan {
  return {
    system: systemFor(systemPrompt, "introduce yourself and ask what the visitor wants to order."),
    toolOutputs: {},
    draft: `Hi! I'm the Order Assistant. I take bulk orders — ${MIN_BULK_QUANTITY} or more units of one catalog item. ` +
      "Tell me what and how many (e.g. \"20 water bottles\"), then your name, phone and email, in any order. Type menu to see the other agents.",
    buttons: [],
    metadata: { kind: "intro" },
  };
}

function actionDecision(ctx: TurnContext): Decision | null {
  const answer = actionPayload(ctx).answer;
  return ctx.action?.id === ORDER_DECISION && (answer === "yes" || answer === "no" || answer === "change") ? answer : null;
}

/** The product the visitor picked with a button: from the stored tool outputs first (R10), else the catalog. */
async function chosenProduct(ctx: TurnContext, sku: string, toolOutputs: Record<string, unknown>): Promise<Product | null> {
  const stored = productFromSource(ctx.actionSource, sku);
  if (stored) return stored;
  const product = await ctx.catalog.get(sku);
  toolOutputs.product_lookup = { sku, found: product !== null, product };
  return product;
}

/**
 * The product a search names: the only product whose name holds every keyword, or — when
 * no product is chosen yet — the only result at all. Otherwise the visitor picks.
 */
function clearMatch(search: CatalogSearch, nameOnly: boolean): Product | null {
  const keys = searchKeywords(search.query).map((k) => k.replace(/(es|s)$/, ""));
  const named = search.products.filter((p) => keys.every((k) => p.name.toLowerCase().includes(k)));
  if (named.length === 1) return named[0];
  return !nameOnly && search.products.length === 1 ? search.products[0] : null;
}

export const orderAssistant: Agent = {
  key: "order_assistant",
  name: "Order Assistant",
  description: `takes bulk orders (${MIN_BULK_QUANTITY}+ units) and confirms pickup`,
  systemPrompt,
  async plan(ctx) {
    const prev = readOrderState(ctx.flows[BULK_ORDER_FLOW]);
    const sku = payloadString(ctx, "sku");
    if (!isOrderOpen(prev) && !sku && isIntroTurn(ctx)) return intro();

    const toolOutputs: Record<string, unknown> = {};
    // A button's label is not order details; only typed text is read.
    const details = extractOrderDetails(ctx.action ? "" : ctx.message, missingFields(prev));
    let product = sku ? await chosenProduct(ctx, sku, toolOutputs) : null;
    let search: CatalogSearch | null = null;
    const productKnown = isOrderOpen(prev) && prev.product !== null;
    if (!product && searchKeywords(details.rest, ORDER_WORDS).length > 0 && (!productKnown || details.quantity !== null)) {
      search = await searchCatalog(ctx.catalog, details.rest, 3, ORDER_WORDS);
      toolOutputs.catalog_search = search;
      product = clearMatch(search, productKnown);
    }

    const { state, outcome } = advanceOrder(prev, {
      sessionId: ctx.sessionId,
      details,
      product: product ? toOrderProduct(product) : null,
      decision: actionDecision(ctx),
      fingerprint: payloadString(ctx, "fingerprint"),
    });
    const reply = orderReply(state, outcome);
    let draft = reply.draft;
    const buttons = [...reply.buttons];
    if (outcome.kind === "need_product" && search) {
      const units = state.quantity ? ` (${state.quantity} units)` : "";
      draft = search.products.length > 0
        ? `I found a few matches — which one would you like to order${units}?`
        : `I couldn't find "${search.query}" in our catalog. ${draft}`;
      for (const p of search.products) {
        buttons.push({ label: `${p.name} (${formatPrice(p.priceCents)})`, action: { id: ORDER_PRODUCT, payload: { sku: p.sku } } });
      }
    }
    toolOutputs.bulk_order = { ...state, outcome: outcome.kind, ...(product ? { product } : {}) };
    return {
      system: systemFor(systemPrompt, `the flow's next step is "${outcome.kind}"; say what the draft says, in your own words.`),
      toolOutputs,
      draft,
      buttons,
      flows: { [BULK_ORDER_FLOW]: state },
      metadata: { kind: "bulk_order", status: state.status, outcome: outcome.kind, reference: state.reference },
    };
  },
};

// The bulk-order tools: they change the session's in-memory copy of the bulk_order flow
// state, which finish_turn saves with the reply (never before it).
import { z } from "zod";
import { singular } from "../agents/keywords";
import { extractDecision } from "../agents/order-details";
import {
  BULK_ORDER_FLOW,
  MAX_BULK_QUANTITY,
  MAX_ORDER_LINES,
  MIN_BULK_QUANTITY,
  cancelOrder as cancel,
  confirmOrder as confirm,
  fingerprint,
  hasRoomFor,
  isOpen,
  missing,
  orderSummary,
  readOrder,
  removeLine,
  setContact,
  setLine,
  startOrder as start,
  type BulkOrder,
  type OrderLine,
} from "../orders/bulk-order";
import { productBySku, searchProducts, type CatalogProduct } from "./catalog";
import { ToolRefusal, type ToolDefinition, type ToolRun } from "./types";

const current = (run: ToolRun) => readOrder(run.flows[BULK_ORDER_FLOW]);

function save(run: ToolRun, order: BulkOrder) {
  run.flows[BULK_ORDER_FLOW] = order as unknown as Record<string, unknown>;
  run.changedFlows.add(BULK_ORDER_FLOW);
  return view(order);
}

/** What the model sees after an order tool: the order, what it still needs, and the next step. */
export function view(order: BulkOrder) {
  const needs = missing(order);
  const next =
    order.status === "confirmed" ? "tell the visitor the order is placed, with its reference and the pickup location"
    : order.status === "cancelled" ? "tell the visitor the order is cancelled"
    : needs.length > 0 ? `ask for: ${needs.join(", ")}`
    : "show the summary with the pickup location and ask for an explicit yes (offer_choices: confirm_order / cancel_order)";
  return { status: order.status, lines: order.lines, missing: needs, summary: orderSummary(order), fingerprint: fingerprint(order), reference: order.reference, next };
}

const words = (text: string) => (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(singular).filter((w) => w.length > 2);

/** The catalog products an item text clearly names: every word of the item is in the product's name or tags. */
export function clearMatches(item: string, products: CatalogProduct[]): CatalogProduct[] {
  const wanted = words(item);
  if (wanted.length === 0) return [];
  return products.filter((p) => {
    const have = new Set(words([p.name, ...p.tags].join(" ")));
    return wanted.every((w) => have.has(w));
  });
}

const lineOf = (p: CatalogProduct, quantity: number): OrderLine => ({
  item: p.name, sku: p.sku, quantity, priceCents: p.price_cents, pickupLocation: p.pickup_location, special: false,
});

export const startOrder: ToolDefinition<Record<string, never>> = {
  name: "start_order",
  description: "Start a new bulk order (an open one is kept). Usually not needed: set_order_line starts one.",
  input: z.object({}),
  async execute(_input, run) {
    const order = current(run);
    return save(run, isOpen(order) ? order : start(order));
  },
};

export const setOrderLine: ToolDefinition<{ item: string; quantity: number; sku?: string }> = {
  name: "set_order_line",
  description:
    `Add a line to the bulk order, or change the quantity of an item already on it (${MIN_BULK_QUANTITY} or more units). ` +
    "Give the item as the visitor said it; with a SKU the catalog product is used. An item the catalog does not carry " +
    "becomes a special-order line for a quote. When several catalog products match, nothing changes and the candidates are returned.",
  input: z.object({
    item: z.string().trim().min(1).max(200).describe("The item as the visitor named it, e.g. \"remote controls\""),
    quantity: z.number().int().min(1).max(MAX_BULK_QUANTITY),
    sku: z.string().max(64).optional().describe("The catalog SKU, when known"),
  }),
  async execute({ item, quantity, sku }, run) {
    if (quantity < MIN_BULK_QUANTITY) {
      throw new ToolRefusal(`Bulk orders start at ${MIN_BULK_QUANTITY} units per line (asked: ${quantity}); fewer can be bought in the store directly.`);
    }
    let product: CatalogProduct | undefined;
    if (sku) {
      product = await productBySku(run.db, sku);
      if (!product) throw new ToolRefusal(`No product with SKU ${sku}.`);
    } else {
      const matches = clearMatches(item, await searchProducts(run.db, item, 5));
      if (matches.length > 1) return { ambiguous: true, item, quantity, candidates: matches.slice(0, 4), ...view(current(run) ?? start(null)) };
      product = matches[0];
    }
    const line: OrderLine = product ? lineOf(product, quantity) : { item, sku: null, quantity, priceCents: null, pickupLocation: null, special: true };
    const order = current(run);
    if (!hasRoomFor(order, line)) {
      throw new ToolRefusal(`An order holds at most ${MAX_ORDER_LINES} lines: remove one first, or place this one and start another order.`);
    }
    return { line, ...save(run, setLine(order, line)) };
  },
};

export const removeOrderLine: ToolDefinition<{ item: string }> = {
  name: "remove_order_line",
  description: "Remove a line from the open bulk order, by SKU or item name.",
  input: z.object({ item: z.string().trim().min(1).max(200) }),
  async execute({ item }, run) {
    const order = removeLine(current(run), item);
    if (!order) throw new ToolRefusal(`No line matching "${item}" on an open order.`);
    return save(run, order);
  },
};

const phone = z
  .string()
  .transform((v) => `${v.trim().startsWith("+") ? "+" : ""}${v.replace(/\D/g, "")}`)
  .refine((v) => v.replace("+", "").length >= 7 && v.replace("+", "").length <= 15, "a phone number has 7 to 15 digits");

export const setContactDetails: ToolDefinition<{ name?: string; phone?: string; email?: string }> = {
  name: "set_contact_details",
  description: "Set any of the visitor's name, phone and email on the bulk order (any order, any turn). Never ask for a delivery address: orders are picked up in store.",
  input: z.object({
    name: z.string().trim().min(1).max(120).optional(),
    phone: phone.optional(),
    email: z.email().max(254).optional(),
  }),
  async execute(contact, run) {
    if (!contact.name && !contact.phone && !contact.email) throw new ToolRefusal("Give at least one of name, phone, email.");
    return save(run, setContact(current(run), contact));
  },
};

export const confirmOrder: ToolDefinition<{ fingerprint?: string }> = {
  name: "confirm_order",
  description: "Place the bulk order. Only after the visitor saw the summary and clearly said yes in their latest message.",
  input: z.object({ fingerprint: z.string().max(64).optional().describe("The fingerprint of the summary the visitor confirmed") }),
  async execute(input, run) {
    const pressed = run.action?.id === "confirm_order";
    const shown = (pressed && typeof run.action?.payload?.fingerprint === "string" ? run.action.payload.fingerprint : null) ?? input.fingerprint ?? null;
    const outcome = confirm(current(run), { sessionId: run.sessionId, saidYes: pressed || extractDecision(run.message) === "yes", shown });
    if (!outcome.ok) throw new ToolRefusal(outcome.reason);
    return save(run, outcome.order);
  },
};

export const cancelOrder: ToolDefinition<Record<string, never>> = {
  name: "cancel_order",
  description: "Cancel the open bulk order when the visitor asks to.",
  input: z.object({}),
  async execute(_input, run) {
    const order = cancel(current(run));
    if (!order) throw new ToolRefusal("There is no open order to cancel.");
    return save(run, order);
  },
};

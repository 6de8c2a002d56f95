// The bulk order as a store takes it: several lines (catalog items or special-order
// items for a quote), the visitor's name, phone and email, store pickup, and a
// confirmation only after an explicit yes. Pure functions over the flow state that
// finish_turn saves (docs/architecture.md "Bulk orders"); no I/O here.
import { createHash } from "node:crypto";
import { z } from "zod";

export const BULK_ORDER_FLOW = "bulk_order";
export const MIN_BULK_QUANTITY = 10;
export const MAX_BULK_QUANTITY = 100_000;
export const MAX_ORDER_LINES = 20;

const lineSchema = z.object({
  item: z.string().min(1).max(200),
  sku: z.string().min(1).nullable(),
  quantity: z.number().int().min(MIN_BULK_QUANTITY).max(MAX_BULK_QUANTITY),
  priceCents: z.number().int().nonnegative().nullable(),
  pickupLocation: z.string().nullable(),
  /** Not in the catalog: the store sends a quote. */
  special: z.boolean(),
});

const orderSchema = z.object({
  status: z.enum(["collecting", "awaiting_confirmation", "confirmed", "cancelled"]),
  lines: z.array(lineSchema).max(MAX_ORDER_LINES),
  name: z.string().min(1).nullable(),
  phone: z.string().min(1).nullable(),
  email: z.string().min(1).nullable(),
  reference: z.string().nullable(),
  orderNumber: z.number().int().positive(),
});

export type OrderLine = z.infer<typeof lineSchema>;
export type BulkOrder = z.infer<typeof orderSchema>;
export type OrderNeed = "lines" | "name" | "phone" | "email";

/** The stored flow state, or null when there is none or it is not a valid order. */
export function readOrder(raw: unknown): BulkOrder | null {
  const parsed = orderSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function isOpen(order: BulkOrder | null): order is BulkOrder & { status: "collecting" | "awaiting_confirmation" } {
  return order !== null && (order.status === "collecting" || order.status === "awaiting_confirmation");
}

/** A new order; a later order in the same session keeps the contact details already given. */
export function startOrder(previous: BulkOrder | null): BulkOrder {
  return {
    status: "collecting",
    lines: [],
    name: previous?.name ?? null,
    phone: previous?.phone ?? null,
    email: previous?.email ?? null,
    reference: null,
    orderNumber: (previous?.orderNumber ?? 0) + 1,
  };
}

/** The open order, or a new one. */
export function openOrder(order: BulkOrder | null): BulkOrder {
  return isOpen(order) ? order : startOrder(order);
}

export function missing(order: BulkOrder): OrderNeed[] {
  const needs: OrderNeed[] = [];
  if (order.lines.length === 0) needs.push("lines");
  for (const f of ["name", "phone", "email"] as const) if (order[f] === null) needs.push(f);
  return needs;
}

/** Any change puts an open order back to collecting, or to awaiting confirmation once it is complete. */
function settle(order: BulkOrder): BulkOrder {
  return { ...order, reference: null, status: missing(order).length === 0 ? "awaiting_confirmation" : "collecting" };
}

const sameLine = (a: Pick<OrderLine, "sku" | "item">, b: Pick<OrderLine, "sku" | "item">) =>
  a.sku && b.sku ? a.sku === b.sku : !a.sku && !b.sku && a.item.toLowerCase() === b.item.toLowerCase();

/** Whether the line fits: the same item again, or a new one under MAX_ORDER_LINES. */
export function hasRoomFor(order: BulkOrder | null, line: Pick<OrderLine, "sku" | "item">): boolean {
  const lines = isOpen(order) ? order.lines : [];
  return lines.length < MAX_ORDER_LINES || lines.some((l) => sameLine(l, line));
}

/** Adds a line, or changes the quantity of the same item. */
export function setLine(order: BulkOrder | null, line: OrderLine): BulkOrder {
  const open = openOrder(order);
  const lines = open.lines.some((l) => sameLine(l, line))
    ? open.lines.map((l) => (sameLine(l, line) ? line : l))
    : [...open.lines, line];
  if (lines.length > MAX_ORDER_LINES) throw new Error(`An order holds at most ${MAX_ORDER_LINES} lines.`);
  return settle({ ...open, lines });
}

/** Removes the lines whose sku or item matches `what` (case-insensitive); null when none matched. */
export function removeLine(order: BulkOrder | null, what: string): BulkOrder | null {
  if (!isOpen(order)) return null;
  const needle = what.trim().toLowerCase();
  const keep = order.lines.filter((l) => l.sku?.toLowerCase() !== needle && !l.item.toLowerCase().includes(needle));
  return keep.length === order.lines.length ? null : settle({ ...order, lines: keep });
}

export function setContact(order: BulkOrder | null, contact: { name?: string; phone?: string; email?: string }): BulkOrder {
  const open = openOrder(order);
  const next = { ...open };
  for (const f of ["name", "phone", "email"] as const) {
    const value = contact[f]?.trim();
    if (value) next[f] = value;
  }
  return settle(next);
}

function digest(parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/** Identifies the details a visitor is asked to confirm; a confirm button carries it. */
export function fingerprint(order: BulkOrder): string {
  return digest([order.lines.map((l) => [l.sku, l.item, l.quantity]), order.name, order.phone, order.email]).slice(0, 16);
}

/** Stable across retries: derived from the session and the confirmed details. */
export function orderReference(sessionId: string, order: BulkOrder): string {
  return `BO-${digest([sessionId, order.orderNumber, fingerprint(order)]).slice(0, 10).toUpperCase()}`;
}

export type ConfirmOutcome = { ok: true; order: BulkOrder } | { ok: false; reason: string };

/**
 * Places the order. `saidYes` is whether the visitor's own message (or pressed button) was an
 * explicit yes; `shown` is the fingerprint of the summary the visitor saw, when a button carried one.
 */
export function confirmOrder(order: BulkOrder | null, input: { sessionId: string; saidYes: boolean; shown?: string | null }): ConfirmOutcome {
  if (order?.status === "confirmed") return { ok: true, order };
  if (!isOpen(order)) return { ok: false, reason: "There is no open order to confirm." };
  const needs = missing(order);
  if (needs.length > 0) return { ok: false, reason: `The order still needs: ${needs.join(", ")}.` };
  if (order.status !== "awaiting_confirmation") return { ok: false, reason: "Show the visitor the summary first." };
  if (!input.saidYes) return { ok: false, reason: "The visitor has not said yes: show the summary and ask for an explicit yes." };
  if (input.shown && input.shown !== fingerprint(order)) return { ok: false, reason: "The order changed since that summary was shown: show the current one." };
  const confirmed: BulkOrder = { ...order, status: "confirmed" };
  return { ok: true, order: { ...confirmed, reference: orderReference(input.sessionId, confirmed) } };
}

export function cancelOrder(order: BulkOrder | null): BulkOrder | null {
  return isOpen(order) ? { ...order, status: "cancelled", reference: null } : null;
}

const priceFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
export const formatPrice = (cents: number) => priceFormat.format(cents / 100);

export function lineText(l: OrderLine): string {
  if (l.special || l.priceCents === null) return `${l.quantity} × ${l.item} — special order, we'll send you a quote`;
  return `${l.quantity} × ${l.item} (${l.sku}) — ${formatPrice(l.priceCents)} each, ${formatPrice(l.priceCents * l.quantity)}`;
}

/** Where the visitor picks the order up: every catalog line's store (special orders: with the quote). */
export function pickupText(order: BulkOrder): string {
  const stores = [...new Set(order.lines.flatMap((l) => (l.pickupLocation ? [l.pickupLocation] : [])))];
  if (stores.length === 0) return "Pickup location: given with the quote (in-store pickup, no delivery).";
  return `Pickup location: ${stores.join("; ")} (in-store pickup).`;
}

/** The order as the visitor sees it: lines, contact details given so far, pickup location. */
export function orderSummary(order: BulkOrder): string {
  const lines = order.lines.map((l) => `• ${lineText(l)}`);
  const total = order.lines.reduce((sum, l) => sum + (l.priceCents ?? 0) * l.quantity, 0);
  if (order.lines.some((l) => !l.special) && order.lines.length > 1) lines.push(`Catalog total: ${formatPrice(total)}`);
  for (const [f, label] of [["name", "Name"], ["phone", "Phone"], ["email", "Email"]] as const) {
    if (order[f]) lines.push(`• ${label}: ${order[f]}`);
  }
  if (order.lines.length > 0) lines.push(pickupText(order));
  return lines.join("\n");
}

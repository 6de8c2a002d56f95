// The bulk-order flow as a pure state machine: (state in the database, what the visitor
// said) -> (new state, what to ask next). No I/O; the state is only what's in ctx.flows.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Decision, OrderDetails, OrderField } from "./order-details";

export const BULK_ORDER_FLOW = "bulk_order";
export const MIN_BULK_QUANTITY = 10;
export const MAX_BULK_QUANTITY = 100_000;

const orderProductSchema = z.object({
  sku: z.string().min(1),
  name: z.string(),
  priceCents: z.number().int().nonnegative(),
  pickupLocation: z.string(),
});

const orderStateSchema = z.object({
  status: z.enum(["collecting", "awaiting_confirmation", "confirmed", "cancelled"]),
  product: orderProductSchema.nullable(),
  quantity: z.number().int().min(MIN_BULK_QUANTITY).max(MAX_BULK_QUANTITY).nullable(),
  name: z.string().min(1).nullable(),
  phone: z.string().min(1).nullable(),
  email: z.string().min(1).nullable(),
  reference: z.string().nullable(),
  orderNumber: z.number().int().positive(),
});

export type OrderProduct = z.infer<typeof orderProductSchema>;
export type OrderState = z.infer<typeof orderStateSchema>;
export type ContactField = "name" | "phone" | "email";

export type OrderOutcome =
  | { kind: "need_product" }
  | { kind: "need_quantity" }
  | { kind: "quantity_out_of_range"; quantity: number }
  | { kind: "need_contact"; missing: ContactField[] }
  | { kind: "confirm"; stale: boolean }
  | { kind: "confirmed" }
  | { kind: "cancelled" }
  | { kind: "change" };

export interface OrderInput {
  sessionId: string;
  /** What the visitor's text said (see extractOrderDetails). */
  details: OrderDetails;
  /** The catalog product the visitor named or chose this turn, if any. */
  product: OrderProduct | null;
  /** A decision from a clicked button; overrides the one in the text. */
  decision?: Decision | null;
  /** The fingerprint of the summary a clicked confirm button belonged to. */
  fingerprint?: string | null;
}

/** The stored flow state, or null when there is none or it is not a valid order state. */
export function readOrderState(raw: unknown): OrderState | null {
  const parsed = orderStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function isOrderOpen(state: OrderState | null): state is OrderState & { status: "collecting" | "awaiting_confirmation" } {
  return state !== null && (state.status === "collecting" || state.status === "awaiting_confirmation");
}

/** What the order still needs, in the order we ask for it. */
export function missingFields(state: OrderState | null): OrderField[] {
  if (!isOrderOpen(state)) return ["product", "quantity", "name", "phone", "email"];
  const fields: OrderField[] = [];
  if (!state.product) fields.push("product");
  if (state.quantity === null) fields.push("quantity");
  for (const f of ["name", "phone", "email"] as const) if (state[f] === null) fields.push(f);
  return fields;
}

function digest(parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/** Identifies the details a visitor is asked to confirm; a confirm button carries it. */
export function orderFingerprint(state: OrderState): string {
  return digest([state.product?.sku, state.quantity, state.name, state.phone, state.email]).slice(0, 16);
}

/** The order reference: derived from the session and the confirmed details, so it is stable across retries. */
export function orderReference(sessionId: string, state: OrderState): string {
  const hex = digest([sessionId, state.orderNumber, state.product?.sku, state.quantity, state.name, state.phone, state.email]);
  return `BO-${hex.slice(0, 10).toUpperCase()}`;
}

function freshOrder(previous: OrderState | null): OrderState {
  return {
    status: "collecting",
    product: null,
    quantity: null,
    // A later order in the same session keeps the contact details already given.
    name: previous?.name ?? null,
    phone: previous?.phone ?? null,
    email: previous?.email ?? null,
    reference: null,
    orderNumber: (previous?.orderNumber ?? 0) + 1,
  };
}

export function advanceOrder(prev: OrderState | null, input: OrderInput): { state: OrderState; outcome: OrderOutcome } {
  const { details } = input;
  const decision = input.decision ?? details.decision;
  const hasContact = details.name !== null || details.phone !== null || details.email !== null;
  const namesOrder = input.product !== null || details.quantity !== null;

  if (prev && !isOrderOpen(prev)) {
    // A finished order stays finished (a second click on "Yes" changes nothing) until a new one starts.
    const startsNew = namesOrder || (prev.status === "cancelled" && hasContact);
    if (!startsNew) return { state: prev, outcome: { kind: prev.status === "confirmed" ? "confirmed" : "cancelled" } };
  }
  const wasAwaiting = prev?.status === "awaiting_confirmation";
  const base = isOrderOpen(prev) ? prev : freshOrder(prev);
  const state: OrderState = { ...base, reference: null };
  let outOfRange: number | null = null;

  if (input.product && input.product.sku !== state.product?.sku) state.product = input.product;
  if (details.quantity !== null) {
    const q = details.quantity;
    if (Number.isInteger(q) && q >= MIN_BULK_QUANTITY && q <= MAX_BULK_QUANTITY) state.quantity = q;
    else {
      state.quantity = null;
      outOfRange = q;
    }
  }
  for (const f of ["name", "phone", "email"] as const) {
    const value = details[f]?.trim();
    if (value) state[f] = value;
  }
  const changed = orderFingerprint(state) !== orderFingerprint(base) || state.product?.sku !== base.product?.sku;

  if (decision === "cancel" || (decision === "no" && wasAwaiting && !changed)) {
    return { state: { ...state, status: "cancelled" }, outcome: { kind: "cancelled" } };
  }
  if (outOfRange !== null) {
    return { state: { ...state, status: "collecting" }, outcome: { kind: "quantity_out_of_range", quantity: outOfRange } };
  }
  const missing = missingFields(state);
  if (missing.length > 0) {
    const next = { ...state, status: "collecting" as const };
    if (!state.product) return { state: next, outcome: { kind: "need_product" } };
    if (state.quantity === null) return { state: next, outcome: { kind: "need_quantity" } };
    return { state: next, outcome: { kind: "need_contact", missing: missing as ContactField[] } };
  }
  if (wasAwaiting && !changed && decision === "yes") {
    if (input.fingerprint && input.fingerprint !== orderFingerprint(state)) {
      return { state: { ...state, status: "awaiting_confirmation" }, outcome: { kind: "confirm", stale: true } };
    }
    const confirmed: OrderState = { ...state, status: "confirmed" };
    return { state: { ...confirmed, reference: orderReference(input.sessionId, confirmed) }, outcome: { kind: "confirmed" } };
  }
  if (decision === "change" && !changed) {
    return { state: { ...state, status: "collecting" }, outcome: { kind: "change" } };
  }
  return { state: { ...state, status: "awaiting_confirmation" }, outcome: { kind: "confirm", stale: false } };
}

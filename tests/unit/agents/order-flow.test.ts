import { describe, expect, it } from "vitest";
import { extractOrderDetails } from "../../../lib/agents/order-details";
import {
  advanceOrder,
  missingFields,
  orderFingerprint,
  orderReference,
  readOrderState,
  type OrderInput,
  type OrderProduct,
  type OrderState,
} from "../../../lib/agents/order-flow";

const lamp: OrderProduct = { sku: "TRL-LAMP", name: "Beacon Headlamp", priceCents: 4900, pickupLocation: "Store C, 7 Pine Avenue, Denver" };
const mug: OrderProduct = { sku: "TRL-MUG", name: "Insulated Camp Mug", priceCents: 2400, pickupLocation: "Warehouse A, 12 Harbor Road, Portland" };
const session = "5f0c6d2e-8a4b-4c1e-9f7a-0d2b3c4e5f60";

/** One visitor message through the flow, with the state surviving a JSON round trip (the database). */
function say(state: OrderState | null, text: string, extra: Partial<OrderInput> = {}) {
  const stored = state === null ? null : readOrderState(JSON.parse(JSON.stringify(state)));
  const details = extractOrderDetails(text, missingFields(stored));
  return advanceOrder(stored, { sessionId: session, details, product: null, ...extra });
}

describe("bulk order flow", () => {
  it("collects product, quantity, name, phone and email over several messages, then confirms", () => {
    let r = say(null, "I want to order 25 headlamps", { product: lamp });
    expect(r.outcome).toEqual({ kind: "need_contact", missing: ["name", "phone", "email"] });
    expect(r.state).toMatchObject({ status: "collecting", quantity: 25, product: lamp });

    r = say(r.state, "I'm Ana Lopez, ana@x.io");
    expect(r.outcome).toEqual({ kind: "need_contact", missing: ["phone"] });

    r = say(r.state, "call me at +1 555 123 4567");
    expect(r.outcome).toEqual({ kind: "confirm", stale: false });
    expect(r.state).toMatchObject({ status: "awaiting_confirmation", name: "Ana Lopez", phone: "+15551234567", email: "ana@x.io" });

    const awaiting = r.state;
    r = say(awaiting, "yes");
    expect(r.outcome).toEqual({ kind: "confirmed" });
    expect(r.state.status).toBe("confirmed");
    expect(r.state.reference).toMatch(/^BO-[0-9A-F]{10}$/);
    // deterministic: the same session and details give the same reference
    expect(say(awaiting, "yes").state.reference).toBe(r.state.reference);
    expect(orderReference("another-session", r.state)).not.toBe(r.state.reference);
  });

  it("accepts the details in any order, all in one message", () => {
    const r = say(null, "Ana Lopez here? no — my name is Ana Lopez, 555-123-4567, ana@x.io, 12 mugs", { product: mug });
    expect(r.outcome.kind).toBe("confirm");
    expect(r.state).toMatchObject({ quantity: 12, name: "Ana Lopez", phone: "5551234567", email: "ana@x.io" });
  });

  it("asks for the product first, then the quantity", () => {
    let r = say(null, "I'd like to place a bulk order");
    expect(r.outcome.kind).toBe("need_product");
    r = say(r.state, "headlamps", { product: lamp });
    expect(r.outcome.kind).toBe("need_quantity");
    r = say(r.state, "30");
    expect(r.outcome).toEqual({ kind: "need_contact", missing: ["name", "phone", "email"] });
  });

  it("explains the bulk minimum below 10 and keeps collecting", () => {
    let r = say(null, "5 headlamps", { product: lamp });
    expect(r.outcome).toEqual({ kind: "quantity_out_of_range", quantity: 5 });
    expect(r.state).toMatchObject({ status: "collecting", quantity: null, product: lamp });
    r = say(r.state, "ok, make it 10");
    expect(r.state.quantity).toBe(10);
    expect(r.outcome.kind).toBe("need_contact");
  });

  it("'no' at the confirmation cancels; 'change' goes back to editing; new details re-confirm", () => {
    const ready = say(null, "20 mugs, I'm Ana Lopez, ana@x.io, +1 555 123 4567", { product: mug }).state;
    expect(ready.status).toBe("awaiting_confirmation");

    expect(say(ready, "no").outcome.kind).toBe("cancelled");

    const changing = say(ready, "change details");
    expect(changing.outcome.kind).toBe("change");
    const updated = say(changing.state, "email is ana@new.io");
    expect(updated.outcome).toEqual({ kind: "confirm", stale: false });
    expect(updated.state.email).toBe("ana@new.io");

    // "yes" together with a change is not a confirmation of details the visitor has not seen
    const yesButChanged = say(ready, "yes, but use ana@other.io");
    expect(yesButChanged.outcome.kind).toBe("confirm");
    expect(yesButChanged.state.status).toBe("awaiting_confirmation");
  });

  it("a stale confirm button re-shows the current order instead of confirming", () => {
    const ready = say(null, "20 mugs, I'm Ana Lopez, ana@x.io, +1 555 123 4567", { product: mug }).state;
    const stale = say(ready, "", { decision: "yes", fingerprint: "0000000000000000" });
    expect(stale.outcome).toEqual({ kind: "confirm", stale: true });
    const fresh = say(ready, "", { decision: "yes", fingerprint: orderFingerprint(ready) });
    expect(fresh.outcome.kind).toBe("confirmed");
  });

  it("a finished order stays finished; a new product or quantity starts a new order keeping the contact", () => {
    const ready = say(null, "20 mugs, I'm Ana Lopez, ana@x.io, +1 555 123 4567", { product: mug }).state;
    const done = say(ready, "yes").state;
    const again = say(done, "", { decision: "yes" });
    expect(again.outcome.kind).toBe("confirmed");
    expect(again.state).toEqual(done);

    const next = say(done, "and 15 headlamps", { product: lamp });
    expect(next.outcome.kind).toBe("confirm");
    expect(next.state).toMatchObject({ orderNumber: 2, product: lamp, quantity: 15, name: "Ana Lopez", reference: null });
    expect(say(next.state, "yes").state.reference).not.toBe(done.reference);
  });

  it("cancel works at any step", () => {
    const r = say(say(null, "20 mugs", { product: mug }).state, "cancel");
    expect(r.outcome.kind).toBe("cancelled");
    expect(r.state.status).toBe("cancelled");
  });

  it("invalid stored state is treated as no state", () => {
    expect(readOrderState(null)).toBeNull();
    expect(readOrderState({ status: "weird" })).toBeNull();
    expect(readOrderState({ status: "collecting", product: null, quantity: 3, name: null, phone: null, email: null, reference: null, orderNumber: 1 })).toBeNull();
    expect(missingFields(null)).toEqual(["product", "quantity", "name", "phone", "email"]);
  });
});

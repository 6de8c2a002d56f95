import { describe, expect, it } from "vitest";
import { cancelOrder, confirmOrder, fingerprint, missing, orderSummary, readOrder, removeLine, setContact, setLine, startOrder, type OrderLine }
  from "../../../lib/orders/bulk-order";

const lamp: OrderLine = { item: "Beacon Headlamp", sku: "TRL-LAMP", quantity: 25, priceCents: 4900, pickupLocation: "Store C, 7 Pine Avenue, Denver", special: false };
const remotes: OrderLine = { item: "remote controls", sku: null, quantity: 11, priceCents: null, pickupLocation: null, special: true };
const session = "7a1d9b52-3c4e-4f60-8a9b-0c1d2e3f4a5b";

describe("bulk order", () => {
  it("holds several lines; the same item changes its quantity", () => {
    let o = setLine(null, lamp);
    o = setLine(o, remotes);
    o = setLine(o, { ...lamp, quantity: 40 });
    expect(o.lines.map((l) => [l.item, l.quantity])).toEqual([["Beacon Headlamp", 40], ["remote controls", 11]]);
    expect(removeLine(o, "remote")!.lines).toHaveLength(1);
    expect(removeLine(o, "kayak")).toBeNull();
  });

  it("contact details in any order and any turn; complete → awaiting confirmation", () => {
    let o = setContact(null, { email: "ana@example.com" });
    expect(missing(o)).toEqual(["lines", "name", "phone"]);
    o = setLine(o, remotes);
    o = setContact(o, { phone: "+15551234567" });
    expect(o.status).toBe("collecting");
    o = setContact(o, { name: "Ana Lopez" });
    expect(o.status).toBe("awaiting_confirmation");
  });

  it("the summary shows lines, special orders for a quote and the pickup location; never a delivery address", () => {
    const o = setContact(setLine(setLine(null, lamp), remotes), { name: "Ana", phone: "+1555", email: "a@b.co" });
    const text = orderSummary(o);
    expect(text).toContain("25 × Beacon Headlamp (TRL-LAMP) — $49.00 each, $1,225.00");
    expect(text).toContain("11 × remote controls — special order, we'll send you a quote");
    expect(text).toContain("Pickup location: Store C, 7 Pine Avenue, Denver");
    expect(text).not.toMatch(/deliver(y|ed) to|address:/i);
  });

  it("confirms only an awaiting order, on an explicit yes, with the summary the visitor saw", () => {
    const collecting = setLine(null, lamp);
    expect(confirmOrder(collecting, { sessionId: session, saidYes: true })).toMatchObject({ ok: false, reason: expect.stringMatching(/needs/) });
    const ready = setContact(collecting, { name: "Ana", phone: "+15551234567", email: "a@b.co" });
    expect(confirmOrder(ready, { sessionId: session, saidYes: false })).toMatchObject({ ok: false, reason: expect.stringMatching(/yes/) });
    expect(confirmOrder(ready, { sessionId: session, saidYes: true, shown: "stale" })).toMatchObject({ ok: false });
    const done = confirmOrder(ready, { sessionId: session, saidYes: true, shown: fingerprint(ready) });
    expect(done).toMatchObject({ ok: true, order: { status: "confirmed", reference: expect.stringMatching(/^BO-[0-9A-F]{10}$/) } });
    // a second yes changes nothing; the reference is stable
    const again = confirmOrder((done as unknown as { order: never }).order, { sessionId: session, saidYes: true });
    expect(again).toEqual(done);
  });

  it("a cancelled order stays cancelled; a new one keeps the contact details", () => {
    const ready = setContact(setLine(null, lamp), { name: "Ana", phone: "+15551234567", email: "a@b.co" });
    const cancelled = cancelOrder(ready)!;
    expect(cancelled.status).toBe("cancelled");
    expect(cancelOrder(cancelled)).toBeNull();
    const next = startOrder(cancelled);
    expect(next).toMatchObject({ status: "collecting", lines: [], name: "Ana", orderNumber: 2 });
  });

  it("reads only valid stored state", () => {
    expect(readOrder({ status: "collecting" })).toBeNull();
    expect(readOrder(setLine(null, lamp))).not.toBeNull();
  });
});

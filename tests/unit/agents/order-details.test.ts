import { describe, expect, it } from "vitest";
import {
  extractDecision,
  extractEmail,
  extractName,
  extractOrderDetails,
  extractPhone,
  extractQuantity,
} from "../../../lib/agents/order-details";

describe("extracting order details from free text", () => {
  it("reads a name and an email from one sentence", () => {
    const d = extractOrderDetails("I'm Ana Lopez, ana@x.io");
    expect(d.name).toBe("Ana Lopez");
    expect(d.email).toBe("ana@x.io");
    expect(d.phone).toBeNull();
    expect(d.quantity).toBeNull();
  });

  it("reads a phone number without mistaking it for a quantity", () => {
    const d = extractOrderDetails("call me at +1 555 123 4567");
    expect(d.phone).toBe("+15551234567");
    expect(d.quantity).toBeNull();
    expect(d.name).toBeNull();
  });

  it("reads quantity and product words together, leaving the product in `rest`", () => {
    const d = extractOrderDetails("I need 25 headlamps for my team");
    expect(d.quantity).toBe(25);
    expect(d.rest).toContain("headlamps");
    expect(d.rest).not.toContain("25");
  });

  it("reads everything at once, in any order", () => {
    const d = extractOrderDetails("email ANA@Example.com; phone 555-123-4567. My name is ana lopez and I want 40 mugs");
    expect(d).toMatchObject({ email: "ana@example.com", phone: "5551234567", name: "ana lopez", quantity: 40 });
    expect(d.rest).toContain("mugs");
  });

  it.each([
    ["25", 25],
    ["x30 please", 30],
    ["12pcs", 12],
    ["1,200 bottles", 1200],
    ["twenty-five of them", 25],
    ["twenty one bottles", 21],
    ["two dozen mugs", 24],
    ["a hundred bottles", 100],
  ])("quantity in %j is %d", (text, qty) => {
    expect(extractQuantity(text)?.quantity).toBe(qty);
  });

  it.each(["the blue one", "TRL-TENT-2 please", "$25 budget", "no numbers here"])("no quantity in %j", (text) => {
    expect(extractQuantity(text)).toBeNull();
  });

  it("phone numbers need 7–15 digits and look like a phone", () => {
    expect(extractPhone("(555) 123-4567")).toBe("5551234567");
    expect(extractPhone("+44 20 7946 0958")).toBe("+442079460958");
    expect(extractPhone("I need 1000000 units")).toBeNull();
    expect(extractPhone("my number is 5551234")).toBe("5551234");
    expect(extractPhone("25 tents")).toBeNull();
  });

  it("emails are lowercased", () => {
    expect(extractEmail("Reach me: Bob.Smith+orders@Mail.Example.org.")).toBe("bob.smith+orders@mail.example.org");
    expect(extractEmail("bob at example dot com")).toBeNull();
  });

  it("does not take a name from 'I'm looking for…' or 'call me at'", () => {
    expect(extractName("I'm looking for tents")).toBeNull();
    expect(extractName("call me at 555 1234")).toBeNull();
    expect(extractName("This is great")).toBeNull();
    expect(extractName("Hi, I am José García-Núñez and I need tents")?.name).toBe("José García-Núñez");
  });

  it("takes a bare name only when one is expected", () => {
    expect(extractOrderDetails("Ana Lopez").name).toBeNull();
    expect(extractOrderDetails("Ana Lopez", ["name", "email"]).name).toBe("Ana Lopez");
    expect(extractOrderDetails("ana lopez", ["name", "email"]).name).toBeNull();
    expect(extractOrderDetails("ana lopez", ["name"]).name).toBe("ana lopez");
    // while the product is unknown, capitalised words are more likely a product
    expect(extractOrderDetails("Beacon Headlamp", ["product", "name"]).name).toBeNull();
    expect(extractOrderDetails("sounds good", ["name"]).name).toBeNull();
  });

  it.each([
    ["yes", "yes"],
    ["Yes please", "yes"],
    ["ok go ahead", "yes"],
    ["no", "no"],
    ["nope", "no"],
    ["please cancel the order", "cancel"],
    ["never mind", "cancel"],
    ["no, change the email", "change"],
    ["I want 20 tents", null],
  ])("decision in %j is %s", (text, decision) => {
    expect(extractDecision(text)).toBe(decision);
  });
});

// The rule evaluators: a typed registry like the tools (lib/tools/registry.ts). Each is a pure
// function over the evaluation input; the database lists the same keys (evaluators_rule_key_check).
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { UngradableError, type EvaluationInput, type ExpectedToolCall, type Grade, type RuleDefinition } from "./types";

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, " ");

/** The products a reply names: SKUs ("SKU TRL-TENT-2"), "Name — $price" lines and **bold** names. */
export function namedProducts(reply: string): { skus: string[]; names: string[] } {
  const skus = [...reply.matchAll(/\bSKU[:#\s]+([A-Z0-9][A-Z0-9_-]{1,40})/gi)].map((m) => m[1]);
  const priced = [...reply.matchAll(/^\s*(?:[-*•]|\d+[.)])?\s*\**([^\n*—–]{2,80}?)\**\s+[—–]\s+[$€£]\s?\d/gm)].map((m) => m[1]);
  const bold = [...reply.matchAll(/\*\*([^*\n]{2,80})\*\*/g)].map((m) => m[1]);
  return { skus: [...new Set(skus)], names: [...new Set([...priced, ...bold].map((n) => n.trim()))] };
}

export const catalogProductsExist: RuleDefinition<Record<string, never>> = {
  key: "catalog_products_exist",
  description: "Every product the reply names (by SKU, a \"Name — $price\" line or a bold name) exists in the catalog.",
  scoreConfig: "catalog_products_exist",
  options: z.object({}).strip() as z.ZodType<Record<string, never>>,
  grade(input) {
    const { skus, names } = namedProducts(input.reply?.content ?? "");
    const knownSkus = new Set(input.products.map((p) => norm(p.sku)));
    const knownNames = new Set(input.products.map((p) => norm(p.name)));
    const unknown = [...skus.filter((s) => !knownSkus.has(norm(s))), ...names.filter((n) => !knownNames.has(norm(n)))];
    if (unknown.length) return { value: false, comment: `Not in the catalog: ${unknown.join(", ")}.` };
    const n = skus.length + names.length;
    return { value: true, comment: n ? `All ${n} named products are in the catalog.` : "The reply names no product." };
  },
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /\d{6,}/;

export const orderConfirmedWithContact: RuleDefinition<Record<string, never>> = {
  key: "order_confirmed_with_contact",
  description: "An order was confirmed, and only with the visitor's name, a phone number and an email address.",
  scoreConfig: "order_confirmed_with_contact",
  options: z.object({}).strip() as z.ZodType<Record<string, never>>,
  grade(input) {
    const confirmed = input.orders.filter((o) => o.status === "confirmed");
    if (confirmed.length === 0) return { value: false, comment: "No order was confirmed." };
    for (const o of confirmed) {
      const lacking = [
        !o.name?.trim() && "name",
        !(o.phone && PHONE.test(o.phone.replace(/[\s().+-]/g, ""))) && "phone",
        !(o.email && EMAIL.test(o.email.trim())) && "email",
      ].filter(Boolean);
      if (lacking.length) return { value: false, comment: `Order ${o.reference ?? o.orderNumber} was confirmed without ${lacking.join(", ")}.` };
    }
    return { value: true, comment: `Confirmed with name, phone and email: ${confirmed.map((o) => o.reference ?? o.orderNumber).join(", ")}.` };
  },
};

/** Every field of the expected args equals the call's field of the same name (nested objects too). */
function argsMatch(expected: unknown, actual: unknown): boolean {
  if (expected === undefined) return true;
  if (expected === null || typeof expected !== "object" || Array.isArray(expected)) return isDeepStrictEqual(expected, actual);
  if (actual === null || typeof actual !== "object") return false;
  return Object.entries(expected).every(([k, v]) => argsMatch(v, (actual as Record<string, unknown>)[k]));
}

const callText = (c: ExpectedToolCall) => (c.args === undefined ? c.name : `${c.name}(${JSON.stringify(c.args)})`);

export const expectedToolCalls: RuleDefinition<Record<string, never>> = {
  key: "expected_tool_calls",
  description: "The reply's turn made exactly the expected tool calls, in order (expected args: each given field equal).",
  scoreConfig: "expected_tool_calls",
  options: z.object({}).strip() as z.ZodType<Record<string, never>>,
  grade(input) {
    const expected = input.expected.toolCalls;
    if (!expected) throw new UngradableError("expected_tool_calls needs the expected tool calls.");
    const actual = input.toolCalls;
    const made = actual.map((c) => c.name).join(", ") || "none";
    if (actual.length !== expected.length) return { value: false, comment: `Expected ${expected.length} tool calls (${expected.map(callText).join(", ") || "none"}), made ${actual.length} (${made}).` };
    const wrong = expected.findIndex((e, i) => e.name !== actual[i].name || !argsMatch(e.args, actual[i].args));
    if (wrong >= 0) return { value: false, comment: `Call ${wrong + 1}: expected ${callText(expected[wrong])}, made ${actual[wrong].name}(${JSON.stringify(actual[wrong].args)}).` };
    return { value: true, comment: `The expected tool calls were made: ${made}.` };
  },
};

export const replyUnderChars: RuleDefinition<{ max_chars: number }> = {
  key: "reply_under_chars",
  description: "The reply has at most max_chars characters (an evaluator's option, 600 by default).",
  scoreConfig: "reply_under_chars",
  options: z.object({ max_chars: z.number().int().min(1).max(100_000).default(600) }),
  grade(input, { max_chars }) {
    const n = [...(input.reply?.content ?? "")].length;
    return { value: n <= max_chars, comment: `${n} characters (limit ${max_chars}).` };
  },
};

const definitions = [catalogProductsExist, orderConfirmedWithContact, expectedToolCalls, replyUnderChars] as RuleDefinition<unknown>[];

export const ruleRegistry: ReadonlyMap<string, RuleDefinition<unknown>> = new Map(definitions.map((d) => [d.key, d]));
export const ruleKeys: readonly string[] = definitions.map((d) => d.key);

/** Grades an input with a rule and its (parsed) options. */
export function gradeWithRule(key: string, options: unknown, input: EvaluationInput): Grade {
  const rule = ruleRegistry.get(key);
  if (!rule) throw new UngradableError(`No rule evaluator ${key} in this build.`);
  const parsed = rule.options.safeParse(options ?? {});
  if (!parsed.success) throw new UngradableError(`Bad options for ${key}: ${parsed.error.issues[0]?.message}`);
  return rule.grade(input, parsed.data);
}

import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { ruleKeys, ruleRegistry } from "@/lib/evaluators";
import { namedProducts } from "@/lib/evaluators/rules";
import { evaluatorRuleKeys } from "@/lib/evaluators/wire";

// The rule registry, the API's list of rules and the database's check name the same rules
// (docs/architecture.md, "Evaluators"), and each rule writes a score config seeded with it.

it("the registry, the API and evaluators_rule_key_check list the same rule keys", () => {
  const sql = readFileSync("supabase/schemas/16_evaluators.sql", "utf8");
  const check = /constraint evaluators_rule_key_check check \(rule_key in \(([^)]*)\)\)/s.exec(sql)?.[1] ?? "";
  const inSql = [...check.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
  expect([...ruleKeys].sort()).toEqual([...inSql].sort());
  expect([...evaluatorRuleKeys].sort()).toEqual([...inSql].sort());
  for (const rule of ruleRegistry.values()) expect(sql).toContain(`'${rule.scoreConfig}', 'boolean'`);
});

it("reads the products a reply names: SKUs, priced lines and bold names", () => {
  expect(namedProducts("Ridgeline 2-Person Tent — $289.00\nCategory: camping · SKU TRL-TENT-2\nAlso **Ember 20F Sleeping Bag**.")).toEqual({
    skus: ["TRL-TENT-2"],
    names: ["Ridgeline 2-Person Tent", "Ember 20F Sleeping Bag"],
  });
  expect(namedProducts("Hello! How can I help?")).toEqual({ skus: [], names: [] });
});

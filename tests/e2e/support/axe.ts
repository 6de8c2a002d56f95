import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

// The one axe-core check of the browser tests (docs/architecture.md, "Test helpers"): a spec asserts
// `expect(await seriousViolations(page)).toEqual([])` wherever a screen must be accessible.

/** The WCAG 2.1 A and AA rules every spec checks. */
export const wcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * axe-core's serious and critical violations on the page (or inside `include`, a CSS selector),
 * each with its rule, help text and first five targets: `[]` when clean.
 */
export async function seriousViolations(page: Page, include?: string) {
  const builder = new AxeBuilder({ page }).withTags(wcagTags);
  const results = await (include ? builder.include(include) : builder).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

import { mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { expect, test } from "./fixtures";
import { seriousViolations } from "./support/axe";
import { loginAsOperator } from "./pages/explorer";

// The Agents page: an operator saves instructions as a draft (the live version stays), publishes
// it, and reads both in the version history with a diff; no serious or critical axe-core finding
// at 1280 and 375 px. Each test edits an agent of its own (disabled, so the widget's menu of the
// other specs is unchanged).

mkdirSync("test-results/screenshots", { recursive: true });

const views = [
  { name: "desktop", viewport: { width: 1280, height: 900 } },
  { name: "phone", viewport: { width: 375, height: 740 } },
] as const;

for (const view of views) {
  test.describe(`the Agents page at ${view.name}`, () => {
    test.use({ viewport: view.viewport });

    test("save as draft, publish, and the history with a diff", async ({ page, sql }) => {
      const key = `e2e_${randomUUID().slice(0, 8)}`;
      await sql(`insert into agents (key, name, description, instructions, tools, handoffs, is_enabled)
                 values ($1, 'Returns Desk', 'Returns and exchanges', $2, '{search_catalog}', '{order_assistant}', false)`,
        [key, "You handle returns.\nBe brief."]);
      await loginAsOperator(page, `/agents?agent=${key}`);
      await expect(page.getByTestId("nav-agents")).toHaveAttribute("aria-current", "page");
      await expect(page.getByTestId("agent-live")).toContainText("New sessions get version 1");
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByTestId("agent-instructions").fill("You handle returns.\nBe brief and kind.");
      await page.getByTestId("agent-tool-product_details").check();
      await page.getByTestId("agent-save-draft").click();
      await expect(page.getByTestId("agent-status")).toContainText("Saved as draft version 2");
      await expect(page.getByTestId("agent-live")).toContainText("draft version 2 is not live");
      const draft = page.getByTestId("version-2");
      await expect(draft).toHaveAttribute("data-status", "draft");
      await expect(draft.getByTestId("version-diff")).toContainText("Be brief and kind.");
      await expect(draft.getByTestId("version-diff")).toContainText("tools: search_catalog, product_details");
      expect(await sql("select version, draft_version from agents where key = $1", [key])).toEqual([{ version: 1, draft_version: 2 }]);
      expect(await seriousViolations(page)).toEqual([]);
      // nothing wider than the screen
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(view.viewport.width);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `test-results/screenshots/agents-draft-${view.name}.png`, fullPage: true });

      await page.getByTestId("publish-2").click();
      await expect(page.getByTestId("agent-live")).toContainText("New sessions get version 2.");
      await expect(draft).toHaveAttribute("data-status", "published");
      await expect(draft).toContainText("live");
      await expect(page.getByTestId("version-1")).toContainText("The first version.");
      expect(await sql("select version, draft_version, instructions from agents where key = $1", [key]))
        .toEqual([{ version: 2, draft_version: null, instructions: "You handle returns.\nBe brief and kind." }]);
      expect(await seriousViolations(page)).toEqual([]);
    });

    test("attach evaluators with a sample rate (online evaluation)", async ({ page, sql }) => {
      const key = `e2e_${randomUUID().slice(0, 8)}`;
      await sql(`insert into agents (key, name, description, instructions, tools, handoffs, is_enabled)
                 values ($1, 'Graded Desk', 'Graded answers', 'You answer.', '{search_catalog}', '{}', false)`, [key]);
      await loginAsOperator(page, `/agents?agent=${key}`);
      const section = page.getByTestId("agent-evaluators");
      await expect(section).toContainText("Online evaluators");
      await section.getByTestId("evaluator-on-helpfulness_judge").check();
      await section.getByTestId("evaluator-rate-helpfulness_judge").fill("0.25");
      await section.getByTestId("evaluator-on-reply_under_chars").check();
      await section.getByTestId("agent-evaluators-save").click();
      await expect(section.getByTestId("agent-evaluators-status")).toContainText("2 evaluators grade new traces.");
      expect(await sql(`select e.name, ae.sample_rate::float8 as rate from agent_evaluators ae join evaluators e on e.id = ae.evaluator_id
                         where ae.agent_key = $1 order by e.name`, [key]))
        .toEqual([{ name: "helpfulness_judge", rate: 0.25 }, { name: "reply_under_chars", rate: 1 }]);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(view.viewport.width);
      await section.screenshot({ path: `test-results/screenshots/agents-evaluators-${view.name}.png` });
      // a rate out of range is refused on the page, nothing saved
      await section.getByTestId("evaluator-rate-helpfulness_judge").fill("3");
      await section.getByTestId("agent-evaluators-save").click();
      await expect(section.getByTestId("agent-evaluators-status")).toContainText("must be a number from 0 to 1");
      await sql("delete from agent_evaluators where agent_key = $1", [key]);
    });
  });
}

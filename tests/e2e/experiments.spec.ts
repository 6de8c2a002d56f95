import { mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { loginAsOperator } from "./pages/explorer";

// A dataset page (items, the expected answer edited, an experiment started from it), the experiment
// page once the background replay finished, and the comparison of two runs; no serious or critical
// axe-core finding and nothing wider than the screen at 1280 and 375 px (docs/architecture.md,
// "Datasets and experiments"). Screenshots: test-results/screenshots/{dataset,experiment,comparison}-*.png.

mkdirSync("test-results/screenshots", { recursive: true });

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

async function fits(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

const views = [
  { name: "desktop", viewport: { width: 1280, height: 900 } },
  { name: "phone", viewport: { width: 375, height: 740 } },
] as const;

const bulkOrder = (name: string, phone: string) =>
  ["Hi so i need to buy 12 remote controls", name, `my number is ${phone}`, `${name.split(" ")[0].toLowerCase()}@example.com`, "yes"].map((content) => ({ role: "user", content }));

for (const view of views) {
  test.describe(`datasets and experiments at ${view.name}`, () => {
    test.use({ viewport: view.viewport });

    test("Add to dataset on a visitor message of a trace: a new dataset, the expected answer prefilled from the reply", async ({ page, playwright, baseURL, sql }) => {
      const visitor = await playwright.request.newContext({ baseURL });
      const turn = (await (await visitor.post("/api/chat", { data: { message: "I need a tent for two", agent: "product_recommendation" } })).json()) as { traceId: string; reply: { content: string } };
      await visitor.dispose();
      const name = `e2e-add-${randomUUID().slice(0, 8)}`;
      await loginAsOperator(page, `/traces/${turn.traceId}`);
      await page.getByTestId("add-to-dataset-open").first().click();
      await expect(page.getByTestId("add-to-dataset-expected")).toHaveValue(turn.reply.content);
      await page.getByTestId("add-to-dataset-name").fill(name);
      await page.getByTestId("add-to-dataset-expected").fill("A two-person tent, with its price.");
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByTestId("add-to-dataset-save").click();
      await expect(page.getByTestId("add-to-dataset").first().getByRole("status")).toHaveText(`Added to ${name}.`);
      expect(await sql("select i.expected_output, i.messages, i.source_trace_id from dataset_items i join datasets d on d.id = i.dataset_id where d.name = $1", [name]))
        .toEqual([{ expected_output: "A two-person tent, with its price.", messages: [{ role: "user", content: "I need a tent for two" }], source_trace_id: turn.traceId }]);
    });

    test("a dataset page, an experiment run from it, and the comparison of two runs", async ({ page, sql }) => {
      test.setTimeout(120_000);
      const name = `e2e-${randomUUID().slice(0, 8)}`;
      await sql("select create_dataset($1, 'Bulk orders to confirm', 'e2e')", [name]);
      await sql("select add_dataset_items($1, $2::jsonb)", [name, JSON.stringify([
        { messages: bulkOrder("Ana Lopez", "555-123-4567"), expected_output: "Your order is confirmed." },
        { messages: bulkOrder("Ben Carter", "555-123-4568") },
      ])]);

      await loginAsOperator(page, `/datasets/${name}`);
      await expect(page.getByTestId("nav-datasets")).toHaveAttribute("aria-current", "page");
      await expect(page.getByTestId("dataset-title")).toHaveText(name);
      const items = page.getByTestId("dataset-item");
      await expect(items).toHaveCount(2);
      await items.nth(1).getByTestId("dataset-item-expected").fill("Confirmed, pick it up at the store.");
      await items.nth(1).getByTestId("dataset-item-save").click();
      await expect(items.nth(1).getByRole("status")).toHaveText("Saved.");
      expect(await seriousViolations(page)).toEqual([]);
      await fits(page, view.viewport.width);
      await page.screenshot({ path: `test-results/screenshots/dataset-${view.name}.png`, fullPage: true });

      const runs: string[] = [];
      for (let i = 0; i < 2; i++) {
        await page.goto(`/datasets/${name}`);
        await page.getByTestId("start-experiment-agent").selectOption("order_assistant");
        await page.getByTestId("start-experiment-version").fill("1");
        await page.getByLabel("order_confirmed_with_contact").check();
        await page.getByTestId("start-experiment-run").click();
        await page.waitForURL(/\/experiments\/[0-9a-f-]{36}$/);
        await expect(page.getByTestId("experiment-status")).toHaveText("completed", { timeout: 60_000 });
        runs.push(page.url().split("/").pop()!);
      }
      await expect(page.getByTestId("experiment-summary")).toContainText("2 of 2 items replayed");
      await expect(page.getByTestId("experiment-items")).toContainText("confirm_order");
      await expect(page.getByTestId("experiment-items")).toContainText("order_confirmed_with_contact: true");
      expect(await seriousViolations(page)).toEqual([]);
      await fits(page, view.viewport.width);
      await page.screenshot({ path: `test-results/screenshots/experiment-${view.name}.png`, fullPage: true });

      await page.goto("/experiments");
      await expect(page.getByTestId("experiments-table")).toContainText(runs[1].slice(0, 8));
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto(`/experiments/${runs[0]}/compare/${runs[1]}`);
      await expect(page.getByTestId("compare-items").locator("> li")).toHaveCount(2);
      await expect(page.getByTestId("compare-totals")).toContainText("order_confirmed_with_contact (mean)");
      await expect(page.getByTestId("compare-deltas").first()).toContainText("order_confirmed_with_contact 0");
      expect(await seriousViolations(page)).toEqual([]);
      await fits(page, view.viewport.width);
      await page.screenshot({ path: `test-results/screenshots/comparison-${view.name}.png`, fullPage: true });

      // nothing of the runs reached the visitors' data or a real order
      expect(await sql("select count(*)::int as n from flow_states f join conversation_sessions s on s.id = f.session_id where s.experiment_id = any($1) and not f.is_experiment", [runs]))
        .toEqual([{ n: 0 }]);
    });
  });
}

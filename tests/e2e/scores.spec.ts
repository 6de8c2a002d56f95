import { mkdir } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { seriousViolations } from "./support/axe";
import { loginAsOperator } from "./pages/explorer";

// Scoring from the trace detail (docs/rules.md, "Scores and comments"): the visitor's rating and the
// operator's own scores side by side, grouped by source and author; a comment on the trace and one on a
// message, edited by its author; axe-core clean at 1280 and 375 px.

const shots = process.env.THREADLINE_SCREENSHOTS ?? "test-results/screenshots";

test.describe.serial("scores and comments in the trace detail", () => {
  let traceId = "";

  test.beforeAll(async ({ playwright }) => {
    await mkdir(shots, { recursive: true });
    const baseURL = process.env.THREADLINE_E2E_URL ?? test.info().project.use.baseURL;
    const visitor = await playwright.request.newContext({ baseURL });
    const res = await visitor.post("/api/chat", { data: { message: "I need a tent for two", agent: "product_recommendation" } });
    expect(res.status(), await res.text()).toBe(200);
    const turn = (await res.json()) as { sessionId: string; traceId: string };
    traceId = turn.traceId;
    // the visitor answers "Was this chat helpful?" with a comment
    expect((await visitor.post(`/api/sessions/${turn.sessionId}/feedback`, { data: { rating: "positive", comment: "quick answer" } })).status()).toBe(200);
    await visitor.dispose();
  });

  for (const view of [{ name: "desktop", width: 1280, height: 900 }, { name: "phone", width: 375, height: 800 }] as const) {
    test(`an operator scores and comments at ${view.name}`, async ({ page }) => {
      await page.setViewportSize({ width: view.width, height: view.height });
      await loginAsOperator(page, `/traces/${traceId}`);
      const scores = page.getByTestId("scores-panel");
      await expect(scores.locator('[data-testid="score-group"][data-source="visitor"] [data-testid="score"]')).toHaveAttribute("data-value", "true");

      // the operator's own rating (the old feedback form) and a quality score beside the visitor's
      const rating = page.getByTestId("feedback-editor");
      await rating.getByTestId("feedback-negative").click();
      await rating.getByTestId("feedback-comment").fill(`Recommended a tent we do not stock (${view.name})`);
      await rating.getByTestId("feedback-save").click();
      await expect(page.getByTestId("feedback-status")).toHaveAttribute("data-kind", "saved");
      await scores.getByTestId("score-name").selectOption("quality");
      await scores.getByTestId("score-value").selectOption(view.name === "desktop" ? "poor" : "ok");
      await scores.getByTestId("score-comment").fill("Missed the budget question");
      await scores.getByTestId("score-save").click();
      await expect(scores.getByTestId("score-status")).toHaveAttribute("data-kind", "saved");

      const mine = scores.locator('[data-testid="score-group"][data-source="operator"]');
      await expect(mine.locator('[data-testid="score"][data-name="quality"]')).toHaveAttribute("data-value", view.name === "desktop" ? "poor" : "ok");
      await expect(mine.locator('[data-testid="score"][data-name="helpful"]')).toHaveAttribute("data-value", "false");
      // the visitor's rating survived the operator's
      await expect(scores.locator('[data-testid="score-group"][data-source="visitor"] [data-testid="score"]')).toHaveAttribute("data-value", "true");
      await expect(page.getByTestId("trace-figures").getByTestId("feedback-badge")).toHaveAttribute("data-feedback", "positive");

      // a comment on the trace, one on the agent's reply, the first edited
      const comments = page.getByTestId("comments-panel");
      const before = await comments.getByTestId("comment").count();
      await comments.getByTestId("comment-text-input").fill(`Follow up with the catalog team (${view.name})`);
      await comments.getByTestId("comment-add").click();
      await expect(comments.getByTestId("comment")).toHaveCount(before + 1);
      await comments.getByTestId("comment-target").selectOption({ index: 2 });
      await comments.getByTestId("comment-text-input").fill("This reply names the wrong tent");
      await comments.getByTestId("comment-add").click();
      await expect(comments.getByTestId("comment")).toHaveCount(before + 2);
      const first = comments.getByTestId("comment").nth(before);
      await first.getByTestId("comment-edit").click();
      await first.getByTestId("comment-edit-text").fill(`Catalog team told (${view.name})`);
      await first.getByTestId("comment-edit-save").click();
      await expect(first.getByTestId("comment-text")).toHaveText(`Catalog team told (${view.name})`);
      await expect(comments.getByTestId("comment").nth(before + 1)).toContainText("on message 2 (agent)");

      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `${shots}/trace-scores-${view.name}.png`, fullPage: true });

      // everything survives a reload: each score under its source and author, the visitor's rating beside them
      await page.reload();
      const operator = scores.locator('[data-testid="score-group"][data-source="operator"]');
      await expect(operator).toHaveAttribute("data-author", "admin");
      await expect(operator.locator('[data-testid="score"][data-name="quality"]')).toHaveAttribute("data-value", view.name === "desktop" ? "poor" : "ok");
      await expect(operator).toContainText("Missed the budget question");
      await expect(scores.locator('[data-testid="score-group"][data-source="visitor"] [data-testid="score"]')).toHaveAttribute("data-value", "true");
      await expect(comments.getByTestId("comment").nth(before)).toContainText(`Catalog team told (${view.name})`);
      if (view.name === "desktop") {
        // the reload kept the scroll position: from the top, so the sticky bar sits where it belongs
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${shots}/trace-detail-scores.png`, fullPage: true });
      }
    });
  }

  test("the explorer filters and sorts by a score, kept in the URL; the dashboard charts it", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await loginAsOperator(page, "/traces");
    await page.getByTestId("filter-score").selectOption("quality");
    await expect(page).toHaveURL(/score=quality/);
    await page.getByTestId("filter-score-op").selectOption("eq");
    // a categorical score compares by its category (the API's value is its position)
    await page.getByTestId("filter-score-value").selectOption({ label: "ok" });
    await expect(page).toHaveURL(/score=quality&scoreOp=eq&scoreValue=2/);
    const row = page.locator(`[data-testid="trace-row"][data-trace-id="${traceId}"]`);
    await expect(row.getByTestId("trace-score")).toHaveText("ok");
    for (const r of await page.getByTestId("trace-row").all()) await expect(r.getByTestId("trace-score")).toContainText("ok");
    await page.getByTestId("sort-score").click();
    await expect(page).toHaveURL(/sort=score/);
    await page.reload();
    await expect(page.getByTestId("filter-score")).toHaveValue("quality");
    await expect(page.getByTestId("sort-score")).toHaveAttribute("data-sorted", /asc|desc/);
    await expect(row).toBeVisible();

    await page.goto("/dashboard");
    const card = page.getByTestId("chart-scores");
    await card.getByTestId("score-series").selectOption("quality · operator");
    await expect(card.getByTestId("score-count")).not.toHaveText("0");
    await expect(card.getByTestId("score-chart-categories")).toBeVisible();
    await card.getByTestId("score-series").selectOption("helpful · visitor");
    await expect(card.getByTestId("score-average")).toContainText("% true");
    await expect(card.getByTestId("score-chart-agent")).toBeVisible();
    await card.screenshot({ path: `${shots}/dashboard-scores.png` });
  });
});

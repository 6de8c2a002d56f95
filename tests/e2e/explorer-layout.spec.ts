import { expect, test } from "./fixtures";
import { ChatWidget } from "./pages/chat-widget";
import { loginAsOperator } from "./pages/explorer";

// Found when the explorer was tried as a new operator would (issue 22, item 7): at 1280 px the
// table showed its last column only after a sideways scroll, and on a phone the filters pushed
// the results below the fold.

test.describe("the explorer's layout", () => {
  test.beforeEach(async ({ page }) => {
    // a trace with a long agent name, tools and a model, so every column has something wide in it
    const chat = await ChatWidget.withAgent(page, "product_recommendation");
    await chat.sendAndWait("a waterproof rain jacket");
  });

  test("at 1280 px every column of the table is shown without scrolling sideways", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await loginAsOperator(page, "/traces");
    const table = page.getByTestId("trace-table");
    await expect(page.getByTestId("trace-row").first()).toBeVisible();
    const { tableWidth, boxWidth } = await table.evaluate((el) => ({ tableWidth: el.scrollWidth, boxWidth: el.parentElement!.clientWidth }));
    expect(tableWidth).toBeLessThanOrEqual(boxWidth);
    const last = page.getByTestId("trace-row").first().locator("td").last();
    const box = await last.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
  });

  test("at 375 px the filters fold away under one button and the first result is above the fold", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 740 });
    await loginAsOperator(page, "/traces");
    await expect(page.getByTestId("tag-search")).toBeVisible();
    await expect(page.getByTestId("filter-agent")).toBeHidden();
    const first = page.getByTestId("trace-row").first();
    await expect(first).toBeVisible();
    const box = await first.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(740);

    const toggle = page.getByTestId("filters-toggle");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(page.getByTestId("filter-agent")).toBeVisible();
    await page.getByTestId("filter-agent").selectOption("product_recommendation");
    await toggle.click();
    await expect(toggle).toHaveText("Filters (1 on)");
  });
});

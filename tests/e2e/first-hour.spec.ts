import { mkdirSync } from "node:fs";
import { expect, test } from "./fixtures";
import { seriousViolations } from "./support/axe";
import { ChatWidget } from "./pages/chat-widget";

// The widget's first hour (docs/widget.md, "Earlier chats", "Settings", "Handoffs"): a visitor's earlier
// chats in a list (GET /api/sessions), opened read-only and left for the current one; the ⋯ settings
// menu; the handoff note and divider after a reload; no badge without a trace. Screenshots of the
// chat list and the settings menu go to docs/screenshots/.

mkdirSync("docs/screenshots", { recursive: true });

/** axe-core checks the widget's panel only */
const chatPanel = '[data-testid="chat-panel"]';

for (const view of [
  { name: "1280", viewport: { width: 1280, height: 800 } },
  { name: "375", viewport: { width: 375, height: 740 } },
]) {
  test.describe(`at ${view.name} px`, () => {
    test.use({ viewport: view.viewport });

    test("a visitor with three earlier chats sees them in the list, opens one read-only and returns to the active one", async ({ page }) => {
      const chat = new ChatWidget(page);
      await chat.goto();
      await chat.open();
      const earlier: [string, string][] = [
        ["product_recommendation", "a light tent for two"],
        ["sales_pitch", "why the Ridgeline tent?"],
        ["order_assistant", "I want to order 20 insulated camp mugs"],
      ];
      for (const [agent, words] of earlier) {
        await chat.chooseAgent(agent);
        await chat.waitForReply();
        await chat.sendAndWait(words);
        await chat.newChat();
      }
      await chat.chooseAgent("product_recommendation");
      await chat.waitForReply();
      await chat.sendAndWait("the current chat: a rain jacket");
      // the agent's name is never cut on a wide screen
      const title = chat.title;
      if (view.viewport.width >= 1280) expect(await title.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      await expect(title).toHaveText("Product Recommendation");

      await chat.panel.getByTestId("show-chats").click();
      const items = chat.panel.getByTestId("chat-list-item");
      await expect(items).toHaveCount(4);
      await expect(items.first()).toHaveAttribute("aria-current", "true");
      await expect(items.first()).toContainText("Product Recommendation");
      await expect(items.nth(1)).toContainText("Order Assistant");
      await expect(items.nth(2)).toContainText("Sales Pitch");
      await expect(items.nth(2)).toContainText(/#\d{3}\]/);
      await expect(items.nth(2)).toContainText("Ended");
      await page.screenshot({ path: `docs/screenshots/widget-chat-list-${view.name}.png` });
      expect(await seriousViolations(page, chatPanel)).toEqual([]);

      // an ended chat opens read-only with its history
      await items.nth(2).click();
      await expect(chat.panel.getByTestId("past-chat")).toBeVisible();
      await expect(chat.title).toHaveText("Sales Pitch");
      expect(await chat.messageTexts("user")).toEqual(["why the Ridgeline tent?"]);
      await expect(chat.input).toHaveCount(0);
      await expect(chat.panel.getByTestId("vote-up")).toHaveCount(0);
      expect(await seriousViolations(page, chatPanel)).toEqual([]);

      // back to the active one, as it was
      await chat.panel.getByTestId("back-to-current").click();
      await expect(chat.panel.getByTestId("past-chat")).toHaveCount(0);
      expect(await chat.messageTexts("user")).toEqual(["the current chat: a rain jacket"]);
      await expect(chat.input).toBeVisible();
      expect(await chat.sendAndWait("and one in blue?")).not.toBe("");

      // picking the current chat in the list also comes back to it
      await chat.panel.getByTestId("show-chats").click();
      await items.first().click();
      expect(await chat.messageTexts("user")).toEqual(["the current chat: a rain jacket", "and one in blue?"]);
    });

    test("the ⋯ settings menu holds tracking and deleting the history; the list is empty after deleting", async ({ page }) => {
      const chat = await ChatWidget.withAgent(page, "sales_pitch");
      await chat.sendAndWait("why the Ridgeline tent?");
      await expect(chat.trackingToggle).toBeHidden();
      await chat.openSettings();
      await expect(chat.trackingToggle).toBeVisible();
      await expect(chat.panel.getByTestId("delete-history")).toBeVisible();
      await page.screenshot({ path: `docs/screenshots/widget-settings-${view.name}.png` });
      expect(await seriousViolations(page, chatPanel)).toEqual([]);

      await chat.panel.getByTestId("delete-history").click();
      await chat.panel.getByTestId("delete-history-confirm").click();
      await expect(chat.agentMenu).toBeVisible();
      await chat.panel.getByTestId("show-chats").click();
      await expect(chat.panel.getByTestId("chat-list")).toContainText("No chats yet.");
    });
  });
}

test("a handoff shows the previous agent's note and a divider, and both are still there after a reload", async ({ page }) => {
  const chat = await ChatWidget.withAgent(page, "product_recommendation");
  await chat.send("I need 25 headlamps for the team");
  await expect(chat.panel.locator('[data-testid="session-divider"][data-kind="handoff"]')).toHaveText(/Order Assistant takes over/, { timeout: 15_000 });
  await expect(chat.stopButton).toBeHidden();
  const shown = await chat.messageTexts();
  expect(shown.some((t) => /hand you to our order specialist/.test(t))).toBe(true);
  await expect(chat.title).toHaveText("Order Assistant");

  await page.reload();
  await chat.open();
  await expect(chat.panel.locator('[data-testid="session-divider"][data-kind="handoff"]')).toHaveText(/Order Assistant takes over/);
  // the restored session is the Order Assistant's: the question, the note, the divider, its reply (the greeting before stays behind)
  expect(await chat.messageTexts()).toEqual(shown.slice(-3));
  expect(shown.at(-3)).toBe("I need 25 headlamps for the team");
});

test("tracking off: no badge, since the tag would name no trace", async ({ page }) => {
  const chat = await ChatWidget.withAgent(page, "sales_pitch", "/", { tracking: false });
  await expect(chat.panel.getByText("We usually reply in seconds")).toBeVisible();
  await expect(chat.badge).toHaveCount(0);
  await page.reload();
  await chat.open();
  await expect(chat.agentMessages).toHaveCount(1);
  await expect(chat.badge).toHaveCount(0);
});

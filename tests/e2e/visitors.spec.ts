import { expect, test, viewports } from "./fixtures";
import { seriousViolations } from "./support/axe";
import { ChatWidget } from "./pages/chat-widget";
import { loginAsOperator } from "./pages/explorer";

// The Visitors page and a visitor's page at 1280 and 375 px: the visitor's figures and sessions, the
// reference the widget's badge copies finding exactly their trace in the explorer, erase behind a
// confirmation, and no serious or critical axe-core finding.

for (const view of viewports) {
  test.describe(`visitors at ${view.name}`, () => {
    test.use({ viewport: view.viewport });

    test("the Visitors page, a visitor's page with its sessions, and the badge's reference in the explorer", async ({ page, sql }) => {
      const chat = await ChatWidget.withAgent(page, "product_recommendation");
      await chat.sendAndWait("a waterproof rain jacket");
      await chat.vote("up");
      const copied = await chat.copySessionTag();
      await chat.newChat();
      await chat.chooseAgent("sales_pitch");
      await chat.waitForReply();
      const sessionId = await chat.storedSessionId();
      const [{ user_id: visitorId }] = await sql<{ user_id: string }>("select user_id from conversation_sessions where id = $1", [sessionId]);

      await loginAsOperator(page, "/visitors");
      const row = page.getByTestId("visitor-row").filter({ has: page.locator(`[href="/visitors/${visitorId}"]`) });
      await expect(page.getByTestId("visitor-row").first()).toBeVisible();
      // newest first: this visitor is on the first page
      await expect(row).toBeVisible();
      await expect(row).toContainText(`v:${visitorId.slice(0, 8)}`);
      await expect(row).toContainText("votes 1 up / 0 down");
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `docs/screenshots/visitors-${view.name}.png`, fullPage: view.name === "phone" });

      // search by the reference
      await page.getByTestId("visitor-search").fill(visitorId.slice(0, 8));
      await page.getByTestId("visitor-search").press("Enter");
      await expect(page.getByTestId("visitor-row")).toHaveCount(1);

      await row.getByRole("link").first().click();
      const detail = page.getByTestId("visitor-detail");
      await expect(detail).toHaveAttribute("data-visitor-id", visitorId);
      await expect(page.getByTestId("visitor-session-row")).toHaveCount(2);
      await expect(page.getByTestId("visitor-session-row").first()).toContainText("new chat");
      await expect(page.getByTestId("visitor-session-row").first()).toContainText("votes 1 up / 0 down");
      await expect(page.getByTestId("export-visitor")).toHaveAttribute("href", `/api/visitors/${visitorId}/export`);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `docs/screenshots/visitor-${view.name}.png`, fullPage: true });

      // erase asks first; Cancel leaves everything
      await page.getByTestId("erase-visitor").click();
      await expect(page.getByTestId("erase-confirm")).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole("button", { name: "Cancel" }).click();
      await expect(page.getByTestId("erase-confirm")).toHaveCount(0);

      // the copied "tag · v:ref" finds exactly this visitor's trace
      await page.goto(`/traces?tag=${encodeURIComponent(copied)}`);
      await expect(page.getByTestId("trace-visitor")).toHaveCount(1);
      await expect(page.getByTestId("trace-visitor")).toHaveText(`v:${visitorId.slice(0, 8)}`);
    });

    test("erasing a visitor from their page", async ({ page, sql }) => {
      const chat = await ChatWidget.withAgent(page, "sales_pitch");
      await chat.sendAndWait("why should I buy the Ridgeline tent?");
      const sessionId = await chat.storedSessionId();
      const [{ user_id: visitorId }] = await sql<{ user_id: string }>("select user_id from conversation_sessions where id = $1", [sessionId]);
      await loginAsOperator(page, `/visitors/${visitorId}`);
      await page.getByTestId("erase-visitor").click();
      await page.getByTestId("erase-confirm-button").click();
      await expect(page.getByTestId("visitors-notice")).toBeVisible();
      expect(await sql("select 1 from conversation_sessions where user_id = $1", [visitorId])).toHaveLength(0);
      await page.goto(`/visitors/${visitorId}`);
      await expect(page.getByTestId("visitor-not-found")).toBeVisible();
    });
  });
}

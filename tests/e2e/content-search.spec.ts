import { mkdir } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { seriousViolations } from "./support/axe";
import { loginAsOperator, TraceExplorer } from "./pages/explorer";

// Search by what was said (docs/architecture.md, "Search box"): words in the explorer's search box
// find the trace whose visitor wrote them; the row shows the message with the words in <mark> and
// links to that message in the trace detail. axe-core clean at 1280 px.

const shots = process.env.THREADLINE_SCREENSHOTS ?? "test-results/screenshots";
// letters only, so the search box reads it as words, not as a tag
const code = Array.from({ length: 8 }, () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)]).join("");

test("an operator finds a chat by the words the visitor wrote", async ({ page, playwright }) => {
  await mkdir(shots, { recursive: true });
  const baseURL = process.env.THREADLINE_E2E_URL ?? test.info().project.use.baseURL;
  const visitor = await playwright.request.newContext({ baseURL });
  const res = await visitor.post("/api/chat", { data: { message: `I want a refund for my tent, order ${code}`, agent: "order_assistant" } });
  expect(res.status(), await res.text()).toBe(200);
  const { traceId } = (await res.json()) as { traceId: string };
  await visitor.dispose();

  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAsOperator(page);
  const explorer = new TraceExplorer(page);
  await explorer.search.fill(`refund ${code}`);
  await expect(explorer.searchMode).toHaveAttribute("data-mode", "words");
  await expect(explorer.rows).toHaveCount(1);
  const match = explorer.rows.first().getByTestId("search-match");
  await expect(match.locator("mark")).toHaveText(["refund", code]);
  await expect(match).toContainText("I want a refund for my tent");
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: `${shots}/content-search-desktop.png` });
  await page.screenshot({ path: `${shots}/content-search.png` });

  const messageId = await match.getAttribute("data-message-id");
  await match.click();
  await expect(page).toHaveURL(new RegExp(`/traces/${traceId}#message-${messageId}$`));
  await expect(page.locator(`[id="message-${messageId}"]`)).toContainText(`I want a refund for my tent, order ${code}`);
  await expect(page.locator(`[id="message-${messageId}"]`)).toBeInViewport();
});

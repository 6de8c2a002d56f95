import { mkdirSync } from "node:fs";
import { expect, test, viewports } from "./fixtures";
import { ChatWidget } from "./pages/chat-widget";
import { loginAsOperator, TraceDetail } from "./pages/explorer";

// "Try again" on the last agent reply (docs/architecture.md "Try again"), at desktop and at 375 px:
// the new reply takes the old one's place, a reload shows only the newest, the database keeps both
// and the trace detail shows the old one marked superseded.

mkdirSync("test-results/screenshots", { recursive: true });

for (const view of viewports) {
  test.describe(`Try again at ${view.name} (${view.viewport.width} px)`, () => {
    test.use({ viewport: view.viewport });

    test("Try again shows the new reply in place of the last one; the reload shows only the newest", async ({ page, sql }) => {
      const chat = await ChatWidget.withAgent(page, "product_recommendation");
      // a greeting answers nothing the visitor said: nothing to try again
      await expect(chat.panel.getByTestId("try-again")).toHaveCount(0);
      const firstText = await chat.sendAndWait("I need a light tent for backpacking");
      const first = chat.lastAgentMessage();
      const firstId = await first.getAttribute("data-message-id");
      // only on the last agent reply
      await expect(chat.panel.getByTestId("try-again")).toHaveCount(1);
      await expect(chat.agentMessages.first().getByTestId("try-again")).toHaveCount(0);

      await first.getByTestId("try-again").click();
      await expect(chat.lastAgentMessage()).not.toHaveAttribute("data-message-id", firstId!, { timeout: 15_000 });
      await expect(chat.lastAgentMessage()).toHaveAttribute("data-status", "done", { timeout: 15_000 });
      const newId = await chat.lastAgentMessage().getAttribute("data-message-id");
      expect(await chat.lastAgentText()).toMatch(/^Let me try that again\./);
      await expect(chat.agentMessages).toHaveCount(2); // greeting + the new reply, the old one replaced
      await expect(chat.userMessages).toHaveCount(1);
      await expect(chat.panel.locator(`[data-message-id="${firstId}"]`)).toHaveCount(0);
      await page.screenshot({ path: `test-results/screenshots/widget-try-again-${view.name}.png` });

      const stored = await sql<{ id: string; content: string; superseded_by: string | null }>(
        "select r.id, r.content, r.superseded_by from conversation_messages r join conversation_messages q on q.id = r.reply_to where q.content = 'I need a light tent for backpacking' and q.session_id = $1 order by r.seq",
        [await chat.storedSessionId()]);
      expect(stored.map((r) => [r.id, r.superseded_by])).toEqual([[firstId, newId], [newId, null]]);
      expect(stored[0].content.trim()).toContain(firstText.split("\n")[0].trim());

      await page.reload();
      await chat.open();
      await expect(chat.agentMessages).toHaveCount(2);
      await expect(chat.lastAgentMessage()).toHaveAttribute("data-message-id", newId!);
      await expect(chat.panel.locator(`[data-message-id="${firstId}"]`)).toHaveCount(0);
      await expect(chat.lastAgentMessage().getByTestId("try-again")).toBeVisible();
    });

    test("the trace detail shows both answers, the first marked superseded, and both model calls", async ({ page, sql }) => {
      const chat = new ChatWidget(page);
      await chat.goto();
      await chat.open();
      await chat.sendAndWait("a warm sleeping bag");
      const firstId = await chat.lastAgentMessage().getAttribute("data-message-id");
      await chat.lastAgentMessage().getByTestId("try-again").click();
      await expect(chat.lastAgentMessage()).not.toHaveAttribute("data-message-id", firstId!, { timeout: 15_000 });
      await expect(chat.lastAgentMessage()).toHaveAttribute("data-status", "done", { timeout: 15_000 });
      const sessionId = await chat.storedSessionId();
      const [trace] = await sql<{ id: string; llm_calls: number }>("select id, llm_calls from llm_traces where session_id = $1", [sessionId]);
      const [perAnswer] = await sql<{ n: number }>(
        "select count(*)::int as n from llm_observations where session_id = $1 and kind = 'generation'", [sessionId]);
      expect(trace.llm_calls).toBe(perAnswer.n);
      expect(perAnswer.n % 2).toBe(0);

      await loginAsOperator(page, `/traces/${trace.id}`);
      const detail = new TraceDetail(page);
      await expect(detail.messages).toHaveCount(3);
      await expect(detail.messages.nth(1)).toHaveAttribute("data-superseded", "");
      await expect(detail.messages.nth(1).getByTestId("message-superseded")).toBeVisible();
      await expect(detail.messages.nth(2)).not.toHaveAttribute("data-superseded", "");
      await page.screenshot({ path: `test-results/screenshots/trace-try-again-${view.name}.png`, fullPage: true });
    });
  });
}

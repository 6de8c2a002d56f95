import { randomUUID } from "node:crypto";
import { expect, test } from "./fixtures";
import { loginAsOperator } from "./pages/explorer";
import { seriousViolations } from "./support/axe";

// A review queue session at 1280 and 375 px (docs/architecture.md, "Review queues"): the operator creates
// a queue fed by visitors' negative ratings on the Review page, two visitors say "not helpful" (their
// traces enter the queue in that transaction), and the reviewer works the queue with the keyboard only:
// digits score, Enter completes, the next item appears, progress moves, k looks back, j returns, s skips.
// No serious or critical axe-core finding on either page.

const views = [
  { name: "desktop", viewport: { width: 1280, height: 800 }, shot: "docs/screenshots/review-queue.png" },
  { name: "phone", viewport: { width: 375, height: 740 }, shot: "docs/screenshots/review-queue-phone.png" },
] as const;

for (const view of views) {
  test.describe(`review queue at ${view.name}`, () => {
    test.use({ viewport: view.viewport });

    test("a review session driven by the keyboard", async ({ page, sql }) => {
      await loginAsOperator(page, "/review");
      await expect(page.getByTestId("create-queue")).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);

      const name = `Unhappy visitors ${view.name} ${randomUUID().slice(0, 6)}`;
      await page.getByTestId("queue-name").fill(name);
      await page.getByRole("checkbox", { name: /^helpful \(/ }).check();
      await page.getByTestId("feed-negative").check();
      await page.getByTestId("create-queue-submit").click();
      await expect(page).toHaveURL(/\/review\/[0-9a-f-]{36}$/);
      await expect(page.getByTestId("review-empty")).toBeVisible();

      // two visitors' chats, each rated "not helpful" by its visitor: both enter the queue
      const tags: string[] = [];
      for (const question of ["My tent leaks at the seams", "The stove you sold me will not light"]) {
        const user = `visitor-${randomUUID()}`;
        const [{ session_tag }] = await sql<{ session_tag: string }>(
          `with b as (select public.begin_turn(p_user_id => $1, p_message => $2, p_agent => 'product_recommendation') as r),
                f as (select public.finish_turn(p_user_message_id => (b.r -> 'user_message' ->> 'id')::uuid,
                                                p_content => 'Sorry to hear that: bring it to the store and we will look at it.') as r, b.r as begun from b)
           select public.set_feedback((f.begun -> 'session' ->> 'id')::uuid, 'negative', null, $1) is not null as rated,
                  f.begun -> 'session' ->> 'session_tag' as session_tag from f`, [user, question]);
        tags.push(session_tag);
      }

      await page.reload();
      const session = page.getByTestId("review-session");
      const progress = page.getByTestId("queue-progress");
      await expect(session).toHaveAttribute("data-state", "ready");
      await expect(progress).toHaveAttribute("data-total", "2");
      await expect(progress).toHaveAttribute("data-done", "0");
      await expect(page.getByTestId("conversation")).toContainText("My tent leaks at the seams");
      const first = await session.getAttribute("data-item-id");
      expect(await seriousViolations(page)).toEqual([]);

      // the queue's configs in the form's order: helpful first (2 = no), then quality (4 = good)
      await expect(page.getByTestId("score-helpful")).toHaveAttribute("data-active", "true");
      await page.keyboard.press("2");
      await expect(page.getByTestId("score-helpful")).toHaveAttribute("data-value", "false");
      await expect(page.getByTestId("score-quality")).toHaveAttribute("data-active", "true");
      await page.keyboard.press("4");
      await expect(page.getByTestId("score-quality")).toHaveAttribute("data-value", "good");
      await page.screenshot({ path: view.shot, fullPage: view.name === "phone" });

      await page.keyboard.press("Enter");
      await expect(progress).toHaveAttribute("data-done", "1");
      await expect(session).not.toHaveAttribute("data-item-id", first!);
      await expect(page.getByTestId("conversation")).toContainText("The stove you sold me will not light");
      await expect(page.getByTestId("score-quality")).toHaveAttribute("data-value", "");
      const [trace] = await sql<{ scores: string[] }>(
        `select array_agg(c.name || '=' || coalesce(s.string_value, s.value::text) || ':' || s.source order by c.name) as scores
           from review_queue_items i join scores s on s.trace_id = i.trace_id join score_configs c on c.id = s.config_id
          where i.id = $1 and s.source <> 'visitor'`, [first]);
      expect(trace.scores).toEqual(["helpful=0:operator", "quality=good:operator"]);

      // k looks back at the item just completed, j returns to the current one
      await page.keyboard.press("k");
      await expect(page.getByTestId("review-message")).toContainText("Looking back");
      await expect(page.getByTestId("conversation")).toContainText("My tent leaks at the seams");
      await page.keyboard.press("j");
      await expect(page.getByTestId("conversation")).toContainText("The stove you sold me will not light");

      // a choice clicked with the mouse keeps the keys working; s skips the second: the queue is done
      await page.getByTestId("score-helpful").getByText("yes").click();
      await expect(page.getByTestId("score-helpful")).toHaveAttribute("data-value", "true");
      await page.keyboard.press("s");
      await expect(progress).toHaveAttribute("data-done", "2");
      await expect(page.getByTestId("review-empty")).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole("link", { name: "← All queues" }).click();
      const row = page.getByTestId("queue-row").filter({ hasText: name });
      await expect(row.getByTestId("queue-progress")).toHaveAttribute("data-done", "2");
      await expect(row).toContainText("1 completed · 1 skipped");
      expect(tags).toHaveLength(2);
    });
  });
}

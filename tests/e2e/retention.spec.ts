import { expect, test } from "./fixtures";
import { loginAsOperator } from "./pages/explorer";

// RETENTION_DAYS in the explorer (docs/performance.md, "Retention"): a trace whose conversation
// retention removed still shows its figures and says its conversation was removed.

test("the trace detail says the conversation was removed by retention and keeps the figures", async ({ page, request, sql }) => {
  const res = await request.post("/api/chat", { data: { message: "a tent for two", agent: "product_recommendation" } });
  expect(res.status(), await res.text()).toBe(200);
  const { traceId, sessionId } = (await res.json()) as { traceId: string; sessionId: string };
  const [before] = await sql<{ llm_calls: number }>("select llm_calls from llm_traces where id = $1", [traceId]);
  expect(before.llm_calls).toBeGreaterThan(0);

  // this conversation is 40 days old; the limit (30 days) is applied and reset in one transaction,
  // so the shared server's own timer never sees it
  await sql("update conversation_messages set created_at = created_at - interval '40 days' where session_id = $1", [sessionId]);
  await sql("update llm_observations set created_at = created_at - interval '40 days' where session_id = $1", [sessionId]);
  await sql(`do $$ begin
               perform public.configure_retention(30);
               perform public.apply_retention();
               perform public.configure_retention(null);
             end $$`);

  await loginAsOperator(page, `/traces/${traceId}`);
  await expect(page.getByTestId("conversation-removed")).toContainText("Conversation removed by retention");
  await expect(page.getByTestId("conversation")).toContainText("(0 messages, 0 steps)");
  await expect(page.getByTestId("figure-llm-calls")).toContainText(String(before.llm_calls));
});

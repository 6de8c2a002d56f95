import { expect, test } from "./fixtures";
import { ChatWidget } from "./pages/chat-widget";

// The widget's "New chat" ends the session it leaves as `new_chat` (docs/architecture.md, "Session lifecycle").

test("New chat ends the current session with reason new_chat", async ({ page, sql }) => {
  const chat = await ChatWidget.withAgent(page, "sales_pitch");
  const sessionId = await chat.storedSessionId();
  await page.getByTestId("new-chat").click();
  await expect
    .poll(async () => (await sql("select end_reason from conversation_sessions where id = $1", [sessionId]))[0]?.end_reason)
    .toBe("new_chat");
  const [event] = await sql("select detail from session_events where session_id = $1 and event = 'ended'", [sessionId]);
  // choosing the agent stored only its greeting: the visitor said nothing
  expect(event.detail).toMatchObject({ message_count: 1, agent_type: "sales_pitch" });
});

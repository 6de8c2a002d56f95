import pg from "pg";
import { startApp } from "../support/app";
import { expect, migratedDatabaseUrl, test } from "./fixtures";
import { ChatWidget } from "./pages/chat-widget";

// The chat widget in real Chromium against `next start` on PostgreSQL.

const visitorOf = async (sql: (t: string, p?: unknown[]) => Promise<Record<string, unknown>[]>, sessionId: string | null) =>
  String((await sql("select user_id from conversation_sessions where id = $1", [sessionId]))[0]?.user_id);

test("choose, continue, switch, switch back: 3 sessions with 3 traces; screenshots", async ({ page, sql }) => {
  const chat = new ChatWidget(page);
  await chat.goto();
  await chat.open();
  await expect(chat.agentMenu).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/widget-desktop-menu.png" });
  await chat.chooseAgent("product_recommendation");
  await chat.waitForReply();
  await chat.sendAndWait("I need a light tent for backpacking");
  expect(await chat.badgeText()).toMatch(/^\[Threadline Offline #001\]$/);
  await chat.sendAndWait("menu");
  await chat.clickReplyButton("Sales Pitch");
  await chat.waitForReply();
  await chat.sendAndWait("why should I buy the Ridgeline tent?");
  expect(await chat.badgeText()).toBe("[Threadline Offline #002]");
  await chat.sendAndWait("menu");
  await chat.clickReplyButton("Product Recommendation");
  await chat.waitForReply();
  expect(await chat.badgeText()).toBe("[Threadline Offline #003]");
  await page.screenshot({ path: "test-results/screenshots/widget-desktop.png" });

  const user = await visitorOf(sql, await chat.storedSessionId());
  const traces = await sql("select agent_type from llm_traces where user_id = $1 order by created_at", [user]);
  expect(traces).toEqual([{ agent_type: "product_recommendation" }, { agent_type: "sales_pitch" }, { agent_type: "product_recommendation" }]);
  // the visitor only ever sent their own words: choosing an agent put none in their mouth
  expect(await chat.messageTexts("user")).toEqual(["I need a light tent for backpacking", "menu", "why should I buy the Ridgeline tent?", "menu"]);

  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: "test-results/screenshots/widget-phone.png" });
});

test("a bulk order continues across a page reload", async ({ page, sql }) => {
  const chat = await ChatWidget.withAgent(page, "order_assistant");
  await chat.sendAndWait("I want to order 20 insulated camp mugs");
  await chat.sendAndWait("I'm Ana Lopez, ana@example.com");
  const before = await chat.storedSessionId();
  const shown = await chat.messageTexts();
  await page.reload();
  await chat.open();
  await expect(chat.messages).toHaveCount(5); // greeting + 2 exchanges, restored from the database
  expect(await chat.messageTexts()).toEqual(shown);
  expect(await chat.storedSessionId()).toBe(before);
  const reply = await chat.sendAndWait("my phone is 555 123 4567");
  expect(reply).toContain("Warehouse A, 12 Harbor Road, Portland");
  await chat.clickReplyButton(/yes|confirm/i);
  expect(await chat.waitForReply()).toMatch(/BO-[0-9A-F]{10}/);
  const [flow] = await sql("select state->>'status' as status from flow_states where session_id = $1", [before]);
  expect(flow.status).toBe("confirmed");
});

test("a product button answers from the same session; the tag and the visitor's reference copy to the clipboard", async ({ page, sql }) => {
  const chat = await ChatWidget.withAgent(page, "product_recommendation");
  await chat.sendAndWait("a waterproof rain jacket");
  const labels = await chat.replyButtonLabels();
  expect(labels.some((l) => /Stormshell/.test(l))).toBe(true);
  await chat.clickReplyButton(/Stormshell/);
  expect(await chat.waitForReply()).toContain("Stormshell Rain Jacket");
  const sessionId = await chat.storedSessionId();
  const rows = await sql("select count(distinct session_id)::int as n from conversation_messages where user_id = $1", [await visitorOf(sql, sessionId)]);
  expect(rows[0].n).toBe(1);
  const copied = await chat.copySessionTag();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(copied);
  expect(await chat.sessionTag()).toMatch(/^chat_model_[0-9a-f]{6}_\d{3}$/);
  // the reference is the visitor id's first 8 characters
  expect(copied).toBe(`${await chat.sessionTag()} · v:${(await visitorOf(sql, sessionId)).slice(0, 8)}`);
});

test("tracking off: the next session has no trace", async ({ page, sql }) => {
  const chat = await ChatWidget.withAgent(page, "sales_pitch", "/", { tracking: false });
  const sessionId = await chat.storedSessionId();
  expect(await sql("select 1 from llm_traces where session_id = $1", [sessionId])).toHaveLength(0);
  const [s] = await sql("select tracking_enabled from conversation_sessions where id = $1", [sessionId]);
  expect(s.tracking_enabled).toBe(false);
});

test("keyboard only: open, choose, send, Shift+Enter, Escape returns focus", async ({ page }) => {
  const chat = new ChatWidget(page);
  await chat.goto();
  await chat.launcher.focus();
  await page.keyboard.press("Enter");
  await expect(chat.panel).toBeVisible();
  await expect(chat.panel).toHaveAttribute("role", "dialog");
  await chat.input.focus();
  await page.keyboard.type("line one");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("line two");
  expect(await chat.input.inputValue()).toBe("line one\nline two");
  await page.keyboard.press("Enter");
  await chat.waitForReply();
  await expect(page.locator("[aria-live]").first()).toBeAttached();
  await page.keyboard.press("Escape");
  await expect(chat.panel).toBeHidden();
  await expect(chat.launcher).toBeFocused();
});

test("script text in a message renders as text", async ({ page }) => {
  const chat = new ChatWidget(page);
  await chat.goto();
  await chat.open();
  let dialogs = 0;
  page.on("dialog", (d) => (dialogs++, d.dismiss()));
  await chat.chooseAgent("product_recommendation");
  await chat.waitForReply();
  await chat.sendAndWait('<img src=x onerror="alert(1)"><script>alert(2)</script>');
  await expect(chat.lastUserMessage()).toContainText("<script>alert(2)</script>");
  expect(await page.locator("img[src='x']").count()).toBe(0);
  expect(dialogs).toBe(0);
});

test("server stopped mid-conversation: error, restart, retry → exactly one copy", async ({ page }) => {
  const url = await migratedDatabaseUrl("e2e_restart");
  const app = await startApp({ DATABASE_URL: url });
  const db = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const chat = await ChatWidget.withAgent(page, "product_recommendation", app.url);
    await app.stop();
    await chat.send("do you have headlamps?");
    await expect(chat.error).toBeVisible();
    await expect(chat.retryButton).toBeVisible();
    await app.restart();
    await chat.retry();
    expect(await chat.waitForReply()).toContain("Headlamp");
    const rows = (await db.query("select count(*)::int as n from conversation_messages where content = $1", ["do you have headlamps?"])).rows;
    expect(rows[0].n).toBe(1);
    await expect(chat.error).toBeHidden();
  } finally {
    await db.end();
    await app.stop();
  }
});

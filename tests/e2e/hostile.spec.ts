import { expect, test } from "./fixtures";
import { ChatWidget } from "./pages/chat-widget";

// Hostile text in a message is only ever text: in the visitor's widget and in the
// operator's trace detail page. No dialog fires, no element is injected, no script runs.

const hostile = [
  `<script>window.__xss = 1; alert("script")</script>`,
  `<img src=x onerror="window.__xss = 2; alert('img')">`,
  `"><svg onload="window.__xss = 3; alert('svg')">`,
  `<a href="javascript:alert('link')">click</a>`,
  `[markdown](javascript:alert('md'))`,
  `{{constructor.constructor('alert(1)')()}}`,
].join(" ");

test("script text in a message renders as text in the widget and in the explorer's trace detail", async ({ page, sql }) => {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const injected = () =>
    page.evaluate(() => ({
      flag: (window as unknown as { __xss?: number }).__xss ?? null,
      imgs: document.querySelectorAll("img[src='x']").length,
      svgs: document.querySelectorAll("svg[onload]").length,
      jsLinks: document.querySelectorAll("a[href^='javascript:']").length,
    }));

  // the widget
  const chat = await ChatWidget.withAgent(page, "product_recommendation");
  await chat.sendAndWait(hostile);
  await expect(chat.lastUserMessage().getByTestId("message-content")).toHaveText(hostile);
  expect(await injected()).toEqual({ flag: null, imgs: 0, svgs: 0, jsLinks: 0 });

  // stored verbatim
  const sessionId = await chat.storedSessionId();
  const [row] = await sql<{ trace_id: string; content: string }>(
    `select t.id as trace_id, m.content from conversation_messages m join llm_traces t on t.session_id = m.session_id
      where m.session_id = $1 and m.role = 'user' order by m.seq desc limit 1`,
    [sessionId],
  );
  expect(row.content).toBe(hostile);

  // the operator's trace detail page
  const login = await page.request.post("/api/operator/login", { data: { token: process.env.THREADLINE_ADMIN_TOKEN } });
  expect(login.status()).toBe(200);
  await page.goto(`/traces/${row.trace_id}`);
  await expect(page.getByText(hostile, { exact: true }).first()).toBeVisible();
  expect(await injected()).toEqual({ flag: null, imgs: 0, svgs: 0, jsLinks: 0 });
  expect(dialogs).toEqual([]);
});

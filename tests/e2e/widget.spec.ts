import { mkdirSync } from "node:fs";
import { startApp, type App } from "../support/app";
import { startOpenAIServer, type OpenAIServer } from "../support/openai-server";
import { expect, migratedDatabaseUrl, test } from "./fixtures";
import { ChatWidget } from "./pages/chat-widget";

// The widget as visitors expect it, at desktop and at 375 px: the menu from the
// server, a badge that keeps its number, no words put in the visitor's mouth,
// Markdown replies with product cards, copy, per-message votes, and typing while
// the agent answers. Replies written by a "real" model come from a second
// server whose model is the local OpenAI-compatible stand-in.

mkdirSync("test-results/screenshots", { recursive: true });

// a real-looking provider model id (keys allow no spaces), long enough to be cut at 375 px
const LONG_MODEL = "acme/extended-reasoning-preview-2026-11-large-instruct";

// Markdown as a model streams it, a few characters at a time, with hostile bits.
const MARKDOWN = [
  "Here are **three picks** for wet weather:\n\n",
  "- **Stormshell Rain Jacket**: packable and breathable\n",
  "- The *Trailhead 45L* pack with its rain cover\n",
  "- [Our rain guide](https://example.com/rain-guide)\n\n",
  "| Item | Price |\n| --- | --- |\n| Stormshell | $149 |\n| Trailhead | $189 |\n\n",
  '<img src=x onerror="window.__xss = 1"> <b>raw html</b> ',
  "[do not click](javascript:window.__xss=2) done.",
].join("");
const markdownWords = MARKDOWN.match(/[\s\S]{1,3}/g)!;

const views = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 375, height: 740 } },
] as const;

for (const view of views) {
  test.describe(`widget at ${view.name} (${view.viewport.width} px)`, () => {
    test.use({ viewport: view.viewport });

    let standIn: OpenAIServer;
    let modelApp: App;
    test.beforeAll(async () => {
      standIn = await startOpenAIServer();
      modelApp = await startApp({ DATABASE_URL: await migratedDatabaseUrl("e2e_widget"), LLM_BASE_URL: standIn.baseURL, LLM_MODEL: LONG_MODEL });
    });
    test.afterAll(async () => {
      await modelApp?.stop();
      await standIn?.close();
    });
    test.beforeEach(() => {
      standIn.mode = "ok";
      standIn.words = markdownWords;
    });

    test("the agent menu is the server's list of enabled agents, in menu order", async ({ page, sql }) => {
      const key = `e2e_gifts_${view.name}`;
      await sql(
        `insert into agents (key, name, description, instructions, greeting) values ($1, 'Gift Helper', 'Ideas for a gift', 'Help with gifts.', 'Hi! Who is the gift for?')
         on conflict (key) do update set is_enabled = true`,
        [key],
      );
      try {
        const chat = new ChatWidget(page);
        await chat.goto();
        await chat.open();
        const options = await chat.menuOptions();
        expect(options.slice(0, 3)).toEqual([
          ["product_recommendation", "Product Recommendation"],
          ["sales_pitch", "Sales Pitch"],
          ["order_assistant", "Order Assistant"],
        ]);
        expect(options.at(-1)).toEqual([key, "Gift Helper"]);
        await expect(chat.panel.getByTestId(`agent-option-${key}`)).toContainText("Ideas for a gift");

        await sql("update agents set is_enabled = false where key = $1", [key]);
        await page.reload();
        await chat.open();
        expect((await chat.menuOptions()).map(([k]) => k)).not.toContain(key);
      } finally {
        await sql("update agents set is_enabled = false where key = $1", [key]);
      }
    });

    test("choosing an agent shows its greeting as an agent message; the visitor said nothing and no model was called", async ({ page, sql }) => {
      const chat = new ChatWidget(page);
      await chat.goto();
      await chat.open();
      const request = page.waitForRequest((r) => r.url().endsWith("/api/chat") && r.method() === "POST");
      await chat.chooseAgent("sales_pitch");
      const body = (await request).postDataJSON() as Record<string, unknown>;
      expect(body.agent).toBe("sales_pitch");
      expect(body).not.toHaveProperty("message");
      const greeting = await chat.waitForReply();
      await expect(chat.userMessages).toHaveCount(0);
      await expect(chat.agentMessages).toHaveCount(1);

      const [agent] = await sql<{ greeting: string }>("select greeting from agents where key = 'sales_pitch'");
      expect(greeting).toBe(agent.greeting);
      const sessionId = await chat.storedSessionId();
      const stored = await sql("select role, content from conversation_messages where session_id = $1 order by seq", [sessionId]);
      expect(stored).toEqual([{ role: "agent", content: agent.greeting }]);
      const [trace] = await sql<{ llm_calls: number }>("select llm_calls from llm_traces where session_id = $1", [sessionId]);
      expect(trace.llm_calls).toBe(0);

      // the visitor's first real message follows the greeting
      await chat.sendAndWait("why should I buy the Ridgeline tent?");
      expect(await chat.messageTexts("user")).toEqual(["why should I buy the Ridgeline tent?"]);
    });

    test("the badge keeps its #number: a long model name ends in an ellipsis, the full tag and the visitor's reference are in the tooltip and the copy", async ({ page }) => {
      standIn.words = ["Sure, ", "happy ", "to ", "help."];
      const chat = await ChatWidget.withAgent(page, "product_recommendation", modelApp.url);
      expect(await chat.badgeText()).toBe(`[${LONG_MODEL} #001]`);

      const counter = chat.badge.getByTestId("session-badge-counter");
      await expect(counter).toHaveText(" #001]");
      const [badgeBox, counterBox, panelBox] = await Promise.all([chat.badge.boundingBox(), counter.boundingBox(), chat.panel.boundingBox()]);
      expect(counterBox!.width).toBeGreaterThan(0);
      // the counter is drawn whole, inside the badge, inside the panel and the screen
      expect(counterBox!.x + counterBox!.width).toBeLessThanOrEqual(badgeBox!.x + badgeBox!.width + 0.5);
      expect(counterBox!.x + counterBox!.width).toBeLessThanOrEqual(Math.min(panelBox!.x + panelBox!.width, view.viewport.width) + 0.5);
      const counterCut = await counter.evaluate((el) => el.scrollWidth > el.clientWidth + 0.5);
      expect(counterCut).toBe(false);
      if (view.name === "phone") {
        // at 375 px the model name is what gives way
        const nameCut = await chat.badge.getByTestId("session-badge-model").evaluate((el) => el.scrollWidth > el.clientWidth);
        expect(nameCut).toBe(true);
      }
      const tag = await chat.sessionTag();
      const copied = `${tag} · v:${await chat.visitorRef()}`;
      expect(await chat.visitorRef()).toMatch(/^[0-9a-f-]{8}$/);
      expect(await chat.badge.getAttribute("title")).toContain(copied);
      expect(await chat.copySessionTag()).toBe(copied);
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(copied);

      // the agent's name in the header is never cut (it wraps); the full name is in the tooltip too
      await expect(chat.title).toHaveAttribute("title", "Product Recommendation");
      expect(await chat.title.evaluate((el) => el.scrollWidth <= el.clientWidth && getComputedStyle(el).textOverflow !== "ellipsis")).toBe(true);
      if (view.name === "phone") await page.screenshot({ path: "test-results/screenshots/widget-phone-badge.png" });
    });

    test("a long agent name in the header wraps, never cut; the badge still shows its #number", async ({ page, sql }) => {
      const key = `e2e_long_name_${view.name}`;
      const name = "Outdoor Expedition Planning and Technical Gear Recommendation Specialist";
      await sql(
        `insert into agents (key, name, description, instructions, greeting) values ($1, $2, 'Long name', 'Help plan trips.', 'Hi! Where are you headed?')
         on conflict (key) do update set is_enabled = true`,
        [key, name],
      );
      try {
        const chat = new ChatWidget(page);
        await chat.goto();
        await chat.open();
        await chat.chooseAgent(key);
        expect(await chat.waitForReply()).toBe("Hi! Where are you headed?");
        await expect(chat.title).toHaveText(name);
        await expect(chat.title).toHaveAttribute("title", name);
        expect(await chat.title.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
        const titleBox = await chat.title.boundingBox();
        expect(titleBox!.x + titleBox!.width).toBeLessThanOrEqual(view.viewport.width);
        await expect(chat.badge.getByTestId("session-badge-counter")).toHaveText(" #001]");
        if (view.name === "phone") await page.screenshot({ path: "test-results/screenshots/widget-phone-long-agent-name.png" });
      } finally {
        await sql("update agents set is_enabled = false where key = $1", [key]);
      }
    });

    test("Markdown replies: lists, bold, links, a table; no raw HTML, no javascript: links; streamed without re-rendering what is shown", async ({ page }) => {
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      standIn.words = ["Hi! ", "Tell ", "me ", "what ", "you ", "need."];
      const chat = await ChatWidget.withAgent(page, "product_recommendation", modelApp.url);

      standIn.words = markdownWords;
      standIn.mode = "slow";
      await chat.send("a waterproof rain jacket");
      const reply = chat.lastAgentMessage().getByTestId("message-content");
      // mark the first list item while the reply still streams: the same element must survive to the end
      const firstItem = reply.locator("li").first();
      await expect(chat.lastAgentMessage()).toHaveAttribute("data-status", "streaming");
      await expect(firstItem).toBeVisible();
      await firstItem.evaluate((el) => el.setAttribute("data-probe", "kept"));
      await chat.waitForReply(30_000);
      await expect(reply.locator("li[data-probe='kept']")).toHaveCount(1);

      await expect(reply.locator("strong").first()).toHaveText("three picks");
      await expect(reply.locator("ul > li")).toHaveCount(3);
      await expect(reply.locator("em")).toHaveText("Trailhead 45L");
      await expect(reply.locator("table th")).toHaveText(["Item", "Price"]);
      await expect(reply.locator("table td")).toHaveText(["Stormshell", "$149", "Trailhead", "$189"]);
      const link = reply.getByRole("link", { name: "Our rain guide" });
      await expect(link).toHaveAttribute("href", "https://example.com/rain-guide");
      await expect(link).toHaveAttribute("target", "_blank");
      await expect(link).toHaveAttribute("rel", "noopener noreferrer");
      // raw HTML is not rendered, and a javascript: link is only text
      expect(await reply.locator("img, b, script").count()).toBe(0);
      await expect(reply.getByText("do not click")).toBeVisible();
      expect(await page.locator("a[href^='javascript:']").count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? null)).toBeNull();
      expect(dialogs).toEqual([]);
      // the copy is the reply as written
      expect(await chat.copyMessage()).toBe(MARKDOWN);
      await page.screenshot({ path: `test-results/screenshots/widget-markdown-${view.name}.png` });
    });

    test("product results are compact cards (name, price, one line) whose button opens the product", async ({ page }) => {
      const chat = await ChatWidget.withAgent(page, "product_recommendation");
      await chat.sendAndWait("a waterproof rain jacket");
      const card = chat.productCards().filter({ hasText: "Stormshell" }).first();
      await expect(card).toBeVisible();
      await expect(card.getByTestId("product-card-price")).toHaveText("$149.00");
      await expect(card.getByTestId("product-card-summary")).toContainText("Packable 2.5-layer waterproof");
      // one line: the summary does not wrap
      const lines = await card.getByTestId("product-card-summary").evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));
      expect(lines).toBe(1);
      const cardBox = await card.boundingBox();
      expect(cardBox!.x + cardBox!.width).toBeLessThanOrEqual(view.viewport.width);
      await page.screenshot({ path: `test-results/screenshots/widget-product-cards-${view.name}.png` });
      await chat.clickReplyButton(/Stormshell/);
      expect(await chat.waitForReply()).toContain("Stormshell Rain Jacket");
    });

    test("each agent message copies to the clipboard", async ({ page, sql }) => {
      const chat = await ChatWidget.withAgent(page, "order_assistant");
      await chat.sendAndWait("I want to order 20 insulated camp mugs");
      for (const message of [chat.agentMessages.first(), chat.lastAgentMessage()]) {
        const id = await message.getAttribute("data-message-id");
        const [row] = await sql<{ content: string }>("select content from conversation_messages where id = $1", [id]);
        expect(await chat.copyMessage(message)).toBe(row.content);
      }
    });

    test("thumbs up/down on each agent message: toggled, changed, cleared, and counted exactly on the trace", async ({ page, sql }) => {
      const chat = await ChatWidget.withAgent(page, "product_recommendation");
      await chat.sendAndWait("I need a light tent for backpacking");
      const sessionId = await chat.storedSessionId();
      const first = chat.agentMessages.first();
      const last = chat.lastAgentMessage();
      const votes = async () =>
        (await sql<{ vote: string | null }>("select vote from conversation_messages where session_id = $1 and role = 'agent' order by seq", [sessionId])).map((r) => r.vote);
      const counts = async () =>
        (await sql<{ up: number; down: number }>("select votes_up as up, votes_down as down from llm_traces where session_id = $1", [sessionId]))[0];

      await chat.vote("up", last);
      await expect.poll(votes).toEqual([null, "up"]);
      await chat.vote("up", first);
      await expect.poll(counts).toEqual({ up: 2, down: 0 });
      await chat.vote("down", last); // changed
      await expect(last.getByTestId("vote-up")).toHaveAttribute("aria-pressed", "false");
      await expect.poll(votes).toEqual(["up", "down"]);
      await expect.poll(counts).toEqual({ up: 1, down: 1 });
      await page.screenshot({ path: `test-results/screenshots/widget-votes-${view.name}.png` });
      await chat.vote("down", last); // pressed again: cleared
      await expect.poll(votes).toEqual(["up", null]);
      await expect.poll(counts).toEqual({ up: 1, down: 0 });
      // the session rating stays, apart from the votes; it is asked once the chat has a few turns
      await chat.sendAndWait("something with two doors?");
      await chat.sendAndWait("and a footprint for it?");
      await chat.giveFeedback("positive");
      await expect.poll(async () => (await sql("select feedback from llm_traces where session_id = $1", [sessionId]))[0]).toEqual({ feedback: "positive" });
      expect(await counts()).toEqual({ up: 1, down: 0 });
    });

    test("votes come back with the conversation after a reload", async ({ page }) => {
      const chat = await ChatWidget.withAgent(page, "product_recommendation");
      await chat.sendAndWait("I need a light tent for backpacking");
      await chat.vote("down");
      await page.reload();
      await chat.open();
      await expect(chat.lastAgentMessage().getByTestId("vote-down")).toHaveAttribute("aria-pressed", "true");
      await expect(chat.agentMessages.first().getByTestId("vote-up")).toHaveAttribute("aria-pressed", "false");
    });

    test("typing while the agent answers: Enter keeps the text and says so; Stop keeps the partial reply; then it sends", async ({ page }) => {
      standIn.words = ["Hello ", "there."];
      const chat = await ChatWidget.withAgent(page, "sales_pitch", modelApp.url);

      standIn.words = Array.from({ length: 400 }, (_, i) => `word${i} `);
      standIn.mode = "slow";
      await chat.send("tell me about the Stormshell Rain Jacket");
      await expect(chat.stopButton).toBeVisible();
      await expect(chat.lastAgentMessage()).toHaveAttribute("data-status", "streaming");
      await chat.input.fill("and the Loft Down Jacket?");
      await chat.input.press("Enter");
      await expect(chat.heldNotice).toBeVisible();
      await expect(chat.input).toHaveValue("and the Loft Down Jacket?");
      await expect(chat.sendButton).toBeDisabled();
      await expect(chat.userMessages).toHaveCount(1);
      // the conversation keeps following the reply while the visitor types (they did not scroll up)
      await expect(chat.lastAgentMessage()).toHaveAttribute("data-status", "streaming");
      await expect(chat.panel.getByRole("button", { name: "Jump to latest" })).toBeHidden();
      if (view.name === "phone") await page.screenshot({ path: "test-results/screenshots/widget-phone-typing-while-streaming.png" });

      await chat.stop();
      await expect(chat.lastAgentMessage()).toHaveAttribute("data-status", "partial");
      expect(await chat.lastAgentText()).toMatch(/^word0 /);
      await expect(chat.heldNotice).toBeHidden();
      await expect(chat.input).toHaveValue("and the Loft Down Jacket?");

      standIn.mode = "ok";
      standIn.words = ["The ", "Loft ", "is ", "warm."];
      await chat.send("and the Loft Down Jacket?");
      expect(await chat.waitForReply()).toBe("The Loft is warm.");
      expect(await chat.messageTexts("user")).toEqual(["tell me about the Stormshell Rain Jacket", "and the Loft Down Jacket?"]);
    });
  });
}

import { mkdir } from "node:fs/promises";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";
import { seriousViolations } from "./support/axe";
import { Dashboard, loginAsOperator, TraceDetail, TraceExplorer } from "./pages/explorer";

// The operator screens on a real production server: traffic goes through the
// chat API, then the explorer finds, filters, pages, opens and exports it.
// Other specs share the server's database, so every assertion is scoped to
// this spec's own visitors.

const token = process.env.THREADLINE_ADMIN_TOKEN ?? "";
const shots = "test-results/screenshots";

interface Turn {
  sessionId: string;
  sessionTag: string;
  traceId: string;
  newSession: boolean;
}

/** One visitor: its own cookie jar, talking to POST /api/chat. */
class Visitor {
  id = "";
  readonly turns: Turn[] = [];
  constructor(
    private readonly api: APIRequestContext,
    private readonly operator: APIRequestContext,
  ) {}

  async say(message: string, agent?: string): Promise<Turn> {
    const res = await this.api.post("/api/chat", { data: { message, ...(agent ? { agent } : {}) } });
    expect(res.status(), await res.text()).toBe(200);
    const turn = (await res.json()) as Turn;
    this.turns.push(turn);
    if (!this.id) this.id = ((await (await this.operator.get(`/api/traces/${turn.traceId}`)).json()) as { trace: { userId: string } }).trace.userId;
    return turn;
  }

  /** The visitor's "Was this chat helpful?" on one of their sessions. */
  async rate(sessionId: string, rating: "positive" | "negative"): Promise<void> {
    expect((await this.api.post(`/api/sessions/${sessionId}/feedback`, { data: { rating } })).status()).toBe(200);
  }

  /** The visitor's sessions (traces), oldest first. */
  get sessions(): Turn[] {
    return this.turns.filter((t, i) => this.turns.findIndex((u) => u.traceId === t.traceId) === i);
  }
}

let ana: Visitor;
let bob: Visitor;
const contexts: APIRequestContext[] = [];

test.describe.serial("trace explorer and dashboard", () => {
  test.beforeAll(async ({ playwright }) => {
    expect(token, "THREADLINE_ADMIN_TOKEN").not.toBe("");
    // the shared server (tests/e2e/global-setup.ts), or the configured baseURL
    const baseURL = process.env.THREADLINE_E2E_URL ?? test.info().project.use.baseURL;
    await mkdir(shots, { recursive: true });
    const operator = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
    const jar = () => playwright.request.newContext({ baseURL });
    const [a, b] = [await jar(), await jar()];
    contexts.push(operator, a, b);
    ana = new Visitor(a, operator);
    bob = new Visitor(b, operator);
    await ana.say("I need a rain jacket for hiking"); // S1: product recommendation (default agent)
    await ana.say("Something warmer for winter?"); // S1 again: 2 LLM calls
    await ana.say("Pitch me the Ridgeline 2-Person Tent", "sales_pitch"); // S2 (agent switch)
    await ana.say("I want 12 Canyon 1L Water Bottles", "order_assistant"); // S3
    await ana.say("Show me backpacks", "product_recommendation"); // S4
    await ana.say("Pitch me the Trailhead 45L Backpack", "sales_pitch"); // S5
    await bob.say("Hello there"); // S1
    await bob.say("Pitch me the Summit Waterproof Hiking Boot", "sales_pitch"); // S2
    expect(ana.sessions).toHaveLength(5);
    expect(bob.sessions).toHaveLength(2);
  });

  test.afterAll(async () => {
    await Promise.all(contexts.map((c) => c.dispose()));
  });

  test("operator pages need a login; the startup login URL signs in and leaves no token in the URL", async ({ page }) => {
    await page.goto("/traces");
    await expect(page).toHaveURL(/\/login\?next=%2Ftraces$/);
    await page.getByTestId("login-token").fill("not-the-token");
    await page.getByTestId("login-submit").click();
    await expect(page.getByTestId("login-error")).toBeVisible();
    await page.getByTestId("login-token").fill(token);
    await page.getByTestId("login-submit").click();
    await expect(page.getByTestId("trace-explorer")).toBeVisible();

    await page.context().clearCookies();
    await loginAsOperator(page, "/dashboard");
    expect(page.url()).not.toContain("token=");
    await expect(page.getByTestId("dashboard")).toBeVisible();
  });

  test("searches a session tag by a fragment and by the whole tag", async ({ page }) => {
    await loginAsOperator(page);
    const explorer = new TraceExplorer(page);
    await explorer.filterVisitor(ana.id);
    await expect(explorer.rows).toHaveCount(5);

    await explorer.searchTag("_00");
    await expect(explorer.searchMode).toHaveAttribute("data-mode", "contains");
    await expect(explorer.rows).toHaveCount(5);
    const third = ana.sessions[2];
    await explorer.searchTag(third.sessionTag.slice(-4)); // "_003"
    await expect(explorer.rows).toHaveCount(1);
    expect(await explorer.rowIds()).toEqual([third.traceId]);

    // "exact" turns the fragment into a whole-tag search: nothing is called just "_003"
    await explorer.exact.check();
    await explorer.settled("exact", "1");
    await expect(explorer.empty).toBeVisible();
    await explorer.exact.uncheck();
    await explorer.settled("exact", null);

    // a whole tag is searched exactly, for every visitor: ana's and bob's second sessions share "…_002"
    await explorer.filterVisitor("");
    const second = ana.sessions[1];
    expect(bob.sessions[1].sessionTag).toBe(second.sessionTag);
    await explorer.searchTag(second.sessionTag);
    await expect(explorer.searchMode).toHaveAttribute("data-mode", "exact");
    await expect(explorer.rows.first()).toBeVisible();
    expect(new Set(await explorer.rowTags())).toEqual(new Set([second.sessionTag]));
    expect(await explorer.rowIds()).toEqual(expect.arrayContaining([second.traceId, bob.sessions[1].traceId]));

    // the search is in the URL: a reload (or a shared link) shows the same
    await page.reload();
    await expect(explorer.search).toHaveValue(second.sessionTag);
    expect(await explorer.rowIds()).toEqual(expect.arrayContaining([second.traceId, bob.sessions[1].traceId]));
    await page.screenshot({ path: `${shots}/explorer.png`, fullPage: true });
  });

  test("filters by agent, time and feedback, and sorts on the server", async ({ page }) => {
    await loginAsOperator(page);
    const explorer = new TraceExplorer(page);
    await explorer.goto(`?user=${ana.id}`);
    await expect(explorer.rows).toHaveCount(5);

    await explorer.filter("agent", "sales_pitch");
    await expect(explorer.rows).toHaveCount(2);
    expect(await explorer.column("agent")).toEqual(["Sales Pitch", "Sales Pitch"]);
    expect(new Set(await explorer.rowIds())).toEqual(new Set([ana.sessions[1].traceId, ana.sessions[4].traceId]));
    await explorer.filter("agent", "");

    await explorer.filter("range", "1h");
    await expect(explorer.rows).toHaveCount(5);
    await explorer.filter("feedback", "negative");
    await expect(explorer.empty).toBeVisible();
    await explorer.filter("feedback", "");
    await expect(explorer.rows).toHaveCount(5);

    const tokens = async () => (await explorer.column("total_tokens")).map((t) => Number(t.replace(/,/g, "")));
    await explorer.sortBy("total_tokens");
    expect(await explorer.sortDirection()).toBe("desc");
    const desc = await tokens();
    expect(desc).toEqual([...desc].sort((x, y) => y - x));
    await explorer.page.getByTestId("sort-total_tokens").click();
    await explorer.settled("dir", "asc");
    expect(await tokens()).toEqual([...desc].sort((x, y) => x - y));
  });

  test("shows each trace's channel and filters by it", async ({ page, sql }) => {
    // a WhatsApp visitor's turn, as the channel's worker runs it
    const waId = `1555${Date.now() % 10_000_000}`;
    await sql("select public.begin_turn(p_user_id => $1, p_message => 'hello', p_channel => 'whatsapp')", [waId]);
    await loginAsOperator(page);
    const explorer = new TraceExplorer(page);
    await explorer.goto(`?user=${waId}`);
    await expect(explorer.rows).toHaveCount(1);
    expect(await explorer.column("channel")).toEqual(["whatsapp"]);
    await explorer.filter("channel", "web");
    await expect(explorer.empty).toBeVisible();
    await explorer.goto(`?user=${ana.id}&channel=web`);
    await expect(explorer.rows).toHaveCount(5);
    expect(new Set(await explorer.column("channel"))).toEqual(new Set(["web"]));

    // the trace detail: its channel, and a player on the message that was a voice note
    const voice = `/api/audio/${crypto.randomUUID()}.ogg`;
    const [{ trace_id }] = await sql<{ trace_id: string }>(
      `update conversation_messages m set audio_url = $2 where m.user_id = $1 and m.role = 'user'
       returning (select t.id from llm_traces t where t.session_id = m.session_id) as trace_id`, [waId, voice]);
    const detail = new TraceDetail(page);
    await detail.goto(trace_id);
    await expect(page.getByTestId("trace-channel")).toHaveText("whatsapp");
    await expect(detail.messages.filter({ has: page.getByTestId("message-audio") })).toHaveCount(1);
    await expect(page.getByTestId("message-audio")).toHaveAttribute("src", voice);

    // the dashboard's split has the WhatsApp trace
    const dashboard = new Dashboard(page);
    await dashboard.goto("?range=all");
    await expect(page.getByTestId("channel-split").locator('[data-channel="whatsapp"]')).toBeVisible();
  });

  test("pages through a search by keyset", async ({ page }) => {
    await loginAsOperator(page);
    const explorer = new TraceExplorer(page);
    await explorer.goto(`?user=${ana.id}&limit=2`);
    const pages: string[][] = [];
    await expect(explorer.rows).toHaveCount(2);
    pages.push(await explorer.rowIds());
    await expect(page.getByTestId("page-indicator")).toHaveText("Page 1");
    await explorer.turnPage("next");
    await expect(explorer.rows).toHaveCount(2);
    pages.push(await explorer.rowIds());
    await expect(page.getByTestId("page-indicator")).toHaveText("Page 2");
    await explorer.turnPage("next");
    await expect(explorer.rows).toHaveCount(1);
    pages.push(await explorer.rowIds());
    await expect(explorer.next).toBeDisabled();

    const all = pages.flat();
    expect(new Set(all).size).toBe(5);
    expect(all).toEqual([...ana.sessions].reverse().map((s) => s.traceId)); // newest first
    await explorer.turnPage("prev");
    expect(await explorer.rowIds()).toEqual(pages[1]);
    await explorer.turnPage("first");
    expect(await explorer.rowIds()).toEqual(pages[0]);
    await expect(explorer.first).toBeDisabled();
  });

  test("opens a trace: figures, the conversation in order, lifecycle, copy tag, feedback", async ({ page, sql }) => {
    await loginAsOperator(page);
    const explorer = new TraceExplorer(page);
    await explorer.goto(`?user=${ana.id}`);
    const first = ana.sessions[0];
    const detail = await explorer.open(first.sessionTag);
    await expect(page).toHaveURL(new RegExp(`/traces/${first.traceId}$`));
    await expect(detail.tag).toHaveText(first.sessionTag);
    // llm_calls is the number of the trace's generation steps: at least one per visitor message (two here)
    const [{ generations }] = await sql(
      "select count(*)::int as generations from llm_observations where trace_id = $1 and kind = 'generation'",
      [first.traceId],
    );
    expect(generations).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId("figure-llm-calls")).toHaveText(String(generations));

    const conversation = await detail.conversation();
    expect(conversation.map(([role]) => role)).toEqual(["user", "agent", "user", "agent"]);
    expect(conversation[0][1]).toBe("I need a rain jacket for hiking");
    expect(conversation[2][1]).toBe("Something warmer for winter?");
    expect(conversation[1][1].length).toBeGreaterThan(0);

    await expect(detail.events.first()).toHaveAttribute("data-event", "started");
    await expect(detail.events.first()).toHaveAttribute("data-reason", "first_message");
    await expect(page.getByTestId("lifecycle").locator('[data-scope="this"][data-event="ended"][data-reason="agent_switch"]')).toHaveCount(1);
    await expect(detail.visitorSessions).toHaveCount(5);

    expect(await detail.copyTag()).toBe(first.sessionTag);
    await detail.setFeedback("negative", "Suggested a summer jacket");
    // the operator's rating is their own helpful score; the trace's badge stays the visitor's rating
    await expect(page.getByTestId("scores-panel").locator('[data-source="operator"] [data-testid="score"][data-name="helpful"]')).toHaveAttribute("data-value", "false");
    await expect(page.getByTestId("trace-figures").getByTestId("feedback-badge")).toHaveAttribute("data-feedback", "pending");
    await page.screenshot({ path: `${shots}/detail.png`, fullPage: true });

    // the visitor's next session, reached from the list of their sessions
    await detail.visitorSessions.filter({ hasText: ana.sessions[1].sessionTag }).getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/traces/${ana.sessions[1].traceId}$`));
    await expect(page.getByTestId("lifecycle").locator('[data-scope="this"][data-event="started"][data-reason="agent_switch"]')).toHaveCount(1);

    await explorer.goto(`?user=${ana.id}&score=helpful&scoreOp=eq&scoreValue=0`);
    expect(await explorer.rowIds()).toEqual([first.traceId]);
  });

  test("a trace's steps: nested timeline with duration bars, cost, the failed step highlighted; explorer filters by tool, error and cost", async ({ page, sql }) => {
    // the order turn's steps as finish_turn records them (written here with SQL; the writer lives in the chat turn)
    const order = ana.sessions[2];
    const [question] = await sql<{ id: string; session_id: string; user_id: string }>(
      "select m.id, m.session_id, s.user_id from conversation_messages m join conversation_sessions s on s.id = m.session_id where m.session_id = $1 and m.role = 'user' order by m.seq limit 1",
      [order.sessionId],
    );
    // this spec reads steps it writes itself: the visitor's real tool-loop steps and roll-ups are cleared first
    await sql("delete from llm_observations where user_id = $1", [question.user_id]);
    await sql("update llm_traces set cost_usd = 0, tool_calls = 0, error_count = 0, tools_used = '{}' where user_id = $1", [question.user_id]);
    const gen = "20000000-0000-4000-8000-000000000001";
    await sql(
      `insert into llm_observations (id, trace_id, session_id, user_id, message_id, parent_id, position, kind, name, status, started_at, ended_at,
                                     duration_ms, model, input_tokens, output_tokens, cached_input_tokens, time_to_first_token_ms, finish_reason,
                                     cost_usd, tool_call_id, arguments, result, payload_cap_bytes, truncated, error)
       values ($1, $2, $3, $4, $5, null, 0, 'generation', 'offline', 'ok', now(), now() + interval '600 ms', 600, 'offline', 820, 40, 512, 180,
               'tool-calls', 0.0021, null, null, null, null, false, null),
              (gen_random_uuid(), $2, $3, $4, $5, $1, 1, 'tool', 'search_catalog', 'error', now() + interval '600 ms', now() + interval '650 ms', 50,
               null, null, null, null, null, null, null, 'call-1', '{"query":"Canyon 1L Water Bottle"}', null, 16384, true, 'catalog search timed out'),
              (gen_random_uuid(), $2, $3, $4, $5, $1, 2, 'tool', 'start_order', 'ok', now() + interval '650 ms', now() + interval '700 ms', 50,
               null, null, null, null, null, null, null, 'call-2', '{"lines":[{"sku":"BOT-1L","quantity":12}]}', '{"orderId":"ord-1","status":"draft"}', 16384, false, null),
              (gen_random_uuid(), $2, $3, $4, $5, null, 3, 'generation', 'offline', 'ok', now() + interval '700 ms', now() + interval '1500 ms', 800, 'offline',
               900, 60, null, 210, 'stop', 0.0034, null, null, null, null, false, null)`,
      [gen, order.traceId, question.session_id, question.user_id, question.id],
    );
    await sql(
      "update llm_traces set cost_usd = 0.0055, tool_calls = 2, error_count = 1, tools_used = '{search_catalog,start_order}', votes_down = 1 where id = $1",
      [order.traceId],
    );
    await sql("update conversation_messages set vote = 'down', voted_at = now() where session_id = $1 and role = 'agent'", [order.sessionId]);

    await loginAsOperator(page);
    const explorer = new TraceExplorer(page);
    await explorer.goto(`?user=${ana.id}`);
    await expect(explorer.rows).toHaveCount(5);
    await explorer.filter("tool", "search_catalog");
    await expect(explorer.rows).toHaveCount(1);
    expect(await explorer.rowIds()).toEqual([order.traceId]);
    await explorer.filter("tool", "");
    await explorer.hasError(true);
    expect(await explorer.rowIds()).toEqual([order.traceId]);
    await expect(explorer.rows.getByTestId("trace-error-badge")).toBeVisible();
    await explorer.hasError(false);
    await explorer.minCost("0.005");
    expect(await explorer.rowIds()).toEqual([order.traceId]);
    await explorer.minCost("");
    await explorer.sortBy("cost_usd");
    expect((await explorer.rowIds())[0]).toBe(order.traceId);
    expect((await explorer.column("cost_usd"))[0]).toBe("$0.0055");

    const detail = new TraceDetail(page);
    await detail.goto(order.traceId);
    await expect(page.getByTestId("figure-cost")).toHaveText("$0.0055");
    const turn = detail.turn(question.id);
    await expect(turn).toBeVisible();
    // the steps sit right under the visitor message they answer
    expect(await turn.evaluate((el) => el.previousElementSibling?.getAttribute("data-role"))).toBe("user");
    const top = turn.locator(':scope [data-testid="step-list"] > [data-testid="step"]');
    await expect(top).toHaveCount(2);
    expect(await top.evaluateAll((els) => els.map((e) => `${e.getAttribute("data-kind")}:${e.getAttribute("data-depth")}`))).toEqual(["generation:0", "generation:0"]);
    const tools = top.first().locator(':scope > [data-testid="step-children"] > [data-testid="step"]');
    expect(await tools.evaluateAll((els) => els.map((e) => `${e.getAttribute("data-name")}:${e.getAttribute("data-depth")}:${e.getAttribute("data-status")}`))).toEqual([
      "search_catalog:1:error",
      "start_order:1:ok",
    ]);
    expect(await detail.stepDurations(turn)).toEqual(["600 ms", "50 ms", "50 ms", "800 ms"]);
    // bars on one axis (1.5 s): each starts where the step before it ended, widths in proportion to the durations
    const bars = await detail.stepBars(turn);
    expect(bars.every((b) => b.width > 0)).toBe(true);
    for (let i = 1; i < bars.length; i++) expect(bars[i].x).toBeCloseTo(bars[i - 1].x + bars[i - 1].width, -1);
    expect(bars[3].width / bars[0].width).toBeCloseTo(800 / 600, 1);
    await expect(top.first().getByTestId("step-cost").first()).toHaveText("$0.0021");

    const failed = turn.locator('[data-testid="step"][data-status="error"]');
    await expect(failed).toHaveCount(1);
    await expect(failed.getByTestId("step-error")).toHaveText("Error: catalog search timed out");
    await expect(failed.getByTestId("step-truncated")).toContainText("truncated at 16,384 bytes");
    const background = (l: typeof failed) => l.getByTestId("step-row").evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await background(failed)).not.toBe(await background(tools.nth(1)));
    await tools.nth(1).getByTestId("step-result").locator("summary").click();
    await expect(tools.nth(1).getByTestId("step-result").locator("pre")).toContainText('"orderId": "ord-1"');
    await expect(page.getByTestId("message-vote").first()).toHaveAttribute("data-vote", "down");
    expect(await seriousViolations(page)).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${shots}/trace-steps.png`, fullPage: true });
  });

  test("exports the current search as CSV", async ({ page, sql }) => {
    await loginAsOperator(page);
    const explorer = new TraceExplorer(page);
    await explorer.goto(`?user=${ana.id}`);
    await expect(explorer.rows).toHaveCount(5);
    const [header, ...lines] = (await explorer.exportCsv()).trim().split("\n");
    const columns = header.split(",");
    expect(columns).toEqual(expect.arrayContaining(["id", "sessionTag", "userId", "agentType", "llmCalls", "totalTokens", "feedback"]));
    // text cells are quoted (none of these contain a comma)
    const rows = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [columns[i], v.replace(/^"(.*)"$/, "$1")])));
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.userId === ana.id)).toBe(true);
    expect(new Set(rows.map((r) => r.sessionTag))).toEqual(new Set(ana.sessions.map((s) => s.sessionTag)));
    const [{ llm_calls }] = await sql<{ llm_calls: number }>("select llm_calls from llm_traces where id = $1", [ana.sessions[0].traceId]);
    expect(rows.find((r) => r.id === ana.sessions[0].traceId)).toMatchObject({ llmCalls: String(llm_calls), feedback: "pending", scores: "helpful operator admin=false" });

    await explorer.filter("agent", "sales_pitch");
    const filtered = (await explorer.exportCsv()).trim().split("\n").slice(1);
    expect(filtered).toHaveLength(2);
  });

  test("shows new traces of the search as they arrive", async ({ page }) => {
    await loginAsOperator(page);
    const explorer = new TraceExplorer(page);
    await explorer.goto(`?user=${ana.id}`);
    await expect(explorer.rows).toHaveCount(5);
    const fresh = await ana.say("I want 20 Stormshell Rain Jackets for my team", "order_assistant"); // S6
    expect(fresh.newSession).toBe(true);
    await expect(explorer.newTraces).toHaveText(/^1 new trace/, { timeout: 20_000 });
    await explorer.newTraces.click();
    await expect(explorer.rows).toHaveCount(6);
    expect((await explorer.rowTags())[0]).toBe(fresh.sessionTag);
  });

  test("the dashboard draws its charts from SQL aggregates", async ({ page, request }) => {
    expect((await request.get("/api/dashboard")).status()).toBe(401);
    // the dashboard's ratings are the visitors' (an operator's review is a score of its own)
    await bob.rate(bob.sessions[0].sessionId, "negative");
    const api = await request.get("/api/dashboard", { headers: { Authorization: `Bearer ${token}` } });
    expect(api.status()).toBe(200);
    const stats = (await api.json()) as { totals: { traces: number; negative: number }; perDay: unknown[]; llmCallsDistribution: { sessions: number }[] };
    expect(stats.totals.traces).toBeGreaterThanOrEqual(8);
    expect(stats.totals.negative).toBeGreaterThanOrEqual(1);
    expect(stats.llmCallsDistribution.reduce((n, b) => n + b.sessions, 0)).toBe(stats.totals.traces);

    await loginAsOperator(page, "/dashboard");
    const dashboard = new Dashboard(page);
    await dashboard.goto();
    await dashboard.expectChartsDrawn();
    // the order trace got a cost and a vote in the steps test: cost and votes charts draw bars
    for (const id of ["chart-cost-per-day", "chart-cost-agent", "chart-cost-model", "chart-votes-agent", "chart-votes-model"]) {
      await expect(page.getByTestId(id).locator(".recharts-bar-rectangle").first(), id).toBeVisible();
    }
    await expect(page.getByTestId("kpi-cost").getByTestId("kpi-value")).not.toHaveText("$0.00");
    expect(await seriousViolations(page)).toEqual([]);
    expect(Number((await dashboard.kpi("traces")).replace(/,/g, ""))).toBeGreaterThanOrEqual(8);
    await expect(dashboard.comparison).toBeVisible();
    await page.screenshot({ path: `${shots}/dashboard.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: `${shots}/dashboard-dark.png`, fullPage: true });
  });

  test("an agent added by SQL shows by its name in the agent filter and column (disabled ones too)", async ({ page, sql }) => {
    const key = `gift_finder_${Date.now().toString(36)}`;
    const visitor = `e2e-gift-${key}`;
    // added as README "Add your own agent" says, then disabled: the menu of other specs never shows it
    await sql(`insert into agents (key, name, description, instructions, tools, handoffs, is_enabled)
               values ($1, 'Gift Finder', 'Gift ideas', 'You are the Gift Finder.', '{}', '{}', false)`, [key]);
    await sql("select public.start_session($1, 'web', $2, (select id from llm_models where key = 'offline'), true, 'first_message')", [visitor, key]);
    await loginAsOperator(page);
    const explorer = new TraceExplorer(page);
    await explorer.goto(`?user=${visitor}`);
    await expect(explorer.rows).toHaveCount(1);
    expect(await explorer.column("agent")).toEqual(["Gift Finder"]);
    await expect(page.getByTestId("filter-agent").locator(`option[value="${key}"]`)).toHaveText("Gift Finder");
    await explorer.filter("agent", key);
    await expect(explorer.rows).toHaveCount(1);
  });
});

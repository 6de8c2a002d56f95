import { readFile } from "node:fs/promises";
import { expect, type Locator, type Page } from "@playwright/test";

/**
 * Page objects for the operator screens: login, the trace explorer (/traces),
 * a trace's detail (/traces/{id}) and the dashboard. Everything is found by data-testid.
 */

export async function loginAsOperator(page: Page, next = "/traces", token = process.env.THREADLINE_ADMIN_TOKEN ?? ""): Promise<void> {
  if (!token) throw new Error("THREADLINE_ADMIN_TOKEN is not set");
  // the startup login URL: /login?token=… signs in by itself and drops the token from the address bar
  await page.goto(`/login?token=${encodeURIComponent(token)}&next=${encodeURIComponent(next)}`);
  await expect(page).toHaveURL((url) => url.pathname === next.split("?")[0]);
}

export class TraceExplorer {
  readonly root: Locator;
  readonly search: Locator;
  readonly searchMode: Locator;
  readonly exact: Locator;
  readonly rows: Locator;
  readonly empty: Locator;
  readonly error: Locator;
  readonly exportLink: Locator;
  readonly newTraces: Locator;
  readonly next: Locator;
  readonly prev: Locator;
  readonly first: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId("trace-explorer");
    this.search = page.getByTestId("tag-search");
    this.searchMode = page.getByTestId("search-mode");
    this.exact = page.getByTestId("tag-exact");
    this.rows = page.getByTestId("trace-row");
    this.empty = page.getByTestId("traces-empty");
    this.error = page.getByTestId("traces-error");
    this.exportLink = page.getByTestId("export-csv");
    this.newTraces = page.getByTestId("new-traces");
    this.next = page.getByTestId("page-next");
    this.prev = page.getByTestId("page-prev");
    this.first = page.getByTestId("page-first");
  }

  async goto(query = ""): Promise<void> {
    await this.page.goto(`/traces${query}`);
    await expect(this.root).toBeVisible();
  }

  /** Waits until the URL says `param` is `value` (the explorer renders the result with the URL) and nothing is loading. */
  async settled(param: string, value: string | null): Promise<void> {
    await expect(this.page).toHaveURL((url) => url.searchParams.get(param) === value);
    await expect(this.root).toHaveAttribute("data-pending", "false");
  }

  /** Types into the tag search as a person would; the search runs after the debounce. */
  async searchTag(text: string): Promise<void> {
    await this.search.fill("");
    await this.search.pressSequentially(text, { delay: 15 });
    await this.settled("tag", text || null);
  }

  async hasError(on: boolean): Promise<void> {
    await this.page.getByTestId("filter-has-error").setChecked(on);
    await this.settled("error", on ? "1" : null);
  }

  async minCost(usd: string): Promise<void> {
    await this.page.getByTestId("filter-min-cost").fill(usd);
    await this.settled("minCost", usd || null);
  }

  async filter(name: "agent" | "model" | "channel" | "feedback" | "range" | "tool", value: string): Promise<void> {
    await this.page.getByTestId(`filter-${name}`).selectOption(value);
    await this.settled(name, value || null);
  }

  async filterVisitor(id: string): Promise<void> {
    await this.page.getByTestId("filter-user").fill(id);
    await this.settled("user", id || null);
  }

  async sortBy(column: "created_at" | "llm_calls" | "total_tokens" | "latency_ms" | "cost_usd"): Promise<void> {
    await this.page.getByTestId(`sort-${column}`).click();
    await expect(this.page).toHaveURL((url) => (url.searchParams.get("sort") ?? "created_at") === column);
    await expect(this.root).toHaveAttribute("data-pending", "false");
  }

  async sortDirection(): Promise<"asc" | "desc"> {
    return new URL(this.page.url()).searchParams.get("dir") === "asc" ? "asc" : "desc";
  }

  async rowTags(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-session-tag") ?? ""));
  }

  async rowIds(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-trace-id") ?? ""));
  }

  /** The text of one column in every row, e.g. "total_tokens" or "agent". */
  async column(id: string): Promise<string[]> {
    return (await this.rows.locator(`td[data-column="${id}"]`).allInnerTexts()).map((t) => t.trim());
  }

  /** Goes to the next (or previous) keyset page and waits for its rows. */
  async turnPage(direction: "next" | "prev" | "first"): Promise<void> {
    const before = this.page.url();
    await this[direction].click();
    await expect(this.page).not.toHaveURL(before);
    await expect(this.root).toHaveAttribute("data-pending", "false");
  }

  async open(tag: string): Promise<TraceDetail> {
    await this.page.locator(`[data-testid="trace-row"][data-session-tag="${tag}"]`).first().getByTestId("trace-link").click();
    const detail = new TraceDetail(this.page);
    await expect(detail.root).toBeVisible();
    return detail;
  }

  /** Clicks "Export CSV" and returns the downloaded file's text. */
  async exportCsv(): Promise<string> {
    const [download] = await Promise.all([this.page.waitForEvent("download"), this.exportLink.click()]);
    return readFile((await download.path())!, "utf8");
  }
}

export class TraceDetail {
  readonly root: Locator;
  readonly tag: Locator;
  readonly messages: Locator;
  readonly events: Locator;
  readonly visitorSessions: Locator;
  readonly feedback: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId("trace-detail");
    this.tag = page.getByTestId("trace-tag");
    this.messages = page.getByTestId("conversation-message");
    this.events = page.getByTestId("lifecycle-event");
    this.visitorSessions = page.getByTestId("visitor-session");
    this.feedback = page.getByTestId("feedback-editor");
  }

  async goto(traceId: string): Promise<void> {
    await this.page.goto(`/traces/${traceId}`);
    await expect(this.root).toBeVisible();
  }

  /** [role, text] of every message, in order. */
  async conversation(): Promise<[string, string][]> {
    return this.messages.evaluateAll((items) =>
      items.map((m) => [m.getAttribute("data-role") ?? "", (m.querySelector('[data-testid="message-text"]')?.textContent ?? "").trim()] as [string, string]),
    );
  }

  /** The steps of one visitor message's turn. */
  turn(messageId: string): Locator {
    return this.page.locator(`[data-testid="turn-steps"][data-message-id="${messageId}"]`);
  }

  /** Each step's duration text, in document order (parents before their children). */
  async stepDurations(turn: Locator): Promise<string[]> {
    return (await turn.getByTestId("step-duration").allInnerTexts()).map((t) => t.trim());
  }

  /** Each step's bar on the turn's time axis, in document order. */
  async stepBars(turn: Locator): Promise<{ x: number; width: number }[]> {
    return turn.getByTestId("step-bar").evaluateAll((bars) => bars.map((b) => ({ x: b.getBoundingClientRect().x, width: b.getBoundingClientRect().width })));
  }

  async copyTag(): Promise<string> {
    const button = this.root.getByTestId("trace-figures").getByTestId("copy-tag");
    await button.click();
    await expect(button).toHaveAttribute("data-copied", "true");
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  async setFeedback(rating: "positive" | "negative" | "clear", comment?: string): Promise<void> {
    await this.feedback.getByTestId(`feedback-${rating}`).click();
    if (comment !== undefined) await this.feedback.getByTestId("feedback-comment").fill(comment);
    await this.feedback.getByTestId("feedback-save").click();
    await expect(this.page.getByTestId("feedback-status")).toHaveAttribute("data-kind", "saved");
    await expect(this.feedback).toHaveAttribute("data-feedback", rating === "clear" ? "pending" : rating);
  }
}

export class Dashboard {
  readonly root: Locator;
  readonly charts: Record<"tracesPerDay" | "llmCalls" | "feedbackByAgent" | "feedbackByModel", Locator>;
  readonly comparison: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId("dashboard");
    this.charts = {
      tracesPerDay: page.getByTestId("chart-traces-per-day"),
      llmCalls: page.getByTestId("chart-llm-calls"),
      feedbackByAgent: page.getByTestId("chart-feedback-agent"),
      feedbackByModel: page.getByTestId("chart-feedback-model"),
    };
    this.comparison = page.getByTestId("experiment-comparison");
  }

  async goto(query = ""): Promise<void> {
    await this.page.goto(`/dashboard${query}`);
    await expect(this.root).toBeVisible();
  }

  async kpi(name: "traces" | "llm-calls" | "tokens" | "latency" | "feedback" | "errors"): Promise<string> {
    return (await this.page.getByTestId(`kpi-${name}`).getByTestId("kpi-value").innerText()).trim();
  }

  /** Every chart has drawn its SVG and at least one bar. */
  async expectChartsDrawn(): Promise<void> {
    for (const chart of Object.values(this.charts)) {
      await expect(chart.locator("svg.recharts-surface").first()).toBeVisible();
      await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();
    }
  }
}


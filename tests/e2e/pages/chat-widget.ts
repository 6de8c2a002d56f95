import { expect, type FrameLocator, type Locator, type Page } from "@playwright/test";

export type AgentKey = "product_recommendation" | "sales_pitch" | "order_assistant" | (string & {});
type Scope = Page | FrameLocator;

/**
 * Page object for the Threadline chat widget (components/chat), on the
 * storefront page or inside the embed iframe (see ChatWidget.embedded).
 * Everything is found by data-testid.
 */
export class ChatWidget {
  readonly launcher: Locator;
  readonly panel: Locator;
  readonly input: Locator;
  readonly sendButton: Locator;
  readonly stopButton: Locator;
  readonly messages: Locator;
  readonly agentMessages: Locator;
  readonly userMessages: Locator;
  readonly badge: Locator;
  readonly copyConfirmation: Locator;
  readonly trackingToggle: Locator;
  readonly newChatButton: Locator;
  readonly error: Locator;
  readonly retryButton: Locator;
  readonly rateLimitNotice: Locator;
  readonly agentMenu: Locator;
  readonly typingIndicator: Locator;
  readonly title: Locator;
  readonly heldNotice: Locator;
  private agentCountBeforeSend = 0;

  constructor(
    readonly page: Page,
    private readonly scope: Scope = page,
    launcher?: Locator,
  ) {
    this.launcher = launcher ?? scope.getByTestId("chat-launcher");
    this.panel = scope.getByTestId("chat-panel");
    this.input = this.panel.getByTestId("chat-input");
    this.sendButton = this.panel.getByTestId("chat-send");
    this.stopButton = this.panel.getByTestId("chat-stop");
    this.messages = this.panel.getByTestId("message");
    this.agentMessages = this.panel.locator('[data-testid="message"][data-role="agent"]');
    this.userMessages = this.panel.locator('[data-testid="message"][data-role="user"]');
    this.badge = this.panel.getByTestId("session-badge");
    this.copyConfirmation = this.panel.getByTestId("copy-confirmation");
    this.trackingToggle = this.panel.getByTestId("tracking-toggle");
    this.newChatButton = this.panel.getByTestId("new-chat");
    this.error = this.panel.getByTestId("chat-error");
    this.retryButton = this.panel.getByTestId("chat-retry");
    this.rateLimitNotice = this.panel.getByTestId("rate-limit-notice");
    this.agentMenu = this.panel.getByTestId("agent-menu");
    this.typingIndicator = this.panel.getByTestId("typing-indicator");
    this.title = this.panel.getByTestId("chat-title");
    this.heldNotice = this.panel.getByTestId("chat-held");
  }

  /** The widget inside the iframe that public/embed.js adds to a host page. */
  static inEmbed(page: Page): ChatWidget {
    return new ChatWidget(page, page.frameLocator('[data-testid="threadline-frame"]'), page.getByTestId("threadline-launcher"));
  }

  /** A widget on `path`, opened, with `agent` chosen and its greeting shown. */
  static async withAgent(page: Page, agent: AgentKey, path = "/", { tracking = true } = {}): Promise<ChatWidget> {
    const chat = new ChatWidget(page);
    await chat.goto(path);
    await chat.open();
    // tracking off (the settings menu) before the session starts: it gets no trace
    if (!tracking) await chat.setTracking(false);
    await chat.chooseAgent(agent);
    await chat.waitForReply();
    return chat;
  }

  async goto(path = "/"): Promise<void> {
    await this.page.goto(path);
    await expect(this.launcher).toBeVisible();
  }

  /** Opens the panel (no-op when it is already open) and waits for restored history to load. */
  async open(): Promise<void> {
    if (!(await this.panel.isVisible())) await this.launcher.click();
    await expect(this.panel).toBeVisible();
    await expect(this.panel.getByText("Loading your conversation…")).toHaveCount(0);
  }

  /** Closes with Escape, as a keyboard user would. */
  async close(): Promise<void> {
    await this.input.press("Escape");
    await expect(this.panel).toBeHidden();
  }

  async chooseAgent(key: AgentKey): Promise<void> {
    this.agentCountBeforeSend = await this.agentMessages.count();
    await this.panel.getByTestId(`agent-option-${key}`).click();
  }

  /** Types a message and presses Enter. */
  async send(text: string): Promise<void> {
    await expect(this.sendButton).toBeVisible();
    this.agentCountBeforeSend = await this.agentMessages.count();
    await this.input.fill(text);
    await this.input.press("Enter");
  }

  /** Waits until the reply to the last message, button or agent choice is complete; returns its text. */
  async waitForReply(timeout = 15_000): Promise<string> {
    await expect(this.agentMessages).toHaveCount(this.agentCountBeforeSend + 1, { timeout });
    await expect(this.stopButton).toBeHidden({ timeout });
    await expect(this.lastAgentMessage()).toHaveAttribute("data-status", "done", { timeout });
    return this.lastAgentText();
  }

  async sendAndWait(text: string): Promise<string> {
    await this.send(text);
    return this.waitForReply();
  }

  lastAgentMessage(): Locator {
    return this.agentMessages.last();
  }

  lastUserMessage(): Locator {
    return this.userMessages.last();
  }

  async lastAgentText(): Promise<string> {
    return (await this.lastAgentMessage().getByTestId("message-content").innerText()).trim();
  }

  /** Texts of all messages (optionally of one role), oldest first. */
  async messageTexts(role?: "user" | "agent" | "system"): Promise<string[]> {
    const list = role ? this.panel.locator(`[data-testid="message"][data-role="${role}"]`) : this.messages;
    return (await list.getByTestId("message-content").allInnerTexts()).map((t) => t.trim());
  }

  /** The reply buttons of the latest agent message. */
  replyButtons(): Locator {
    return this.lastAgentMessage().getByTestId("reply-button");
  }

  async replyButtonLabels(): Promise<string[]> {
    return (await this.replyButtons().allInnerTexts()).map((t) => t.trim());
  }

  async clickReplyButton(label: string | RegExp): Promise<void> {
    this.agentCountBeforeSend = await this.agentMessages.count();
    await this.replyButtons().filter({ hasText: label }).first().click();
  }

  /** "[Model Name #015]" (the text, whatever part of the model name is cut off on screen) */
  async badgeText(): Promise<string> {
    await expect(this.badge).toBeVisible();
    return ((await this.badge.textContent()) ?? "").trim();
  }

  /** The menu's options, as the server lists them: [key, name]. */
  async menuOptions(): Promise<Array<[string, string]>> {
    await expect(this.agentMenu).toHaveAttribute("data-status", "ready");
    const options = this.agentMenu.locator('[data-testid^="agent-option-"]');
    const keys = await options.evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")!.slice("agent-option-".length)));
    const names = await options.locator("span.font-medium").allInnerTexts();
    return keys.map((k, i) => [k, names[i].trim()]);
  }

  /** Thumbs up/down on an agent message (the latest by default); waits for the pressed state. */
  async vote(direction: "up" | "down", message: Locator = this.lastAgentMessage()): Promise<void> {
    const button = message.getByTestId(direction === "up" ? "vote-up" : "vote-down");
    const wasPressed = (await button.getAttribute("aria-pressed")) === "true";
    await button.click();
    await expect(button).toHaveAttribute("aria-pressed", wasPressed ? "false" : "true");
  }

  /** Copies an agent message (the latest by default) and returns what the clipboard holds. */
  async copyMessage(message: Locator = this.lastAgentMessage()): Promise<string> {
    const button = message.getByTestId("copy-message");
    await button.click();
    await expect(button).toHaveAttribute("data-copied", "");
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  productCards(message: Locator = this.lastAgentMessage()): Locator {
    return message.getByTestId("product-card");
  }

  /** The full session tag behind the badge. */
  async sessionTag(): Promise<string> {
    return (await this.badge.getAttribute("data-session-tag")) ?? "";
  }

  /** The visitor's reference the badge shows next to the tag (the first 8 characters of the visitor id). */
  async visitorRef(): Promise<string> {
    return (await this.badge.getAttribute("data-visitor-ref")) ?? "";
  }

  /** Clicks the badge and waits for the "Copied" confirmation; returns what it copies: "tag · v:ref". */
  async copySessionTag(): Promise<string> {
    await this.badge.click();
    await expect(this.copyConfirmation).toBeVisible();
    return `${await this.sessionTag()} · v:${await this.visitorRef()}`;
  }

  /** Opens the header's ⋯ settings menu (analytics tracking, "Delete my chat history"). */
  async openSettings(): Promise<void> {
    const button = this.panel.getByTestId("chat-settings");
    if ((await button.getAttribute("aria-expanded")) !== "true") await button.click();
    await expect(this.panel.getByTestId("chat-settings-panel")).toBeVisible();
  }

  async setTracking(enabled: boolean): Promise<void> {
    await this.openSettings();
    await this.trackingToggle.setChecked(enabled);
    await this.page.keyboard.press("Escape");
    await expect(this.panel.getByTestId("chat-settings-panel")).toBeHidden();
  }

  /** Ends the current session and waits for the agent menu. */
  async newChat(): Promise<void> {
    await this.newChatButton.click();
    await expect(this.agentMenu).toBeVisible();
    await expect(this.messages).toHaveCount(0);
  }

  async giveFeedback(rating: "positive" | "negative"): Promise<void> {
    const button = this.lastAgentMessage().getByTestId(rating === "positive" ? "feedback-up" : "feedback-down");
    await button.click();
    await expect(button).toHaveAttribute("aria-pressed", "true");
  }

  async stop(): Promise<void> {
    await this.stopButton.click();
    await expect(this.stopButton).toBeHidden();
  }

  async retry(): Promise<void> {
    this.agentCountBeforeSend = await this.agentMessages.count();
    await this.retryButton.click();
  }

  /** The session id the widget keeps in localStorage. */
  async storedSessionId(): Promise<string | null> {
    const read = () => window.localStorage.getItem("threadline.sessionId");
    // In the embed iframe, storage belongs to the frame's origin: read it from inside the (open) panel.
    return this.scope === this.page ? this.page.evaluate(read) : this.panel.evaluate(read);
  }
}

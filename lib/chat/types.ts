// Shapes shared by the chat turn, the agents and the models.

export type Role = "user" | "agent" | "system";

export interface ButtonAction {
  id: string;
  payload?: Record<string, unknown>;
}

export interface Button {
  label: string;
  action: ButtonAction;
}

export interface StoredMessage {
  id: string;
  seq: number;
  role: Role;
  content: string;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export interface ModelInfo {
  id: string;
  key: string;
  name: string;
  provider: "offline" | "openai_compatible";
}

/** What begin_turn hands the agent: everything it may read, nothing it may write. */
export interface TurnContext {
  sessionId: string;
  visitorId: string;
  agentKey: string;
  model: ModelInfo;
  /** The text the visitor sent (or the clicked button's label). */
  message: string;
  /** The clicked button, when the turn is a button action (R10). */
  action: ButtonAction | null;
  /** Metadata of the stored agent message that produced the clicked button (its tool outputs). */
  actionSource: Record<string, unknown> | null;
  /** Recent messages of the session, oldest first, the current user message last. */
  history: StoredMessage[];
  /** Flow state of this session, by flow name. */
  flows: Record<string, Record<string, unknown>>;
  /** Reads the catalog; agents never touch the database any other way. */
  catalog: Catalog;
}

export interface Product {
  sku: string;
  name: string;
  category: string;
  description: string;
  priceCents: number;
  tags: string[];
  pickupLocation: string;
}

export interface Catalog {
  search(query: string, limit: number): Promise<Product[]>;
  get(sku: string): Promise<Product | null>;
}

/** What the agent decided, before the model words it. */
export interface AgentPlan {
  /** Instructions for the model (system prompt for remote models). */
  system: string;
  /** Facts the reply must be built from: tool name -> output. Stored in the reply's metadata. */
  toolOutputs: Record<string, unknown>;
  /** A reply the offline model composes from toolOutputs; remote models may rephrase it. */
  draft: string;
  buttons: Button[];
  /** Flow state changes: flow name -> new state, or null to clear it. */
  flows?: Record<string, Record<string, unknown> | null>;
  /** Extra metadata stored on the reply (e.g. {kind: "menu", menu: [...agent keys]}). */
  metadata?: Record<string, unknown>;
}

export interface Agent {
  key: string;
  name: string;
  description: string;
  systemPrompt: string;
  plan(ctx: TurnContext): Promise<AgentPlan>;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A model call that streams text; usage is known once the stream ends. */
export interface ModelStream {
  text: AsyncIterable<string>;
  usage(): Promise<ModelUsage>;
}

export interface ChatModel {
  info: Omit<ModelInfo, "id">;
  generate(input: { plan: AgentPlan; history: StoredMessage[]; message: string; signal?: AbortSignal }): ModelStream;
}

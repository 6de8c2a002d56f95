import "server-only";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createUIMessageStream, createUIMessageStreamResponse, hasToolCall, stepCountIs, streamText } from "ai";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { toolsFor, type ToolTiming } from "../tools/registry";
import type { AgentDefinition, ToolRun } from "../tools/types";
import { instructionsFor, MAX_STEPS } from "./agent-run";
import { chatModelFor, defaultModelKey } from "./available-models";
import type { ChatRequest, ChatUIMessage, TurnResult } from "./wire";

// The bench's floor (docs/performance.md, "The floor"): Threadline's chat turn without Threadline.
// The same route wrapper and zod parsing, AI SDK streamText with the same offline model, agent
// instructions and tools, the tools answered from an in-memory catalog, and the same answer (JSON,
// or the same UI message stream) — no session, no trace, no steps, no database. What a chat turn
// costs above this is what Threadline adds.

type Product = { sku: string; name: string; category: string; description: string; price_cents: number; tags: string[]; pickup_location: string };

/** The demo catalog, read once from the seed the bench's database is given (supabase/seed.sql). */
let catalog: Product[] | undefined;
function products(): Product[] {
  if (catalog) return catalog;
  const seed = readFileSync(path.join(process.cwd(), "supabase/seed.sql"), "utf8");
  const row = /\('([A-Z0-9-]+)', '((?:[^']|'')*)', '([a-z_]+)', '((?:[^']|'')*)', (\d+), '\{([^}]*)\}', '((?:[^']|'')*)'\)/g;
  const un = (s: string) => s.replaceAll("''", "'");
  catalog = [...seed.matchAll(row)].map((m) => ({
    sku: m[1], name: un(m[2]), category: m[3], description: un(m[4]), price_cents: Number(m[5]), tags: m[6].split(","), pickup_location: un(m[7]),
  }));
  return catalog;
}

/** search_catalog in memory: each word found counts 1; a question without words gets one product per category. */
function search(query: string | null, limit = 5) {
  const words = (query ?? "").toLowerCase().match(/[a-z]{3,}/g) ?? [];
  const hits = products().map((p) => {
    const text = `${p.name} ${p.category} ${p.tags.join(" ")} ${p.description}`.toLowerCase();
    return { ...p, rank: words.filter((w) => text.includes(w)).length, featured: words.length === 0 };
  });
  const found = words.length ? hits.filter((h) => h.rank > 0).sort((a, b) => b.rank - a.rank || a.sku.localeCompare(b.sku)) : hits;
  return found.slice(0, Math.min(Math.max(limit, 1), 50));
}

/** The catalog tools' two functions, answered in memory; anything else is not the floor's. */
const memoryCatalog: Database = {
  backend: "pglite",
  rpc: (async (fn: string, args?: { p_query?: string | null; p_limit?: number }) => {
    if (fn === "search_catalog") return search(args?.p_query ?? null, args?.p_limit);
    if (fn === "catalog_products") return products();
    throw new AppError("internal:chat", `The floor has no database: ${fn}.`);
  }) as Database["rpc"],
  close: async () => {},
};

/** The seeded default agent (supabase/schemas/02_models_and_agents.sql): its instructions and tools. */
const agent: AgentDefinition = {
  key: "product_recommendation",
  name: "Product Recommendation",
  description: "Finds products that match what you need",
  instructions: "You are Threadline's Product Recommendation agent for an outdoor gear store. Find catalog products that match the visitor's need with search_catalog, recommend at most three, and offer them as buttons with offer_choices (one button per product, action id \"product_details\" with payload {\"sku\": …}). Use product_details for a product's facts. Use only facts returned by the tools: never invent products, prices or stock. When the visitor wants 10 or more units of something (a bulk order), call handoff with agent \"order_assistant\" at once.",
  tools: ["search_catalog", "product_details", "offer_choices", "handoff"],
  handoffs: ["sales_pitch", "order_assistant"],
  version: 1,
};
const handoffTargets = [
  { key: "sales_pitch", name: "Sales Pitch", description: "A short pitch for a product you name" },
  { key: "order_assistant", name: "Order Assistant", description: "Bulk orders (10+ units) with store pickup" },
];

/** One floor turn: the tool loop on the visitor's message, answered as JSON or as the UI message stream. */
export async function floorTurn(request: Request, body: ChatRequest): Promise<Response> {
  const model = chatModelFor(body.model ?? defaultModelKey());
  const message = body.message ?? "";
  const run: ToolRun = {
    db: memoryCatalog, sessionId: randomUUID(), message, action: body.action ?? null, flows: {}, changedFlows: new Set(),
    buttons: [], handoffTargets, handoff: null,
  };
  const timings = new Map<string, ToolTiming>();
  const result = streamText({
    model: model.languageModel,
    instructions: instructionsFor(agent, { action: body.action ?? null, actionSource: null, flows: {}, tryAgain: false }),
    messages: [{ role: "user", content: message }],
    tools: toolsFor(agent.tools, run, timings),
    stopWhen: [stepCountIs(MAX_STEPS), hasToolCall("handoff")],
    maxRetries: model.maxRetries,
  });
  const answer = (content: string): TurnResult => ({
    sessionId: run.sessionId, newSession: false, sessionTag: "floor", traceId: null,
    agent: { key: agent.key, name: agent.name }, model: { key: model.info.key, name: model.info.name },
    reply: { id: randomUUID(), role: "agent", content, buttons: run.buttons, partial: false },
  });
  const headers = { "Cache-Control": "no-store" };
  if (!(request.headers.get("accept") ?? "").includes("text/event-stream")) {
    let content = "";
    for await (const delta of result.textStream) content += delta;
    return Response.json(answer(content), { headers });
  }
  const stream = createUIMessageStream<ChatUIMessage>({
    async execute({ writer }) {
      const textId = randomUUID();
      writer.write({ type: "start", messageId: textId });
      writer.write({ type: "text-start", id: textId });
      let content = "";
      for await (const delta of result.textStream) {
        content += delta;
        writer.write({ type: "text-delta", id: textId, delta });
      }
      writer.write({ type: "text-end", id: textId });
      writer.write({ type: "data-result", data: answer(content) });
      writer.write({ type: "finish" });
    },
  });
  return createUIMessageStreamResponse({ stream, headers });
}

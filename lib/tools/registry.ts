// The one registry of tools. Agents name tools by these keys (agents.tools); the database
// lists the same names in agent_tools so it can refuse an agent naming an unknown tool.
import { tool, zodSchema, type ToolSet } from "ai";
import { preciseNow } from "../clock";
import { productDetails, searchCatalog } from "./catalog";
import { offerChoices } from "./choices";
import { handoff } from "./handoff";
import { cancelOrder, confirmOrder, removeOrderLine, setContactDetails, setOrderLine, startOrder } from "./order";
import { ToolRefusal, type ToolDefinition, type ToolRun } from "./types";

const definitions = [
  searchCatalog,
  productDetails,
  offerChoices,
  startOrder,
  setOrderLine,
  removeOrderLine,
  setContactDetails,
  confirmOrder,
  cancelOrder,
  handoff,
] as ToolDefinition<never>[];

export const toolRegistry: ReadonlyMap<string, ToolDefinition<never>> = new Map(definitions.map((d) => [d.name, d]));
export const toolNames: readonly string[] = definitions.map((d) => d.name);

// Each tool's input schema wrapped for the AI SDK once: the wrapper converts the zod schema to the
// JSON Schema the model is sent on first use and keeps it, so a turn does not convert it again
// (docs/performance.md, "The turn-cost change").
const inputSchemas = new Map(definitions.map((d) => [d.name, zodSchema(d.input)]));

/** When a tool ran, in epoch ms with a fraction (lib/clock.ts). */
export interface ToolTiming {
  startedAt: number;
  endedAt?: number;
}

/**
 * The AI SDK tool set for an agent's tools, bound to this run. An unknown name is skipped
 * (the database refuses it; an older pinned version may name a tool since removed).
 * A refusal is returned to the model as the tool's error, so it can recover.
 */
export function toolsFor(names: readonly string[], run: ToolRun, timings: Map<string, ToolTiming>): ToolSet {
  const set: ToolSet = {};
  for (const name of names) {
    const def = toolRegistry.get(name);
    if (!def) continue;
    set[name] = tool({
      description: typeof def.description === "function" ? def.description(run) : def.description,
      inputSchema: inputSchemas.get(name),
      execute: async (input: never, { toolCallId }: { toolCallId: string }) => {
        const timing: ToolTiming = { startedAt: preciseNow() };
        timings.set(toolCallId, timing);
        try {
          return await def.execute(input, run);
        } finally {
          timing.endedAt = preciseNow();
        }
      },
    } as never);
  }
  return set;
}

export { ToolRefusal };

// handoff: the visitor continues with another agent in a new session (R4, docs/rules.md), in this same turn.
import { z } from "zod";
import { ToolRefusal, type ToolDefinition, type ToolRun } from "./types";

function describe(run: ToolRun): string {
  const targets = run.handoffTargets.map((t) => `\n- ${t.key}: ${t.name} — ${t.description.replace(/\s+/g, " ")}`).join("");
  return `Hand the visitor over to another agent, who answers this same message in a new session. Agents:${targets || " none"}`;
}

export const handoff: ToolDefinition<{ agent: string; reason?: string }> = {
  name: "handoff",
  description: describe,
  input: z.object({
    agent: z.string().min(1).max(64).describe("The key of the agent to hand over to"),
    reason: z.string().max(300).optional().describe("Why, in a few words"),
  }),
  async execute({ agent, reason }, run) {
    const target = run.handoffTargets.find((t) => t.key === agent);
    if (!target) throw new ToolRefusal(`Unknown agent ${agent}; choose one of: ${run.handoffTargets.map((t) => t.key).join(", ")}.`);
    run.handoff ??= { agent: target.key, reason: reason ?? "" };
    return { handed_over_to: { key: target.key, name: target.name } };
  },
};

// What a tool may read and change during one agent run: the data-access interface for
// reads, and in-memory copies of what finish_turn saves (flow state, buttons, a handoff).
import type { z } from "zod";
import type { Button, ButtonAction } from "../chat/wire";
import type { Database } from "../db/types";

/** An agent as begin_turn returns it (its pinned version; schema in lib/db/rpc/rows.ts). */
export type { AgentDefinition } from "../db/rpc/rows";

export interface HandoffTarget {
  key: string;
  name: string;
  description: string;
}

export interface ToolRun {
  db: Database;
  sessionId: string;
  /** The visitor's text this turn (a pressed button's label). */
  message: string;
  /** The pressed button, when the turn is a button press. */
  action: ButtonAction | null;
  /** Flow state by flow name; tools change this copy, finish_turn stores the changed ones. */
  flows: Record<string, Record<string, unknown> | null>;
  changedFlows: Set<string>;
  /** The reply's buttons: only offer_choices adds them. */
  buttons: Button[];
  /** Agents this one may hand over to. */
  handoffTargets: HandoffTarget[];
  /** Set by the handoff tool; the turn then runs that agent. */
  handoff: { agent: string; reason: string } | null;
}

export interface ToolDefinition<I = unknown> {
  name: string;
  description: string | ((run: ToolRun) => string);
  input: z.ZodType<I>;
  execute(input: I, run: ToolRun): Promise<unknown>;
}

/** A tool that refuses (bad state, bad input the model can fix): the model sees the reason. */
export class ToolRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolRefusal";
  }
}

// The turn context: one line the chat turn appends to an agent's instructions (lib/chat/agent-run.ts)
// and a model may read (the offline model's rules, lib/models/offline-rules.ts). Its label lives
// here, below both, so the agent run does not reach into one model's implementation.
export const TURN_CONTEXT_LABEL = "Turn context (JSON): ";

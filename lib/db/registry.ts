import { z } from "zod";
import { agentFunctions } from "./rpc/agents";
import { appFunctions } from "./rpc/app";
import { channelFunctions } from "./rpc/channels";
import { chatFunctions } from "./rpc/chat";
import { datasetFunctions } from "./rpc/datasets";
import { evaluatorFunctions } from "./rpc/evaluators";
import { operatorFunctions } from "./rpc/operators";
import { scoreFunctions } from "./rpc/scores";
import { queueFunctions } from "./rpc/queues";
import { reviewFunctions } from "./rpc/reviews";
import { visitorFunctions } from "./rpc/visitors";

// The one registry of the SQL functions the app calls: name → zod schema of the named arguments →
// zod schema of the jsonb result. `Database.rpc` is typed from it, and its results are checked
// against it outside production (checkedRpc). tests/db/rpc-registry.test.ts proves every entry
// exists in the migrated database with those argument names, and that every public function is
// here or in `notCalledByApp`.

export const rpcRegistry = {
  ...chatFunctions, ...operatorFunctions, ...appFunctions, ...channelFunctions, ...scoreFunctions, ...agentFunctions,
  ...queueFunctions, ...visitorFunctions, ...datasetFunctions, ...evaluatorFunctions, ...reviewFunctions,
};

/** Public functions the app never calls by name: triggers, and helpers called by other SQL functions. */
export const notCalledByApp = [
  "agents_bump_version", "agents_check_handoffs", "agents_check_tools", "agents_continue_version", "agents_snapshot_version",
  "pin_agent_version", "message_json", "session_json", "session_context", "flow_is_open", "mask_pii", "rate_limit_retry_after",
  "start_session", "close_session", "dashboard_daily", "dashboard_ab_comparison", "dashboard_feedback_by_agent",
  "dashboard_feedback_by_model", "dashboard_llm_calls_distribution", "dashboard_totals", "dashboard_usage_by_agent",
  "dashboard_usage_by_model",
  // the dashboard rollup's triggers and readers (docs/performance.md)
  "dashboard_figures", "dashboard_rollup_add", "dashboard_rollup_of", "dashboard_rollup_rebuild", "dashboard_rollup_rows",
  "dashboard_rollup_truncate", "dashboard_rollup_update", "dashboard_slices", "dashboard_visitor_gaps_rebuild", "dashboard_window",
] as const;

type Registry = typeof rpcRegistry;
export type RpcName = keyof Registry;
export type RpcArgsOf<N extends RpcName> = z.input<Registry[N]["args"]>;
export type RpcResultOf<N extends RpcName> = z.output<Registry[N]["result"]>;

/** Results are checked in development and tests; THREADLINE_CHECK_RPC=1 checks them in production too. */
const checking = () => process.env.NODE_ENV !== "production" || process.env.THREADLINE_CHECK_RPC === "1";

export class RpcShapeError extends Error {
  name = "RpcShapeError";
}

/** Checks a result against its registry entry (outside production) and returns it unchanged. */
export function checkRpcResult<N extends RpcName>(fn: N, result: unknown): RpcResultOf<N> {
  if (checking()) {
    const entry = rpcRegistry[fn] as { result: z.ZodType } | undefined;
    if (!entry) throw new RpcShapeError(`${fn} is not in lib/db/registry.ts`);
    const parsed = entry.result.safeParse(result);
    if (!parsed.success) throw new RpcShapeError(`${fn} returned a shape lib/db/registry.ts does not describe:\n${z.prettifyError(parsed.error)}`);
  }
  return result as RpcResultOf<N>;
}

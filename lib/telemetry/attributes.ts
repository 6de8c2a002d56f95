import { createHash } from "node:crypto";
import { SpanKind, type HrTime, type Link } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_AGENT_DESCRIPTION, ATTR_GEN_AI_AGENT_ID, ATTR_GEN_AI_AGENT_NAME, ATTR_GEN_AI_AGENT_VERSION,
  ATTR_GEN_AI_CONVERSATION_ID, ATTR_GEN_AI_EVALUATION_EXPLANATION, ATTR_GEN_AI_EVALUATION_NAME, ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  ATTR_GEN_AI_EVALUATION_SCORE_VALUE, ATTR_GEN_AI_INPUT_MESSAGES, ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_RESPONSE_FINISH_REASONS, ATTR_GEN_AI_RESPONSE_MODEL, ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, ATTR_GEN_AI_TOOL_CALL_ID, ATTR_GEN_AI_TOOL_CALL_RESULT, ATTR_GEN_AI_TOOL_NAME, ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, ATTR_GEN_AI_USAGE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  EVENT_GEN_AI_EVALUATION_RESULT, GEN_AI_OPERATION_NAME_VALUE_CHAT, GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
} from "@opentelemetry/semantic-conventions/incubating";
import type { ExportedScore, ScoreRef } from "./score";
import type { Turn, TurnRef, TurnStep } from "./turn";

// THE one mapping of a stored turn to OpenTelemetry spans and their GenAI attributes (the semantic
// conventions' incubating constants; Langfuse's own keys beside them). docs/privacy.md, "OTLP export".
// Ids come from the outbox key, so a retried export sends the very same spans.

/** Attribute keys the conventions define without an exported constant in this version. */
const GEN_AI_USAGE_COST = "gen_ai.usage.cost";
/** Numeric attributes that are always doubles on the wire, even when whole (lib/telemetry/doubles.ts). */
export const doubleAttributes = new Set([ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, GEN_AI_USAGE_COST, ATTR_GEN_AI_EVALUATION_SCORE_VALUE]);

type Value = string | number | boolean | string[];
export type Attributes = Record<string, Value>;

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  start: HrTime;
  end: HrTime;
  attributes: Attributes;
  error?: string;
  links: Link[];
  events?: { name: string; time: HrTime; attributes: Record<string, unknown> }[];
}

const md5 = (s: string) => createHash("md5").update(s).digest("hex");
export const turnIds = (key: string) => ({ traceId: md5(key), rootSpanId: md5(`root:${key}`).slice(0, 16) });
const stepSpanId = (key: string, id: string) => md5(`obs:${key}:${id}`).slice(0, 16);

/** A Postgres timestamp (ISO, up to microseconds) as HrTime, keeping the microseconds. */
export function hrTimeOf(iso: string): HrTime {
  const m = /^(.*?:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)$/.exec(iso);
  if (!m) {
    const ms = Date.parse(iso);
    return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
  }
  const seconds = Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000);
  return [seconds, Number((m[2] ?? "").padEnd(9, "0").slice(0, 9))];
}
const later = (a: HrTime, b: HrTime) => (a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]) ? a : b);
const earlier = (a: HrTime, b: HrTime) => (later(a, b) === a ? b : a);

/** Drops unset values (the conventions: leave an attribute out rather than send an empty one). */
function clean(a: Record<string, Value | null | undefined>): Attributes {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== null && v !== undefined)) as Attributes;
}

const messages = (role: string, content: string | null | undefined) =>
  content == null ? undefined : JSON.stringify([{ role, parts: [{ type: "text", content }] }]);

function stepAttributes(turn: Turn, s: TurnStep): Attributes {
  const provider = s.provider ?? turn.model?.provider;
  // a failed call reports no tokens or cost: they would be estimates, not usage
  const usage = s.status === "ok";
  switch (s.kind) {
    case "generation":
      return clean({
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
        [ATTR_GEN_AI_PROVIDER_NAME]: provider,
        [ATTR_GEN_AI_REQUEST_MODEL]: s.model ?? turn.model?.key,
        // only what the provider said it answered with: never the requested model passed off as it
        [ATTR_GEN_AI_RESPONSE_MODEL]: s.response_model,
        [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: s.finish_reason ? [s.finish_reason] : undefined,
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage ? s.input_tokens : undefined,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage ? s.output_tokens : undefined,
        [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: usage ? s.cached_input_tokens : undefined,
        [ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]: s.time_to_first_token_ms != null ? s.time_to_first_token_ms / 1000 : undefined,
        [GEN_AI_USAGE_COST]: usage && s.cost_usd != null ? s.cost_usd : undefined,
        "error.type": s.status === "error" ? "generation_error" : undefined,
      });
    case "tool":
      return clean({
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
        [ATTR_GEN_AI_TOOL_NAME]: s.name,
        [ATTR_GEN_AI_TOOL_TYPE]: "function",
        [ATTR_GEN_AI_TOOL_CALL_ID]: s.tool_call_id,
        [ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]: s.arguments,
        [ATTR_GEN_AI_TOOL_CALL_RESULT]: s.result,
        "error.type": s.status === "error" ? "tool_error" : undefined,
      });
    default:
      // transcription (speech to text) and speech (text to speech): the model is the step's name
      return clean({
        [ATTR_GEN_AI_OPERATION_NAME]: s.kind,
        [ATTR_GEN_AI_PROVIDER_NAME]: provider,
        [ATTR_GEN_AI_REQUEST_MODEL]: s.model ?? s.name,
        [GEN_AI_USAGE_COST]: usage && s.cost_usd != null ? s.cost_usd : undefined,
        "error.type": s.status === "error" ? `${s.kind}_error` : undefined,
      });
  }
}

const stepName = (s: TurnStep) =>
  s.kind === "generation" ? `chat ${s.model ?? s.name}` : s.kind === "tool" ? `execute_tool ${s.name}` : `${s.kind} ${s.model ?? s.name}`;

function rootAttributes(turn: Turn, error: string | undefined): Attributes {
  const { session, agent, trace } = turn;
  const generations = turn.steps.filter((s) => s.kind === "generation" && s.status === "ok");
  const sum = (f: (s: TurnStep) => number | null | undefined) => generations.reduce((n, s) => n + (f(s) ?? 0), 0);
  const version = trace.agent_version ?? 0;
  return clean({
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
    [ATTR_GEN_AI_PROVIDER_NAME]: turn.model?.provider,
    [ATTR_GEN_AI_AGENT_ID]: agent.key,
    [ATTR_GEN_AI_AGENT_NAME]: agent.name,
    [ATTR_GEN_AI_AGENT_DESCRIPTION]: agent.description,
    [ATTR_GEN_AI_AGENT_VERSION]: String(version),
    [ATTR_GEN_AI_REQUEST_MODEL]: turn.model?.key,
    [ATTR_GEN_AI_CONVERSATION_ID]: session.id,
    "session.id": session.id,
    "session.previous_id": session.previous_id,
    "user.id": session.user_id,
    "threadline.session.tag": session.tag,
    "threadline.agent.version": version,
    "threadline.trace.id": trace.id,
    "threadline.channel": session.channel,
    "threadline.reply.partial": turn.reply?.partial ? true : undefined,
    "langfuse.session.id": session.id,
    "langfuse.user.id": session.user_id,
    "langfuse.trace.name": `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT} ${agent.name}`,
    "langfuse.trace.tags": [session.tag, agent.key, `agent_version:${version}`],
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: generations.length ? sum((s) => s.input_tokens) : undefined,
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: generations.length ? sum((s) => s.output_tokens) : undefined,
    "error.type": error,
    [ATTR_GEN_AI_INPUT_MESSAGES]: messages("user", turn.question.content),
    [ATTR_GEN_AI_OUTPUT_MESSAGES]: turn.reply ? messages("assistant", turn.reply.content) : undefined,
  });
}

/** The spans of one turn: the `invoke_agent {agent name}` root and a span per step under it. */
export function turnSpans(ref: TurnRef, turn: Turn): SpanSpec[] {
  const { traceId, rootSpanId } = turnIds(ref.key);
  const ids = new Set(turn.steps.map((s) => s.id));
  const failed = turn.steps.find((s) => s.status === "error");
  let errorType = failed && (failed.kind === "tool" ? "tool_error" : `${failed.kind}_error`);
  let errorMessage = failed?.error ?? undefined;
  if (!errorType && !turn.reply && turn.trace.status === "error") [errorType, errorMessage] = ["model_error", turn.trace.last_error ?? undefined];
  const children: SpanSpec[] = turn.steps.map((s) => ({
    traceId,
    spanId: stepSpanId(ref.key, s.id),
    parentSpanId: s.parent_id && ids.has(s.parent_id) ? stepSpanId(ref.key, s.parent_id) : rootSpanId,
    name: stepName(s),
    kind: s.kind === "tool" ? SpanKind.INTERNAL : SpanKind.CLIENT,
    start: hrTimeOf(s.started_at),
    end: later(hrTimeOf(s.ended_at), hrTimeOf(s.started_at)),
    attributes: stepAttributes(turn, s),
    error: s.status === "error" ? (s.error ?? "") : undefined,
    links: [],
  }));
  let start = hrTimeOf(turn.question.created_at);
  let end = turn.reply ? hrTimeOf(turn.reply.created_at) : start;
  for (const c of children) [start, end] = [earlier(start, c.start), later(end, c.end)];
  // a handoff: the target agent's turn links to the turn that handed off (same transaction, other session)
  const from = turn.question.handoff_from && `turn:${turn.question.handoff_from}:${ref.key.split(":")[2]}`;
  const links: Link[] = from ? [{ context: { traceId: turnIds(from).traceId, spanId: turnIds(from).rootSpanId, traceFlags: 1 }, attributes: { "threadline.link": "handoff" } }] : [];
  const root: SpanSpec = {
    traceId, spanId: rootSpanId, name: `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT} ${turn.agent.name}`, kind: SpanKind.INTERNAL,
    start, end, attributes: rootAttributes(turn, errorType), error: errorType ? (errorMessage ?? "") : undefined, links,
  };
  return [root, ...children];
}

/**
 * One score as a `gen_ai.evaluation.result`: a span `evaluation {name}` in the trace's session (a turn's
 * span ids come from the transaction that stored it, so a later score cannot be its child), carrying
 * the result as its attributes and as the `gen_ai.evaluation.result` event, with who scored it.
 */
export function scoreSpans(ref: ScoreRef, s: ExportedScore): SpanSpec[] {
  const { traceId, rootSpanId } = turnIds(`${ref.key}:${ref.tx}`);
  const { score, session, trace } = s;
  const time = hrTimeOf(score.updated_at);
  const result = clean({
    [ATTR_GEN_AI_EVALUATION_NAME]: score.name,
    [ATTR_GEN_AI_EVALUATION_SCORE_VALUE]: score.value,
    [ATTR_GEN_AI_EVALUATION_SCORE_LABEL]: score.label,
    [ATTR_GEN_AI_EVALUATION_EXPLANATION]: score.comment,
  });
  const attributes = clean({
    ...result,
    [ATTR_GEN_AI_CONVERSATION_ID]: session.id,
    [ATTR_GEN_AI_AGENT_ID]: trace.agent_type,
    "session.id": session.id,
    "user.id": session.user_id,
    "threadline.session.tag": session.tag,
    "threadline.trace.id": trace.id,
    "threadline.channel": session.channel,
    "threadline.score.id": score.id,
    "threadline.score.source": score.source,
    "threadline.score.author": score.author,
    "threadline.message.id": score.message_id,
    "threadline.observation.id": score.observation_id,
    "langfuse.session.id": session.id,
    "langfuse.user.id": session.user_id,
    "langfuse.trace.tags": [session.tag, trace.agent_type, "score", `score:${score.source}`],
  });
  return [{
    traceId, spanId: rootSpanId, name: `evaluation ${score.name}`, kind: SpanKind.INTERNAL, start: time, end: time, attributes, links: [],
    events: [{ name: EVENT_GEN_AI_EVALUATION_RESULT, time, attributes: { ...result, "threadline.score.source": score.source, "threadline.score.author": score.author } }],
  }];
}

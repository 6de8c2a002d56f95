import { randomUUID } from "node:crypto";
import type { TestDatabase } from "../support/databases";

// finish_turn plus the turn's observation rows in ONE transaction, the way the chat
// turn stores them (finish_turn's p_observations): message_id = the visitor's question.

export interface Observation {
  id?: string;
  parent_id?: string | null;
  kind: "generation" | "tool" | "transcription";
  name: string;
  status?: "ok" | "error";
  model?: string;
  input_tokens?: number;
  output_tokens?: number;
  cached_input_tokens?: number;
  time_to_first_token_ms?: number;
  finish_reason?: string;
  tool_call_id?: string;
  arguments?: unknown;
  result?: unknown;
  error?: string;
  duration_ms?: number;
}

export async function finishObserved(t: TestDatabase, questionId: string, content: string, observations: Observation[], flows?: Record<string, unknown>) {
  const start = Date.now() - 5_000;
  const rows = observations.map((o, position) => {
    const began = start + position * 300;
    return {
      id: o.id ?? randomUUID(),
      parent_id: o.parent_id ?? null,
      position,
      kind: o.kind,
      name: o.name,
      status: o.status ?? "ok",
      started_at: new Date(began).toISOString(),
      ended_at: new Date(began + (o.duration_ms ?? 250)).toISOString(),
      duration_ms: o.duration_ms ?? 250,
      model: o.model ?? null,
      input_tokens: o.input_tokens ?? null,
      output_tokens: o.output_tokens ?? null,
      cached_input_tokens: o.cached_input_tokens ?? null,
      time_to_first_token_ms: o.time_to_first_token_ms ?? null,
      finish_reason: o.finish_reason ?? null,
      tool_call_id: o.tool_call_id ?? null,
      arguments: o.arguments === undefined ? null : o.arguments,
      result: o.result === undefined ? null : o.result,
      error: o.error ?? null,
    };
  });
  const input = observations.reduce((n, o) => n + (o.input_tokens ?? 0), 0);
  const output = observations.reduce((n, o) => n + (o.output_tokens ?? 0), 0);
  const [row] = await t.sql<{ result: { status: string; reply: { id: string; content: string } } }>(
    `with obs as (
       insert into public.llm_observations (id, trace_id, session_id, user_id, message_id, parent_id, position, kind, name, status,
         started_at, ended_at, duration_ms, model, input_tokens, output_tokens, cached_input_tokens, time_to_first_token_ms,
         finish_reason, tool_call_id, arguments, result, error)
       select o.id, t.id, s.id, s.user_id, m.id, o.parent_id, o.position, o.kind, o.name, o.status,
              o.started_at, o.ended_at, o.duration_ms, o.model, o.input_tokens, o.output_tokens, o.cached_input_tokens,
              o.time_to_first_token_ms, o.finish_reason, o.tool_call_id, o.arguments, o.result, o.error
         from jsonb_to_recordset($2::jsonb) as o (id uuid, parent_id uuid, position int, kind text, name text, status text,
                started_at timestamptz, ended_at timestamptz, duration_ms int, model text, input_tokens int, output_tokens int,
                cached_input_tokens int, time_to_first_token_ms int, finish_reason text, tool_call_id text, arguments jsonb,
                result jsonb, error text)
         join public.conversation_messages m on m.id = $1
         join public.conversation_sessions s on s.id = m.session_id
         join public.llm_traces t on t.session_id = s.id
       returning 1)
     select public.finish_turn(p_user_message_id => $1, p_content => $3, p_input_tokens => $4, p_output_tokens => $5,
                               p_latency_ms => 900, p_flows => $6::jsonb) as result,
            (select count(*) from obs) as stored`,
    [questionId, JSON.stringify(rows), content, input, output, flows ? JSON.stringify(flows) : null],
  );
  return { ...row.result, observationIds: rows.map((r) => r.id) };
}

/**
 * What finish_turn's p_handoff stores, in one transaction (the chat turn's contract): the handoff note and
 * its tool observation in the old session, the switch to the Order Assistant, the question copied into the
 * new session and the new agent's reply; with `replyGeneration`, the reply's generation on the new trace
 * (message_id = the visitor's original question).
 */
export async function storeHandoff(t: TestDatabase, questionId: string, { replyGeneration = false } = {}): Promise<void> {
  const generation = `
        select t.id into v_new_trace from public.llm_traces t where t.session_id = v_new;
        insert into public.llm_observations (trace_id, session_id, user_id, message_id, position, kind, name, started_at, ended_at, duration_ms, model, input_tokens, output_tokens)
        values (v_new_trace, v_new, v_q.user_id, v_q.id, 0, 'generation', 'offline', now(), now(), 0, 'offline', 70, 9);`;
  await t.sql(`do $$
      declare v_q public.conversation_messages; v_new uuid; v_copy uuid; v_trace uuid; v_new_trace uuid; v_model uuid;
      begin
        select * into v_q from public.conversation_messages where id = '${questionId}';
        select t.id, t.model_id into v_trace, v_model from public.llm_traces t where t.session_id = v_q.session_id;
        insert into public.conversation_messages (session_id, user_id, role, content, reply_to)
        values (v_q.session_id, v_q.user_id, 'agent', 'Handing you to the Order Assistant.', v_q.id);
        insert into public.llm_observations (trace_id, session_id, user_id, message_id, position, kind, name, started_at, ended_at, duration_ms, tool_call_id)
        values (v_trace, v_q.session_id, v_q.user_id, v_q.id, 0, 'tool', 'handoff', now(), now(), 0, 'call_h');
        perform public.close_session(v_q.session_id, 'agent_switch', 'ended');
        v_new := public.start_session(v_q.user_id, 'web', 'order_assistant', v_model, true, 'agent_switch', v_q.session_id);
        insert into public.conversation_messages (session_id, user_id, role, content, metadata)
        values (v_new, v_q.user_id, 'user', v_q.content, jsonb_build_object('handoff_from', v_q.id)) returning id into v_copy;
        insert into public.conversation_messages (session_id, user_id, role, content, reply_to)
        values (v_new, v_q.user_id, 'agent', '40 sleeping bags: which model?', v_copy);${replyGeneration ? generation : ""}
      end $$`);
}

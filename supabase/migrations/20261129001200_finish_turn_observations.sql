-- finish_turn, second release: the steps of a turn (observations) with their cost,
-- rolled up on the trace; a failed model call as an observation; a handoff to
-- another agent in the same transaction (docs/architecture.md).

-- Flow state: a new state per flow, or null to clear it.
create or replace function private.save_flows(p_session_id uuid, p_flows jsonb)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_flow text;
begin
  if jsonb_typeof(p_flows) <> 'object' then
    return;
  end if;
  for v_flow in select jsonb_object_keys(p_flows) loop
    if jsonb_typeof(p_flows -> v_flow) = 'object' then
      insert into public.flow_states as f (session_id, flow, state)
      values (p_session_id, v_flow, p_flows -> v_flow)
      on conflict (session_id, flow) do update set state = excluded.state, updated_at = now();
    else
      delete from public.flow_states f where f.session_id = p_session_id and f.flow = v_flow;
    end if;
  end loop;
end
$$;

-- The steps of one turn on the session's trace, and the trace's roll-ups (T2: llm_calls is the
-- number of generations, nothing else). Untracked sessions have no trace and store nothing (R11).
-- Without observations the given tokens are added (an older client); with them, theirs.
create or replace function private.record_steps(
  p_session_id uuid, p_message_id uuid, p_observations jsonb, p_latency_ms integer,
  p_input_tokens integer, p_output_tokens integer, p_error text
) returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_trace public.llm_traces;
  v_model_key text;
  v_steps jsonb := case when jsonb_typeof(p_observations) = 'array' then p_observations else '[]'::jsonb end;
begin
  select t.* into v_trace from public.llm_traces t where t.session_id = p_session_id for no key update;
  if v_trace.id is null then
    return;
  end if;
  select m.key into v_model_key from public.llm_models m where m.id = v_trace.model_id;

  with steps as (
    select o, ord,
           coalesce(o ->> 'kind', 'generation') as kind,
           coalesce((o ->> 'started_at')::timestamptz, now()) as started_at,
           greatest(coalesce((o ->> 'input_tokens')::int, 0), 0) as input_tokens,
           greatest(coalesce((o ->> 'output_tokens')::int, 0), 0) as output_tokens,
           greatest(coalesce((o ->> 'cached_input_tokens')::int, 0), 0) as cached_input_tokens
      from jsonb_array_elements(v_steps) with ordinality x(o, ord)
  ), stored as (
    insert into public.llm_observations (
      id, trace_id, session_id, user_id, message_id, parent_id, position, kind, name, status,
      started_at, ended_at, duration_ms, model, input_tokens, output_tokens, cached_input_tokens,
      time_to_first_token_ms, finish_reason, cost_usd, tool_call_id, arguments, result,
      payload_cap_bytes, truncated, error)
    select coalesce((s.o ->> 'id')::uuid, gen_random_uuid()), v_trace.id, p_session_id, v_trace.user_id, p_message_id,
           (s.o ->> 'parent_id')::uuid, coalesce((s.o ->> 'position')::int, s.ord::int - 1), s.kind,
           left(coalesce(nullif(s.o ->> 'name', ''), s.kind), 200),
           case when s.o ->> 'status' = 'error' or (s.o ->> 'status' is null and s.o ->> 'error' is not null) then 'error' else 'ok' end,
           s.started_at, greatest(coalesce((s.o ->> 'ended_at')::timestamptz, s.started_at), s.started_at),
           greatest(coalesce((s.o ->> 'duration_ms')::int, 0), 0),
           case when s.kind = 'generation' then coalesce(s.o ->> 'model', v_model_key) end,
           case when s.kind = 'generation' then s.input_tokens end,
           case when s.kind = 'generation' then s.output_tokens end,
           case when s.kind = 'generation' then s.cached_input_tokens end,
           (s.o ->> 'time_to_first_token_ms')::int, s.o ->> 'finish_reason',
           case when s.kind = 'generation' then
             (greatest(s.input_tokens - s.cached_input_tokens, 0) * coalesce(m.input_price_per_million, 0)
              + s.cached_input_tokens * coalesce(m.cached_input_price_per_million, m.input_price_per_million, 0)
              + s.output_tokens * coalesce(m.output_price_per_million, 0)) / 1000000.0
           end,
           s.o ->> 'tool_call_id', s.o -> 'arguments', s.o -> 'result',
           (s.o ->> 'payload_cap_bytes')::int, coalesce((s.o ->> 'truncated')::boolean, false), left(s.o ->> 'error', 4000)
      from steps s
      left join public.llm_models m on m.key = coalesce(s.o ->> 'model', v_model_key)
    returning kind, name, status, input_tokens, output_tokens, cost_usd
  ), totals as (
    select count(*) filter (where st.kind = 'generation') as generations,
           count(*) filter (where st.kind = 'tool') as tools,
           count(*) filter (where st.status = 'error') as errors,
           coalesce(sum(st.input_tokens), 0) as input_tokens,
           coalesce(sum(st.output_tokens), 0) as output_tokens,
           coalesce(sum(st.cost_usd), 0) as cost_usd,
           coalesce(array_agg(distinct st.name) filter (where st.kind = 'tool'), '{}') as tools_used
      from stored st
  )
  update public.llm_traces t
     set llm_calls = t.llm_calls + x.generations,
         tool_calls = t.tool_calls + x.tools,
         error_count = t.error_count + x.errors,
         input_tokens = t.input_tokens + case when jsonb_array_length(v_steps) > 0 then x.input_tokens
                                              when p_error is null then greatest(p_input_tokens, 0) else 0 end,
         output_tokens = t.output_tokens + case when jsonb_array_length(v_steps) > 0 then x.output_tokens
                                                when p_error is null then greatest(p_output_tokens, 0) else 0 end,
         cost_usd = t.cost_usd + x.cost_usd,
         tools_used = array(select distinct u from unnest(t.tools_used || x.tools_used) u order by 1),
         latency_ms = t.latency_ms + greatest(coalesce(p_latency_ms, 0), 0),
         status = case when p_error is null then 'ok' else 'error' end,
         last_error = left(p_error, 2000),
         updated_at = now()
    from totals x
   where t.id = v_trace.id;
end
$$;

-- The handoff inside a turn (R4 by the model's own choice): under the visitor's lock, end this
-- session (agent_switch), start the target agent's session and trace, copy the visitor's question
-- into it, and store the new agent's reply, flows and steps there.
create or replace function private.hand_off(
  p_question public.conversation_messages, p_handoff jsonb, p_from_reply public.conversation_messages
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_from public.conversation_sessions;
  v_target text := p_handoff ->> 'agent';
  v_model_id uuid;
  v_session_id uuid;
  v_request_id text := p_question.metadata ->> 'request_id';
  v_question public.conversation_messages;
  v_reply public.conversation_messages;
begin
  select * into v_from from public.conversation_sessions s where s.id = p_question.session_id for no key update;
  if v_target is null or v_target = v_from.agent_type
     or not exists (select 1 from public.agents a where a.key = v_target and a.is_enabled)
     or not coalesce((private.agent_json(v_from.agent_type, v_from.agent_version) -> 'handoffs') ? v_target, false) then
    raise exception using errcode = 'PT400', message = 'bad_request:agent',
      detail = format('%s may not hand off to %s.', v_from.agent_type, coalesce(v_target, 'null'));
  end if;

  perform public.close_session(v_from.id, 'agent_switch', 'ended', v_request_id);
  select m.id into v_model_id from public.agents a join public.llm_models m on m.key = a.model_key where a.key = v_target;
  v_session_id := public.start_session(v_from.user_id, v_from.channel, v_target, coalesce(v_model_id, v_from.model_id),
                                       v_from.tracking_enabled, 'agent_switch', v_from.id, v_request_id);
  update public.session_events e set detail = e.detail || jsonb_build_object('via', 'handoff')
   where e.session_id = v_session_id and e.event = 'switched';

  insert into public.conversation_messages (session_id, user_id, role, content, metadata)
  values (v_session_id, p_question.user_id, 'user', p_question.content,
          (p_question.metadata - 'action_source_id' - 'choice')
            || jsonb_build_object('handoff_from', p_question.id, 'new_session', true, 'choice', 'handoff'))
  returning * into v_question;
  insert into public.conversation_messages (session_id, user_id, role, content, metadata, reply_to, is_partial)
  values (v_session_id, p_question.user_id, 'agent', coalesce(p_handoff ->> 'content', ''),
          coalesce(case when jsonb_typeof(p_handoff -> 'metadata') = 'object' then p_handoff -> 'metadata' end, '{}'::jsonb),
          v_question.id, coalesce((p_handoff ->> 'partial')::boolean, false))
  returning * into v_reply;
  update public.conversation_messages m
     set metadata = m.metadata || jsonb_build_object('handoff', jsonb_build_object('agent', v_target, 'session_id', v_session_id))
   where m.id = p_from_reply.id
  returning * into p_from_reply;

  perform private.save_flows(v_session_id, p_handoff -> 'flows');
  perform private.record_steps(v_session_id, v_question.id, p_handoff -> 'observations',
                               coalesce((p_handoff ->> 'latency_ms')::int, 0), 0, 0, null);
  update public.conversation_sessions s set last_activity_at = now() where s.id = v_session_id;
  return private.handoff_json(v_reply, p_from_reply);
end
$$;

-- The answer of a handed-off turn: the NEW session and its reply, and the reply of the session it left.
create or replace function private.handoff_json(p_reply public.conversation_messages, p_from_reply public.conversation_messages)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object('status', 'stored', 'new_session', true,
                            'reply', public.message_json(p_reply), 'session', public.session_json(p_reply.session_id),
                            'handoff', jsonb_build_object('from_session_id', p_from_reply.session_id,
                                                          'from_reply', public.message_json(p_from_reply)))
$$;

-- A finish_turn repeated after it committed: what the first one stored (the new session's reply after a handoff).
create or replace function private.finished_turn(p_reply public.conversation_messages)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select coalesce(
    (select private.handoff_json(r, p_reply) || jsonb_build_object('status', 'duplicate')
       from public.conversation_messages q
       join public.conversation_messages r on r.reply_to = q.id
      where q.session_id = (p_reply.metadata -> 'handoff' ->> 'session_id')::uuid
        and q.role = 'user' and q.metadata ->> 'handoff_from' = p_reply.reply_to::text
      limit 1),
    jsonb_build_object('status', 'duplicate', 'reply', public.message_json(p_reply),
                       'session', public.session_json(p_reply.session_id)))
$$;

drop function if exists public.finish_turn(uuid, text, jsonb, jsonb, integer, integer, integer, boolean, text);

create or replace function public.finish_turn(
  p_user_message_id uuid,
  p_content text default null,
  p_metadata jsonb default '{}'::jsonb,
  p_flows jsonb default null,
  p_input_tokens integer default 0,
  p_output_tokens integer default 0,
  p_latency_ms integer default 0,
  p_partial boolean default false,
  p_error text default null,
  p_observations jsonb default '[]'::jsonb,
  p_handoff jsonb default null
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_question public.conversation_messages;
  v_reply public.conversation_messages;
begin
  -- 1. the question this turn answers
  select * into v_question from public.conversation_messages m where m.id = p_user_message_id and m.role = 'user';
  if v_question.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:message', detail = 'No such user message.';
  end if;
  -- a handoff changes the visitor's sessions: it waits for their other turns, as begin_turn does
  if p_handoff is not null then
    perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || v_question.user_id, 0));
  end if;

  -- 2. a failed model call: the question stays stored, the trace records the error and the failed steps
  if p_error is not null then
    perform private.record_steps(v_question.session_id, v_question.id, p_observations, p_latency_ms, 0, 0, p_error);
    return jsonb_build_object('status', 'error_recorded', 'session', public.session_json(v_question.session_id));
  end if;

  -- 3. the reply, exactly once per question
  insert into public.conversation_messages (session_id, user_id, role, content, metadata, reply_to, is_partial)
  values (v_question.session_id, v_question.user_id, 'agent', coalesce(p_content, ''),
          coalesce(p_metadata, '{}'::jsonb), v_question.id, coalesce(p_partial, false))
  on conflict (reply_to) where reply_to is not null do nothing
  returning * into v_reply;
  if v_reply.id is null then
    select * into v_reply from public.conversation_messages r where r.reply_to = v_question.id;
    return private.finished_turn(v_reply);
  end if;

  -- 4. flow state, saved only here, with the reply
  perform private.save_flows(v_question.session_id, p_flows);

  -- 5. the turn's steps and the trace's roll-ups
  perform private.record_steps(v_question.session_id, v_question.id, p_observations, p_latency_ms,
                               p_input_tokens, p_output_tokens, null);
  update public.conversation_sessions s set last_activity_at = now() where s.id = v_question.session_id;

  -- 6. the agent handed over: the new session answers the same question
  if p_handoff is not null then
    return private.hand_off(v_question, p_handoff, v_reply);
  end if;
  return jsonb_build_object('status', 'stored', 'reply', public.message_json(v_reply),
                            'session', public.session_json(v_question.session_id));
end
$$;

revoke all on all functions in schema private from public, anon, authenticated;
grant execute on all functions in schema private to service_role;
revoke execute on function public.finish_turn(uuid, text, jsonb, jsonb, integer, integer, integer, boolean, text, jsonb, jsonb)
  from public, anon, authenticated;
grant execute on function public.finish_turn(uuid, text, jsonb, jsonb, integer, integer, integer, boolean, text, jsonb, jsonb)
  to service_role;

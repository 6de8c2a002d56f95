-- A chat turn: begin_turn stores the visitor's question and answers what the agent run needs;
-- finish_turn stores the reply and its steps. The private steps each does (choosing the agent,
-- menus, handoffs, regenerating a reply) are here too. docs/architecture.md, "SQL functions".

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- R10: the stored agent message whose button was pressed (its metadata and the button label);
-- bad_request:action when no agent message of the session offered it (docs/rules.md). Its generic plan
-- always, as session_context's: the session's own index, not the table-wide seq index walked back.
create function private.action_source(p_session_id uuid, p_action jsonb,
                                                 out message_id uuid, out metadata jsonb, out label text) returns record
  language plpgsql stable
  set search_path = ''
  set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
  if p_action is null then
    return;
  end if;
  if p_session_id is not null then
    select m.id, m.metadata, e ->> 'label' into message_id, metadata, label
      from public.conversation_messages m
     cross join lateral jsonb_array_elements(
       case when jsonb_typeof(m.metadata -> 'buttons') = 'array' then m.metadata -> 'buttons' else '[]'::jsonb end) e
     where m.session_id = p_session_id and m.role = 'agent'
       and e -> 'action' ->> 'id' = p_action ->> 'id'
       and (p_action -> 'payload' is null or e -> 'action' -> 'payload' = p_action -> 'payload')
     order by m.seq desc limit 1;
  end if;
  -- the app's own actions run no tool (the menu, an agent's pick, "Try again"); any other action
  -- must be a button an agent message of that session stored, or a visitor could call any tool
  if message_id is null and p_action ->> 'id' not in ('menu', 'select_agent', 'regenerate') then
    raise exception using errcode = 'PT400', message = 'bad_request:action',
      detail = 'This button was not offered in this conversation.';
  end if;
end
$$;
revoke all on function private.action_source(uuid, jsonb) from public;
grant execute on function private.action_source(uuid, jsonb) to service_role;

-- The one home for choosing the agent of a turn: explicit (body or select_agent button), a menu pick,
-- the session's own agent, or the default. An explicit or default key must be an enabled agent.
CREATE FUNCTION private.choose_agent(p_agent text, p_action jsonb, p_message text, p_session public.conversation_sessions, p_default_agent text, OUT agent_key text, OUT choice text) RETURNS record
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
begin
  agent_key := coalesce(p_agent, case when p_action ->> 'id' = 'select_agent' then p_action -> 'payload' ->> 'agent' end);
  choice := 'explicit';
  if agent_key is null and p_session.is_active then
    agent_key := private.menu_pick(p_session.id, p_message);
    choice := 'menu_pick';
  end if;
  if agent_key is null and p_session.id is not null then
    -- the session keeps the agent version it pinned, even if the agent was disabled since
    agent_key := p_session.agent_type;
    choice := 'session';
    return;
  end if;
  if agent_key is null then
    agent_key := p_default_agent;
    choice := 'default';
  end if;
  if agent_key is null or not exists (select 1 from public.agents a where a.key = agent_key and a.is_enabled) then
    raise exception using errcode = 'PT400', message = 'bad_request:agent',
      detail = format('%s is not an enabled agent.', coalesce(agent_key, 'null'));
  end if;
end
$$;

REVOKE ALL ON FUNCTION private.choose_agent(p_agent text, p_action jsonb, p_message text, p_session public.conversation_sessions, p_default_agent text, OUT agent_key text, OUT choice text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.choose_agent(p_agent text, p_action jsonb, p_message text, p_session public.conversation_sessions, p_default_agent text, OUT agent_key text, OUT choice text) TO service_role;

-- A finish_turn repeated after it committed: what the first one stored (the current reply).
CREATE FUNCTION private.finished_turn(p_reply public.conversation_messages) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(
    (select private.handoff_json(r, p_reply) || jsonb_build_object('status', 'duplicate')
       from public.conversation_messages q
       join public.conversation_messages r on r.reply_to = q.id and r.superseded_at is null
      where q.session_id = (p_reply.metadata -> 'handoff' ->> 'session_id')::uuid
        and q.role = 'user' and q.metadata ->> 'handoff_from' = p_reply.reply_to::text
      limit 1),
    jsonb_build_object('status', 'duplicate', 'reply', public.message_json(p_reply),
                       'session', public.session_json(p_reply.session_id)))
$$;

REVOKE ALL ON FUNCTION private.finished_turn(p_reply public.conversation_messages) FROM PUBLIC;
GRANT ALL ON FUNCTION private.finished_turn(p_reply public.conversation_messages) TO service_role;

-- The handoff inside a turn (R4 by the model's own choice): under the visitor's lock, end this
-- session (agent_switch), start the target agent's session and trace, copy the visitor's question
-- into it, and store the new agent's reply, flows and steps there.
CREATE FUNCTION private.hand_off(p_question public.conversation_messages, p_handoff jsonb, p_from_reply public.conversation_messages) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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
  -- the trace that handed over enters the review queues fed by handoffs (docs/architecture.md, "Review queues")
  perform private.review_feed(t, 'handoff') from public.llm_traces t where t.session_id = v_from.id;
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

REVOKE ALL ON FUNCTION private.hand_off(p_question public.conversation_messages, p_handoff jsonb, p_from_reply public.conversation_messages) FROM PUBLIC;
GRANT ALL ON FUNCTION private.hand_off(p_question public.conversation_messages, p_handoff jsonb, p_from_reply public.conversation_messages) TO service_role;

-- The answer of a handed-off turn: the NEW session and its reply, and the reply of the session it left.
CREATE FUNCTION private.handoff_json(p_reply public.conversation_messages, p_from_reply public.conversation_messages) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('status', 'stored', 'new_session', true,
                            'reply', public.message_json(p_reply), 'session', public.session_json(p_reply.session_id),
                            'handoff', jsonb_build_object('from_session_id', p_from_reply.session_id,
                                                          'from_reply', public.message_json(p_from_reply)))
$$;

REVOKE ALL ON FUNCTION private.handoff_json(p_reply public.conversation_messages, p_from_reply public.conversation_messages) FROM PUBLIC;
GRANT ALL ON FUNCTION private.handoff_json(p_reply public.conversation_messages, p_from_reply public.conversation_messages) TO service_role;

-- The enabled agent a number typed right after a menu picks (R4), or null. Its generic plan always, as
-- session_context's: the session's own index, not the table-wide seq index walked back.
CREATE FUNCTION private.menu_pick(p_session_id uuid, p_message text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    SET plan_cache_mode TO 'force_generic_plan'
    AS $_$
declare
  v_menu jsonb;
  v_pick integer;
begin
  if p_session_id is null or p_message is null or p_message !~ '^\s*[0-9]{1,2}\s*$' then
    return null;
  end if;
  select m.metadata -> 'menu' into v_menu from public.conversation_messages m
   where m.session_id = p_session_id and m.role = 'agent' order by m.seq desc limit 1;
  v_pick := trim(p_message)::integer;
  if jsonb_typeof(v_menu) <> 'array' or v_pick not between 1 and jsonb_array_length(v_menu) then
    return null;
  end if;
  return (select a.key from public.agents a where a.key = v_menu ->> (v_pick - 1) and a.is_enabled);
end
$_$;

REVOKE ALL ON FUNCTION private.menu_pick(p_session_id uuid, p_message text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.menu_pick(p_session_id uuid, p_message text) TO service_role;

-- The numbered menu of enabled agents, with one select_agent button each; metadata.menu maps "2" to an agent.
CREATE FUNCTION private.menu_reply(p_agent text, OUT content text, OUT metadata jsonb) RETURNS record
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select 'Here are our agents — reply with a number or tap one:' || E'\n'
         || string_agg(x.n || '. ' || x.name || case when x.description <> '' then ' — ' || x.description else '' end,
                       E'\n' order by x.n),
         jsonb_build_object(
           'kind', 'menu', 'agent', p_agent,
           'menu', jsonb_agg(x.key order by x.n),
           'buttons', jsonb_agg(jsonb_build_object('label', x.name,
                        'action', jsonb_build_object('id', 'select_agent', 'payload', jsonb_build_object('agent', x.key)))
                      order by x.n))
    from (select a.key, a.name, a.description, row_number() over (order by a.menu_position) as n
            from public.agents a where a.is_enabled) x
$$;

REVOKE ALL ON FUNCTION private.menu_reply(p_agent text, OUT content text, OUT metadata jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.menu_reply(p_agent text, OUT content text, OUT metadata jsonb) TO service_role;

-- Stores the steps of one turn on its trace (a generation's model defaults to the trace's, its cost
-- comes from the model's prices) and returns their sums for the trace's roll-ups. plpgsql, not sql:
-- its plan is cached for the session (a sql function's body is planned again on every call).
CREATE FUNCTION private.store_steps(p_trace_id uuid, p_session_id uuid, p_user_id text, p_message_id uuid, p_steps jsonb, p_model_key text) RETURNS TABLE(generations bigint, tools bigint, errors bigint, input_tokens bigint, output_tokens bigint, cost_usd numeric, tools_used text[])
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
begin
  if jsonb_array_length(p_steps) = 0 then -- no steps: no insert statement, nor its statement triggers
    return query select 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::numeric, '{}'::text[];
    return;
  end if;
  return query
  with steps as (
    select o, ord,
           coalesce(o ->> 'kind', 'generation') as kind,
           coalesce((o ->> 'started_at')::timestamptz, now()) as started_at,
           greatest(coalesce((o ->> 'input_tokens')::int, 0), 0) as input_tokens,
           greatest(coalesce((o ->> 'output_tokens')::int, 0), 0) as output_tokens,
           greatest(coalesce((o ->> 'cached_input_tokens')::int, 0), 0) as cached_input_tokens
      from jsonb_array_elements(p_steps) with ordinality x(o, ord)
  ), stored as (
    insert into public.llm_observations (
      id, trace_id, session_id, user_id, message_id, parent_id, position, kind, name, status,
      started_at, ended_at, duration_ms, model, input_tokens, output_tokens, cached_input_tokens,
      time_to_first_token_ms, finish_reason, cost_usd, tool_call_id, arguments, result,
      payload_cap_bytes, truncated, error, response_model)
    select coalesce((s.o ->> 'id')::uuid, gen_random_uuid()), p_trace_id, p_session_id, p_user_id, p_message_id,
           (s.o ->> 'parent_id')::uuid, coalesce((s.o ->> 'position')::int, s.ord::int - 1), s.kind,
           left(coalesce(nullif(s.o ->> 'name', ''), s.kind), 200),
           case when s.o ->> 'status' = 'error' or (s.o ->> 'status' is null and s.o ->> 'error' is not null) then 'error' else 'ok' end,
           s.started_at, greatest(coalesce((s.o ->> 'ended_at')::timestamptz, s.started_at), s.started_at),
           greatest(coalesce((s.o ->> 'duration_ms')::int, 0), 0),
           case when s.kind = 'generation' then coalesce(s.o ->> 'model', p_model_key) end,
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
           (s.o ->> 'payload_cap_bytes')::int, coalesce((s.o ->> 'truncated')::boolean, false), left(s.o ->> 'error', 4000),
           case when s.kind = 'generation' then left(s.o ->> 'response_model', 200) end
      from steps s
      left join public.llm_models m on m.key = coalesce(s.o ->> 'model', p_model_key)
    returning kind, name, status, input_tokens, output_tokens, cost_usd
  )
  select count(*) filter (where st.kind = 'generation'),
         count(*) filter (where st.kind = 'tool'),
         count(*) filter (where st.status = 'error'),
         coalesce(sum(st.input_tokens), 0),
         coalesce(sum(st.output_tokens), 0),
         coalesce(sum(st.cost_usd), 0),
         coalesce(array_agg(distinct st.name) filter (where st.kind = 'tool'), '{}')
    from stored st;
end
$$;

REVOKE ALL ON FUNCTION private.store_steps(p_trace_id uuid, p_session_id uuid, p_user_id text, p_message_id uuid, p_steps jsonb, p_model_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.store_steps(p_trace_id uuid, p_session_id uuid, p_user_id text, p_message_id uuid, p_steps jsonb, p_model_key text) TO service_role;

-- The steps of one turn on the session's trace, and the trace's roll-ups (T2: llm_calls is the
-- number of generations, nothing else). Untracked sessions have no trace and store nothing (R11).
-- Without observations the given tokens are added (an older client); with them, theirs.
CREATE FUNCTION private.record_steps(p_session_id uuid, p_message_id uuid, p_observations jsonb, p_latency_ms integer, p_input_tokens integer, p_output_tokens integer, p_error text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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
    from private.store_steps(v_trace.id, p_session_id, v_trace.user_id, p_message_id, v_steps, v_model_key) x
   where t.id = v_trace.id;
end
$$;

REVOKE ALL ON FUNCTION private.record_steps(p_session_id uuid, p_message_id uuid, p_observations jsonb, p_latency_ms integer, p_input_tokens integer, p_output_tokens integer, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.record_steps(p_session_id uuid, p_message_id uuid, p_observations jsonb, p_latency_ms integer, p_input_tokens integer, p_output_tokens integer, p_error text) TO service_role;

-- Whether the turn that a reply answers changed the session's state through a tool: a flow
-- (bulk_order: a line, contact details, a confirmation) saved after its question was stored.
-- Only the last reply can be asked again, so every such save belongs to its turn.
create function private.reply_changed_state(p_reply public.conversation_messages) returns boolean
  language sql stable
  set search_path = ''
as $$
  select exists (
    select 1 from public.flow_states f, public.conversation_messages q
     where q.id = p_reply.reply_to and f.session_id = p_reply.session_id and f.updated_at > q.created_at);
$$;

revoke execute on function private.reply_changed_state(public.conversation_messages) from public, anon, authenticated;
grant execute on function private.reply_changed_state(public.conversation_messages) to service_role;

-- Round trip 1 of a regenerate: under the visitor's lock, check the reply is the visitor's
-- latest agent answer in an active session and that its turn changed no state through a tool
-- (running the tools again would add a second order line or replace a confirmation), mark it
-- superseded (it carries the request's client_message_id, so a repeated request replays), and
-- return its question to answer again.
create or replace function private.regenerate_turn(p_user_id text, p_action jsonb, p_client_message_id uuid, p_history_limit integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
declare
  v_reply_id uuid;
  v_reply public.conversation_messages;
  v_question public.conversation_messages;
  v_session public.conversation_sessions;
begin
  if coalesce(p_action -> 'payload' ->> 'messageId', '') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception using errcode = 'PT400', message = 'bad_request:regenerate', detail = 'action.payload.messageId must be a uuid.';
  end if;
  v_reply_id := (p_action -> 'payload' ->> 'messageId')::uuid;
  select * into v_reply from public.conversation_messages m
   where m.id = v_reply_id and m.user_id = p_user_id for no key update;
  if v_reply.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:message', detail = 'No such message.';
  end if;
  if v_reply.superseded_at is not null then
    raise exception using errcode = 'PT409', message = 'conflict:regenerate', detail = 'This reply was already replaced by a newer one.';
  end if;
  if v_reply.role <> 'agent' or v_reply.reply_to is null
     or coalesce(v_reply.metadata ->> 'kind', '') in ('menu', 'greeting') or v_reply.metadata ? 'handoff' then
    raise exception using errcode = 'PT400', message = 'bad_request:regenerate', detail = 'Only an agent''s answer to a message can be asked again.';
  end if;
  select * into v_session from public.conversation_sessions s where s.id = v_reply.session_id for no key update;
  if not v_session.is_active then
    raise exception using errcode = 'PT409', message = 'conflict:regenerate', detail = 'This conversation has ended.';
  end if;
  if exists (select 1 from public.conversation_messages m
              where m.session_id = v_reply.session_id and m.seq > v_reply.seq and m.superseded_at is null) then
    raise exception using errcode = 'PT409', message = 'conflict:regenerate', detail = 'Only the last reply can be asked again.';
  end if;
  if private.reply_changed_state(v_reply) then
    raise exception using errcode = 'PT409', message = 'conflict:regenerate',
      detail = 'This reply recorded a change (an order line, contact details or a confirmation), so it cannot be asked again.';
  end if;

  update public.conversation_messages m
     set superseded_at = now(), client_message_id = p_client_message_id
   where m.id = v_reply.id
  returning * into v_reply;
  -- asking again is the visitor's activity (finish_turn does not touch the session)
  update public.conversation_sessions s set last_activity_at = now() where s.id = v_session.id;
  select * into v_question from public.conversation_messages q where q.id = v_reply.reply_to;
  return private.turn_json('resume', v_question.metadata ->> 'choice', false, null, null, v_session.id,
                           v_question, null,
                           (select m.metadata from public.conversation_messages m
                             where m.id = (v_question.metadata ->> 'action_source_id')::uuid),
                           p_history_limit)
         || jsonb_build_object('regenerates', v_reply.id);
end
$_$;

revoke execute on function private.regenerate_turn(text, jsonb, uuid, integer) from public, anon, authenticated;
grant execute on function private.regenerate_turn(text, jsonb, uuid, integer) to service_role;

-- A repeated client_message_id returns what the first attempt saw (R8), a regenerate's too:
-- its superseded reply carries the id; the new reply when stored ('replay'), else 'resume'.
CREATE FUNCTION private.replayed_turn(p_user_id text, p_client_message_id uuid, p_history_limit integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_message public.conversation_messages;
  v_reply public.conversation_messages;
  v_copy public.conversation_messages;
  v_question public.conversation_messages;
begin
  if p_client_message_id is null then
    return null;
  end if;
  select * into v_message from public.conversation_messages m
   where m.user_id = p_user_id and m.client_message_id = p_client_message_id;
  if v_message.id is null then
    return null;
  end if;
  if v_message.superseded_at is not null then
    select * into v_question from public.conversation_messages q where q.id = v_message.reply_to;
    select * into v_reply from public.conversation_messages r where r.id = v_message.superseded_by;
    if v_reply.id is null then
      select * into v_reply from public.conversation_messages r where r.reply_to = v_question.id and r.superseded_at is null;
    end if;
    return private.turn_json(
      case when v_reply.id is null then 'resume' else 'replay' end,
      v_question.metadata ->> 'choice', false, null, null, v_question.session_id, v_question, v_reply,
      (select m.metadata from public.conversation_messages m where m.id = (v_question.metadata ->> 'action_source_id')::uuid),
      p_history_limit) || jsonb_build_object('regenerates', v_message.id);
  end if;
  if v_message.role = 'agent' then
    return private.turn_json('replay', v_message.metadata ->> 'choice', coalesce((v_message.metadata ->> 'new_session')::boolean, false),
                             null, null, v_message.session_id, null, v_message, null, p_history_limit);
  end if;
  select * into v_reply from public.conversation_messages r where r.reply_to = v_message.id and r.superseded_at is null;
  if v_reply.metadata -> 'handoff' ->> 'session_id' is not null then
    select * into v_copy from public.conversation_messages q
     where q.session_id = (v_reply.metadata -> 'handoff' ->> 'session_id')::uuid and q.role = 'user'
       and q.metadata ->> 'handoff_from' = v_message.id::text
     limit 1;
    if v_copy.id is not null then
      select * into v_reply from public.conversation_messages r where r.reply_to = v_copy.id and r.superseded_at is null;
      return private.turn_json('replay', 'handoff', true, 'agent_switch', v_message.session_id, v_copy.session_id,
                               v_copy, v_reply, null, p_history_limit);
    end if;
  end if;
  return private.turn_json(
    case when v_reply.id is null then 'resume' else 'replay' end,
    v_message.metadata ->> 'choice', coalesce((v_message.metadata ->> 'new_session')::boolean, false), null, null,
    v_message.session_id, v_message, v_reply,
    (select m.metadata from public.conversation_messages m where m.id = (v_message.metadata ->> 'action_source_id')::uuid),
    p_history_limit);
end
$$;

REVOKE ALL ON FUNCTION private.replayed_turn(p_user_id text, p_client_message_id uuid, p_history_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.replayed_turn(p_user_id text, p_client_message_id uuid, p_history_limit integer) TO service_role;

-- Flow state: a new state per flow, or null to clear it.
CREATE FUNCTION private.save_flows(p_session_id uuid, p_flows jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

REVOKE ALL ON FUNCTION private.save_flows(p_session_id uuid, p_flows jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.save_flows(p_session_id uuid, p_flows jsonb) TO service_role;

-- Stores the reply of a turn that needs no model: the menu, or the session agent's greeting.
-- A greeting with no visitor message carries the request's client_message_id (a retry replays it).
CREATE FUNCTION private.store_answer(p_kind text, p_session_id uuid, p_user_id text, p_question public.conversation_messages, p_client_message_id uuid, p_choice text, p_new_session boolean, p_request_id text) RETURNS public.conversation_messages
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_agent jsonb;
  v_content text;
  v_metadata jsonb;
  v_reply public.conversation_messages;
begin
  select private.agent_json(s.agent_type, s.agent_version) into v_agent
    from public.conversation_sessions s where s.id = p_session_id;
  if p_kind = 'menu' then
    select r.content, r.metadata into v_content, v_metadata from private.menu_reply(v_agent ->> 'key') r;
  else
    v_content := coalesce(v_agent ->> 'greeting', 'Hi! I''m ' || (v_agent ->> 'name') || '. ' || (v_agent ->> 'description'));
    v_metadata := jsonb_build_object('kind', 'greeting', 'agent', v_agent ->> 'key', 'agent_version', (v_agent ->> 'version')::int);
  end if;
  insert into public.conversation_messages (session_id, user_id, role, content, metadata, reply_to, client_message_id)
  values (p_session_id, p_user_id, 'agent', v_content,
          v_metadata || jsonb_strip_nulls(jsonb_build_object('choice', p_choice, 'new_session', p_new_session,
                                                                  'request_id', p_request_id)),
          p_question.id, case when p_question.id is null then p_client_message_id end)
  returning * into v_reply;
  return v_reply;
end
$$;

REVOKE ALL ON FUNCTION private.store_answer(p_kind text, p_session_id uuid, p_user_id text, p_question public.conversation_messages, p_client_message_id uuid, p_choice text, p_new_session boolean, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.store_answer(p_kind text, p_session_id uuid, p_user_id text, p_question public.conversation_messages, p_client_message_id uuid, p_choice text, p_new_session boolean, p_request_id text) TO service_role;

-- The visitor's message, stored before any model is called (R9): their words, else the pressed
-- button's label, else the action's id; with how the turn was decided.
CREATE FUNCTION private.store_question(p_session_id uuid, p_user_id text, p_message text, p_action jsonb, p_client_message_id uuid, p_new_session boolean, p_choice text, p_source_id uuid, p_source_label text, p_request_id text) RETURNS public.conversation_messages
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_message public.conversation_messages;
begin
  insert into public.conversation_messages (session_id, user_id, role, content, metadata, client_message_id)
  values (p_session_id, p_user_id, 'user',
          coalesce(nullif(trim(p_message), ''), p_source_label, p_action ->> 'id', ''),
          jsonb_strip_nulls(jsonb_build_object('action', p_action, 'new_session', p_new_session, 'request_id', p_request_id,
                                               'choice', p_choice, 'action_source_id', p_source_id)),
          p_client_message_id)
  returning * into v_message;
  return v_message;
end
$$;

REVOKE ALL ON FUNCTION private.store_question(p_session_id uuid, p_user_id text, p_message text, p_action jsonb, p_client_message_id uuid, p_new_session boolean, p_choice text, p_source_id uuid, p_source_label text, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.store_question(p_session_id uuid, p_user_id text, p_message text, p_action jsonb, p_client_message_id uuid, p_new_session boolean, p_choice text, p_source_id uuid, p_source_label text, p_request_id text) TO service_role;

-- begin_turn's first steps: the visitor's lock, then a turn that ends before any session is
-- chosen (a replay, a rate limit, a regenerate) returns its answer here; null means go on.
CREATE FUNCTION private.turn_gate(p_user_id text, p_client_message_id uuid, p_action jsonb, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer, p_history_limit integer, p_new_visitor_limit integer DEFAULT 0) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_replayed jsonb;
  v_refused jsonb;
begin
  -- one visitor's turns run one at a time, across every app instance
  perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || p_user_id, 0));
  -- an erased visitor's id is retired: the app starts a new visitor (docs/privacy.md)
  if private.visitor_retired(p_user_id) then
    return jsonb_build_object('status', 'retired');
  end if;
  -- exactly once: a repeated client_message_id returns what the first attempt saw (R8)
  v_replayed := private.replayed_turn(p_user_id, p_client_message_id, p_history_limit);
  if v_replayed is not null then
    return v_replayed;
  end if;
  -- a new visitor (a fresh cookie) counts against their address's new-visitor limit, in this statement
  v_refused := private.new_visitor_refusal(p_client_ip, p_new_visitor_limit);
  if v_refused is not null then
    return v_refused;
  end if;
  -- rate limits, counted in the database so every instance shares them
  if private.over_rate_limits(p_user_id, p_rate_limit, p_client_ip, p_ip_rate_limit) then
    return jsonb_build_object('status', 'rate_limited', 'retry_after',
      greatest(1, ceil(extract(epoch from date_trunc('minute', now()) + interval '1 minute' - clock_timestamp())))::int);
  end if;
  -- "Try again" on the last agent reply: the same question, answered again (no new message)
  if p_action ->> 'id' = 'regenerate' then
    return private.regenerate_turn(p_user_id, p_action, p_client_message_id, p_history_limit);
  end if;
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.turn_gate(p_user_id text, p_client_message_id uuid, p_action jsonb, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer, p_history_limit integer, p_new_visitor_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.turn_gate(p_user_id text, p_client_message_id uuid, p_action jsonb, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer, p_history_limit integer, p_new_visitor_limit integer) TO service_role;

-- The answer of begin_turn: the session, its pinned agent and handoff targets, the messages, history and flows.
CREATE FUNCTION private.turn_json(p_status text, p_choice text, p_new boolean, p_reason text, p_previous uuid, p_session_id uuid, p_user_message public.conversation_messages, p_reply public.conversation_messages, p_source jsonb, p_history_limit integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_agent jsonb;
begin
  select private.agent_json(s.agent_type, s.agent_version) into v_agent
    from public.conversation_sessions s where s.id = p_session_id;
  return jsonb_build_object(
    'status', p_status, 'choice', p_choice, 'new_session', p_new, 'reason', p_reason,
    'previous_session_id', p_previous,
    'session', public.session_json(p_session_id),
    'user_message', case when (p_user_message).id is null then null else public.message_json(p_user_message) end,
    'reply', case when (p_reply).id is null then null else public.message_json(p_reply) end,
    'action_source', p_source,
    'agent', v_agent,
    'handoff_agents', private.handoff_agents(v_agent -> 'handoffs'),
    -- the sessions ended so this one could start, with their figures (logged as session.ended); a visitor's
    -- first session ended none (no lookup: every new visitor's first turn)
    'ended', case when p_new and p_status in ('started', 'answered') and p_reason <> 'first_message'
                  then public.turn_endings(p_session_id) else '[]'::jsonb end
  ) || public.session_context(p_session_id, p_history_limit);
end
$$;

REVOKE ALL ON FUNCTION private.turn_json(p_status text, p_choice text, p_new boolean, p_reason text, p_previous uuid, p_session_id uuid, p_user_message public.conversation_messages, p_reply public.conversation_messages, p_source jsonb, p_history_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.turn_json(p_status text, p_choice text, p_new boolean, p_reason text, p_previous uuid, p_session_id uuid, p_user_message public.conversation_messages, p_reply public.conversation_messages, p_source jsonb, p_history_limit integer) TO service_role;

-- What kind of turn this is: 'greeting' (an agent chosen, nothing said), 'menu', 'menu_pick' or 'model'.
CREATE FUNCTION private.turn_kind(p_message text, p_action jsonb, p_choice text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  return case
    when p_choice = 'explicit' and nullif(trim(p_message), '') is null
         and (p_action is null or p_action ->> 'id' = 'select_agent') then 'greeting'
    when p_action ->> 'id' = 'menu' or (p_action is null and lower(trim(p_message)) = 'menu') then 'menu'
    when p_choice = 'menu_pick' then 'menu_pick'
    else 'model'
  end;
end
$$;

REVOKE ALL ON FUNCTION private.turn_kind(p_message text, p_action jsonb, p_choice text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.turn_kind(p_message text, p_action jsonb, p_choice text) TO service_role;

-- Round trip 1 of a chat turn: the visitor's lock, replays and rate limits (turn_gate; a new visitor's
-- p_new_visitor_limit per address and minute too, so a first turn needs no count_new_visitor), the session
-- (resolve_session, choose_agent, open_session), the question stored before any model runs
-- (store_question; a menu's answer store_answer), and what the agent run needs (turn_json).
-- docs/architecture.md, "SQL functions".
CREATE FUNCTION public.begin_turn(p_user_id text, p_message text DEFAULT NULL::text, p_session_id uuid DEFAULT NULL::uuid, p_agent text DEFAULT NULL::text, p_default_agent text DEFAULT 'product_recommendation'::text, p_model_key text DEFAULT 'offline'::text, p_tracking boolean DEFAULT true, p_client_message_id uuid DEFAULT NULL::uuid, p_action jsonb DEFAULT NULL::jsonb, p_channel text DEFAULT 'web'::text, p_idle_minutes integer DEFAULT 1440, p_rate_limit integer DEFAULT 0, p_client_ip text DEFAULT NULL::text, p_ip_rate_limit integer DEFAULT 0, p_history_limit integer DEFAULT 20, p_request_id text DEFAULT NULL::text, p_new_visitor_limit integer DEFAULT 0) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_early jsonb;
  v_session public.conversation_sessions;
  v_agent text;
  v_choice text;
  v_opened record;
  v_source record;
  v_kind text;
  v_message public.conversation_messages;
  v_reply public.conversation_messages;
begin
  -- 1-3. the visitor's lock; a replay, a rate limit or a regenerate answers here
  v_early := private.turn_gate(p_user_id, p_client_message_id, p_action, p_rate_limit, p_client_ip, p_ip_rate_limit,
                              p_history_limit, p_new_visitor_limit);
  if v_early is not null then
    return v_early;
  end if;
  -- 4. the session the visitor refers to, or their active one
  v_session := private.resolve_session(p_user_id, p_session_id, p_channel, p_action is not null);
  -- 5. the agent, and how it was chosen
  select c.agent_key, c.choice into v_agent, v_choice
    from private.choose_agent(p_agent, p_action, p_message, v_session, p_default_agent) c;
  -- 6. continue, or start a new session (with a registered model) and say why
  select * into v_opened from private.open_session(p_user_id, v_session, v_agent, p_channel, private.model_id(p_model_key),
                                                   p_tracking, p_idle_minutes, p_request_id);
  -- 7. a button runs on the tool outputs of the message that showed it (R10)
  select * into v_source from private.action_source(coalesce(p_session_id, v_session.id), p_action);
  -- 8. store the question (R9); a greeting stores only the agent's words
  v_kind := private.turn_kind(p_message, p_action, v_choice);
  if v_kind <> 'greeting' then
    v_message := private.store_question(v_opened.session_id, p_user_id, p_message, p_action, p_client_message_id,
                                        v_opened.reason is not null, v_choice, v_source.message_id, v_source.label, p_request_id);
  end if;
  -- 9. the menu and greetings are answered here, without a model
  if v_kind <> 'model' then
    v_reply := private.store_answer(v_kind, v_opened.session_id, p_user_id, v_message, p_client_message_id,
                                    v_choice, v_opened.reason is not null, p_request_id);
  end if;
  -- 10. the session, its agent, the question, the answer if any, the model's context
  return private.turn_json(case when v_kind = 'model' then 'started' else 'answered' end, v_choice,
                           v_opened.reason is not null, v_opened.reason, v_opened.previous_session_id,
                           v_opened.session_id, v_message, v_reply, v_source.metadata, p_history_limit);
end
$$;

REVOKE ALL ON FUNCTION public.begin_turn(p_user_id text, p_message text, p_session_id uuid, p_agent text, p_default_agent text, p_model_key text, p_tracking boolean, p_client_message_id uuid, p_action jsonb, p_channel text, p_idle_minutes integer, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer, p_history_limit integer, p_request_id text, p_new_visitor_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.begin_turn(p_user_id text, p_message text, p_session_id uuid, p_agent text, p_default_agent text, p_model_key text, p_tracking boolean, p_client_message_id uuid, p_action jsonb, p_channel text, p_idle_minutes integer, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer, p_history_limit integer, p_request_id text, p_new_visitor_limit integer) TO service_role;

-- Round trip 2 of a chat turn: the reply, its steps and flows, and a handoff, with one current reply per
-- question (a regenerate's new reply is stored beside the superseded one, which then points to it)
CREATE FUNCTION public.finish_turn(p_user_message_id uuid, p_content text DEFAULT NULL::text, p_metadata jsonb DEFAULT '{}'::jsonb, p_flows jsonb DEFAULT NULL::jsonb, p_input_tokens integer DEFAULT 0, p_output_tokens integer DEFAULT 0, p_latency_ms integer DEFAULT 0, p_partial boolean DEFAULT false, p_error text DEFAULT NULL::text, p_observations jsonb DEFAULT '[]'::jsonb, p_handoff jsonb DEFAULT NULL::jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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
  on conflict (reply_to) where reply_to is not null and superseded_at is null do nothing
  returning * into v_reply;
  if v_reply.id is null then
    select * into v_reply from public.conversation_messages r where r.reply_to = v_question.id and r.superseded_at is null;
    return private.finished_turn(v_reply);
  end if;
  -- a regenerated answer: the reply it replaces points to it
  update public.conversation_messages m set superseded_by = v_reply.id
   where m.reply_to = v_question.id and m.superseded_at is not null and m.superseded_by is null;

  -- 4. flow state, saved only here, with the reply
  perform private.save_flows(v_question.session_id, p_flows);

  -- 5. the turn's steps and the trace's roll-ups (the session's last_activity_at is the visitor's last
  -- message, set by begin_turn: the reply writes no session row; docs/performance.md, "Where a continued
  -- turn's PostgreSQL time goes")
  perform private.record_steps(v_question.session_id, v_question.id, p_observations, p_latency_ms,
                               p_input_tokens, p_output_tokens, null);

  -- 6. the agent handed over: the new session answers the same question
  if p_handoff is not null then
    return private.hand_off(v_question, p_handoff, v_reply);
  end if;
  return jsonb_build_object('status', 'stored', 'reply', public.message_json(v_reply),
                            'session', public.session_json(v_question.session_id));
end
$$;

REVOKE ALL ON FUNCTION public.finish_turn(p_user_message_id uuid, p_content text, p_metadata jsonb, p_flows jsonb, p_input_tokens integer, p_output_tokens integer, p_latency_ms integer, p_partial boolean, p_error text, p_observations jsonb, p_handoff jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.finish_turn(p_user_message_id uuid, p_content text, p_metadata jsonb, p_flows jsonb, p_input_tokens integer, p_output_tokens integer, p_latency_ms integer, p_partial boolean, p_error text, p_observations jsonb, p_handoff jsonb) TO service_role;

-- The session invariants, owned by Postgres. A chat turn is two calls:
--   begin_turn  — resolve / continue / switch / expire the session, create
--                 session + tag + trace when new, store the user message once;
--   finish_turn — store the reply once, save flow state, add the model call
--                 to the trace.
-- Each runs in one transaction; a visitor's turns are serialised by an
-- advisory lock, so any number of app instances stay correct.
-- Errors are raised with SQLSTATE PTxxx (PostgREST answers HTTP xxx) and the
-- message is the app's typed error code.

-- JSON of a session as the app sees it (model and trace included).
create or replace function public.session_json(p_session_id uuid)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'id', s.id, 'user_id', s.user_id, 'channel', s.channel, 'agent_type', s.agent_type,
    'session_tag', s.session_tag, 'is_active', s.is_active, 'tracking_enabled', s.tracking_enabled,
    'started_at', s.started_at, 'last_activity_at', s.last_activity_at, 'ended_at', s.ended_at,
    'end_reason', s.end_reason, 'duration_seconds', s.duration_seconds,
    'model', jsonb_build_object('id', m.id, 'key', m.key, 'name', m.name, 'provider', m.provider),
    'trace_id', t.id
  )
  from public.conversation_sessions s
  join public.llm_models m on m.id = s.model_id
  left join public.llm_traces t on t.session_id = s.id
  where s.id = p_session_id
$$;

-- JSON of a stored message.
create or replace function public.message_json(p public.conversation_messages)
returns jsonb
language sql immutable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p.id, 'seq', p.seq, 'session_id', p.session_id, 'role', p.role, 'content', p.content,
    'metadata', p.metadata, 'client_message_id', p.client_message_id, 'reply_to', p.reply_to,
    'is_partial', p.is_partial, 'created_at', p.created_at
  )
$$;

-- Ends a session and records why (one row in session_events).
create or replace function public.close_session(
  p_session_id uuid, p_reason text, p_event text, p_request_id text default null
) returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ended_at timestamptz;
begin
  update public.conversation_sessions s
     set is_active = false,
         -- an idle session ended when it was last used
         ended_at = case when p_reason = 'idle' then s.last_activity_at else now() end,
         end_reason = p_reason,
         duration_seconds = greatest(0, floor(extract(epoch from
           (case when p_reason = 'idle' then s.last_activity_at else now() end) - s.started_at)))::int
   where s.id = p_session_id and s.is_active
  returning s.ended_at into v_ended_at;
  if v_ended_at is not null then
    insert into public.session_events (session_id, user_id, event, reason, request_id)
    select p_session_id, s.user_id, p_event, p_reason, p_request_id
      from public.conversation_sessions s where s.id = p_session_id;
  end if;
end
$$;

-- Starts a session: ends any other active one, takes the next tag, creates the trace.
create or replace function public.start_session(
  p_user_id text, p_channel text, p_agent text, p_model_id uuid, p_tracking boolean,
  p_reason text, p_previous_session_id uuid default null, p_request_id text default null
) returns uuid
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_other uuid;
  v_counter integer;
  v_tag text;
  v_session_id uuid;
  v_previous_agent text;
begin
  -- one active session per visitor and channel
  for v_other in
    select s.id from public.conversation_sessions s
     where s.user_id = p_user_id and s.channel = p_channel and s.is_active
  loop
    perform public.close_session(v_other, 'superseded', 'ended', p_request_id);
  end loop;

  -- next tag for (user, model), atomically
  insert into public.session_tag_counters as c (user_id, model_id, last_value)
  values (p_user_id, p_model_id, 1)
  on conflict (user_id, model_id)
  do update set last_value = c.last_value + 1, updated_at = now()
  returning c.last_value into v_counter;
  v_tag := 'chat_model_' || left(replace(p_model_id::text, '-', ''), 6) || '_'
        || case when v_counter < 1000 then lpad(v_counter::text, 3, '0') else v_counter::text end;

  insert into public.conversation_sessions (user_id, channel, agent_type, model_id, session_tag, tracking_enabled)
  values (p_user_id, p_channel, p_agent, p_model_id, v_tag, p_tracking)
  returning id into v_session_id;

  if p_tracking then
    insert into public.llm_traces (session_id, session_tag, user_id, agent_type, model_id, experiment_name)
    select v_session_id, v_tag, p_user_id, p_agent, m.id, m.experiment_name
      from public.llm_models m where m.id = p_model_id;
  end if;

  insert into public.session_events (session_id, previous_session_id, user_id, event, reason, request_id)
  values (v_session_id, p_previous_session_id, p_user_id, 'started', p_reason, p_request_id);

  if p_reason = 'agent_switch' then
    select s.agent_type into v_previous_agent from public.conversation_sessions s where s.id = p_previous_session_id;
    insert into public.session_events (session_id, previous_session_id, user_id, event, reason, request_id, detail)
    values (v_session_id, p_previous_session_id, p_user_id, 'switched', 'agent_switch', p_request_id,
            jsonb_build_object('from_agent', v_previous_agent, 'to_agent', p_agent));
  end if;
  return v_session_id;
end
$$;

-- Recent messages of a session (oldest first) and its flow state.
create or replace function public.session_context(p_session_id uuid, p_history_limit integer)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'history', coalesce((
      select jsonb_agg(public.message_json(h) order by h.seq)
        from (select m.* from public.conversation_messages m
               where m.session_id = p_session_id order by m.seq desc limit p_history_limit) h
    ), '[]'::jsonb),
    'flows', coalesce((
      select jsonb_object_agg(f.flow, f.state) from public.flow_states f where f.session_id = p_session_id
    ), '{}'::jsonb)
  )
$$;

-- What a chat turn costs the database (docs/performance.md, "The turn-cost change"):
-- the same guarantees, less work per turn.

-- 1. finish_turn points a superseded reply to its successor ("Try again"). Its update looks for
-- replies of the question that are superseded and not yet pointed; no index held those, so every
-- finish_turn scanned the whole conversation_messages table. Superseded replies are rare: this
-- partial index holds only those still waiting for their successor.
create index conversation_messages_superseded_open
  on public.conversation_messages (reply_to) where superseded_at is not null and superseded_by is null;

-- 2. The app's JSON shapes, unchanged, as plpgsql: a `language sql` function with
-- `set search_path` is never inlined and is parsed and planned again on every call, while plpgsql
-- keeps its plan for the connection. Each turn builds two sessions and several messages.
create or replace function public.session_json(p_session_id uuid)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
begin
  return (
    select jsonb_build_object(
      'id', s.id, 'user_id', s.user_id, 'channel', s.channel, 'agent_type', s.agent_type,
      'session_tag', s.session_tag, 'is_active', s.is_active, 'tracking_enabled', s.tracking_enabled,
      'started_at', s.started_at, 'last_activity_at', s.last_activity_at, 'ended_at', s.ended_at,
      'end_reason', s.end_reason, 'duration_seconds', s.duration_seconds,
      'model', jsonb_build_object('id', m.id, 'key', m.key, 'name', m.name, 'provider', m.provider),
      'trace_id', t.id)
      from public.conversation_sessions s
      join public.llm_models m on m.id = s.model_id
      left join public.llm_traces t on t.session_id = s.id
     where s.id = p_session_id);
end
$$;

create or replace function public.message_json(p public.conversation_messages)
returns jsonb
language plpgsql immutable
security invoker
set search_path = ''
as $$
begin
  return jsonb_build_object(
    'id', p.id, 'seq', p.seq, 'session_id', p.session_id, 'role', p.role, 'content', p.content,
    'metadata', p.metadata, 'client_message_id', p.client_message_id, 'reply_to', p.reply_to,
    'is_partial', p.is_partial, 'created_at', p.created_at, 'audio_url', p.audio_url, 'vote', p.vote,
    'superseded_at', p.superseded_at, 'superseded_by', p.superseded_by);
end
$$;

-- 3. The model's context: what the agent reads of the conversation, nothing more. The newest
-- messages not superseded, oldest first, at most p_history_limit of them and no more text than
-- private.history_chars() (the newest message always), each as {id, seq, role, content}: the
-- agents read roles and words (lib/chat/agent-run.ts); a pressed button's source message comes
-- whole as action_source, and the widget's history is session_messages. Built in one
-- aggregate, without a call per message. Plus the session's flow state.
create or replace function private.history_chars()
returns integer
language plpgsql immutable
security invoker
set search_path = ''
as $$
begin
  -- about 6,000 tokens of conversation (~4 characters per token)
  return 24000;
end
$$;

create or replace function public.session_context(p_session_id uuid, p_history_limit integer)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
declare
  v_chars integer := private.history_chars();
begin
  return jsonb_build_object(
    'history', coalesce((
      select jsonb_agg(jsonb_build_object('id', h.id, 'seq', h.seq, 'role', h.role, 'content', h.content) order by h.seq)
        from (select m.id, m.seq, m.role, m.content,
                     sum(length(m.content)) over (order by m.seq desc) - length(m.content) as newer_chars
                from public.conversation_messages m
               where m.session_id = p_session_id and m.superseded_at is null
               order by m.seq desc limit greatest(p_history_limit, 1)) h
       where h.newer_chars < v_chars), '[]'::jsonb),
    'flows', coalesce((
      select jsonb_object_agg(f.flow, f.state) from public.flow_states f where f.session_id = p_session_id
    ), '{}'::jsonb));
end
$$;

-- 4. What kind of turn this is (as in 20261129001100_begin_turn_agents.sql), as plpgsql (see 2).
create or replace function private.turn_kind(p_message text, p_action jsonb, p_choice text)
returns text
language plpgsql immutable
security invoker
set search_path = ''
as $$
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

-- 5. begin_turn's first steps: the visitor's lock, then a turn that ends before any session is
-- chosen (a replay, a rate limit, a regenerate) returns its answer here; null means go on.
create or replace function private.turn_gate(
  p_user_id text, p_client_message_id uuid, p_action jsonb, p_rate_limit integer, p_client_ip text,
  p_ip_rate_limit integer, p_history_limit integer
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_replayed jsonb;
begin
  -- one visitor's turns run one at a time, across every app instance
  perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || p_user_id, 0));
  -- exactly once: a repeated client_message_id returns what the first attempt saw (R8)
  v_replayed := private.replayed_turn(p_user_id, p_client_message_id, p_history_limit);
  if v_replayed is not null then
    return v_replayed;
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

-- 6. The visitor's message, stored before any model is called (R9): their words, else the pressed
-- button's label, else the action's id; with how the turn was decided.
create or replace function private.store_question(
  p_session_id uuid, p_user_id text, p_message text, p_action jsonb, p_client_message_id uuid,
  p_new_session boolean, p_choice text, p_source_id uuid, p_source_label text, p_request_id text
) returns public.conversation_messages
language plpgsql
security invoker
set search_path = ''
as $$
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

-- 7. begin_turn (as in 20261129011000_regenerate_reply.sql), as its numbered steps.
create or replace function public.begin_turn(
  p_user_id text, p_message text default null, p_session_id uuid default null, p_agent text default null,
  p_default_agent text default 'product_recommendation', p_model_key text default 'offline',
  p_tracking boolean default true, p_client_message_id uuid default null, p_action jsonb default null,
  p_channel text default 'web', p_idle_minutes integer default 1440, p_rate_limit integer default 0,
  p_client_ip text default null, p_ip_rate_limit integer default 0, p_history_limit integer default 20,
  p_request_id text default null
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
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
  v_early := private.turn_gate(p_user_id, p_client_message_id, p_action, p_rate_limit, p_client_ip, p_ip_rate_limit, p_history_limit);
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

revoke all on all functions in schema private from public, anon, authenticated;
grant execute on all functions in schema private to service_role;
revoke execute on function public.begin_turn(text, text, uuid, text, text, text, boolean, uuid, jsonb, text, integer, integer, text, integer, integer, text),
  public.session_json(uuid), public.message_json(public.conversation_messages), public.session_context(uuid, integer)
  from public, anon, authenticated;
grant execute on function public.begin_turn(text, text, uuid, text, text, text, boolean, uuid, jsonb, text, integer, integer, text, integer, integer, text),
  public.session_json(uuid), public.message_json(public.conversation_messages), public.session_context(uuid, integer)
  to service_role;

-- begin_turn, second release: one home for choosing the agent, the pinned agent
-- version in the answer, and turns that need no model (the menu, a greeting)
-- answered here in one round trip (docs/architecture.md). begin_turn reads as
-- numbered steps; each step is a helper in `private`.

-- Counts one hit in a fixed one-minute window; true when the window is over its limit.
create or replace function private.hit_rate_limit(p_bucket text, p_limit integer)
returns boolean
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_hits integer;
begin
  insert into public.rate_limit_buckets as b (bucket, window_start, hits)
  values (p_bucket, date_trunc('minute', now()), 1)
  on conflict (bucket, window_start) do update set hits = b.hits + 1
  returning b.hits into v_hits;
  return v_hits > p_limit;
end
$$;

-- Per visitor, then per client address (not counted once the visitor is over); 0 turns a limit off.
create or replace function private.over_rate_limits(
  p_user_id text, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer
) returns boolean
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_rate_limit > 0 and private.hit_rate_limit('chat:' || p_user_id, p_rate_limit) then
    return true;
  end if;
  if p_ip_rate_limit > 0 and p_client_ip is not null then
    return private.hit_rate_limit('ip:' || left(p_client_ip, 64), p_ip_rate_limit);
  end if;
  return false;
end
$$;

-- The id of a registered model, or bad_request:model.
create or replace function private.model_id(p_model_key text)
returns uuid
language plpgsql stable
security invoker
set search_path = ''
as $$
declare
  v_id uuid;
begin
  select m.id into v_id from public.llm_models m where m.key = coalesce(p_model_key, 'offline');
  if v_id is null then
    raise exception using errcode = 'PT400', message = 'bad_request:model',
      detail = format('Model %s is not registered.', p_model_key);
  end if;
  return v_id;
end
$$;

-- The session a turn runs in: the one the visitor names (404 unless theirs), or their active one.
-- A button pressed in an ended session runs in the visitor's active session of that channel, so an
-- old button never ends the session the visitor is using.
create or replace function private.resolve_session(
  p_user_id text, p_session_id uuid, p_channel text, p_is_press boolean
) returns public.conversation_sessions
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_named public.conversation_sessions;
  v_active public.conversation_sessions;
begin
  if p_session_id is not null then
    select * into v_named from public.conversation_sessions s where s.id = p_session_id for no key update;
    if v_named.id is null or v_named.user_id <> p_user_id then
      raise exception using errcode = 'PT404', message = 'not_found:session', detail = 'No such session.';
    end if;
    if v_named.is_active or not p_is_press then
      return v_named;
    end if;
  end if;
  select * into v_active from public.conversation_sessions s
   where s.user_id = p_user_id and s.channel = coalesce(v_named.channel, p_channel) and s.is_active
   for no key update;
  if v_active.id is null and v_named.id is not null then
    return v_named;
  end if;
  return v_active;
end
$$;

-- The enabled agent a number typed right after a menu picks (R4), or null.
create or replace function private.menu_pick(p_session_id uuid, p_message text)
returns text
language plpgsql stable
security invoker
set search_path = ''
as $$
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
$$;

-- The one home for choosing the agent of a turn: explicit (body or select_agent button), a menu pick,
-- the session's own agent, or the default. An explicit or default key must be an enabled agent.
create or replace function private.choose_agent(
  p_agent text, p_action jsonb, p_message text, p_session public.conversation_sessions, p_default_agent text,
  out agent_key text, out choice text
)
language plpgsql stable
security invoker
set search_path = ''
as $$
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

-- Continue the session, or start a new one and say why (R1, R4, R6). A new session uses the
-- agent's own model when it names one, else the requested model.
create or replace function private.open_session(
  p_user_id text, p_session public.conversation_sessions, p_agent text, p_channel text, p_model_id uuid,
  p_tracking boolean, p_idle_minutes integer, p_request_id text,
  out session_id uuid, out reason text, out previous_session_id uuid
)
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_model_id uuid;
begin
  if p_session.id is null then
    reason := case when exists (select 1 from public.conversation_sessions s where s.user_id = p_user_id)
                   then 'new_chat' else 'first_message' end;
  elsif not p_session.is_active then
    reason := case when p_session.end_reason = 'idle' then 'expired_previous' else 'ended_previous' end;
  elsif p_session.last_activity_at < now() - make_interval(mins => p_idle_minutes) then
    perform public.close_session(p_session.id, 'idle', 'expired', p_request_id);
    reason := 'expired_previous';
  elsif p_agent <> p_session.agent_type then
    perform public.close_session(p_session.id, 'agent_switch', 'ended', p_request_id);
    reason := 'agent_switch';
  end if;

  if reason is null then
    update public.conversation_sessions s set last_activity_at = now() where s.id = p_session.id;
    session_id := p_session.id;
    return;
  end if;
  previous_session_id := p_session.id;
  select m.id into v_model_id from public.agents a join public.llm_models m on m.key = a.model_key where a.key = p_agent;
  session_id := public.start_session(p_user_id, coalesce(p_session.channel, p_channel), p_agent,
                                     coalesce(v_model_id, p_model_id), coalesce(p_tracking, true), reason,
                                     previous_session_id, p_request_id);
end
$$;

-- The agent message whose button was pressed (latest first) in the session that showed it (R10).
create or replace function private.action_source(
  p_session_id uuid, p_action jsonb, out message_id uuid, out metadata jsonb, out label text
)
language plpgsql stable
security invoker
set search_path = ''
as $$
#variable_conflict use_column
begin
  if p_action is null or p_session_id is null then
    return;
  end if;
  select m.id, m.metadata, e ->> 'label' into message_id, metadata, label
    from public.conversation_messages m
    cross join lateral jsonb_array_elements(
      case when jsonb_typeof(m.metadata -> 'buttons') = 'array' then m.metadata -> 'buttons' else '[]'::jsonb end) e
   where m.session_id = p_session_id and m.role = 'agent'
     and e -> 'action' ->> 'id' = p_action ->> 'id'
     and (p_action -> 'payload' is null or e -> 'action' -> 'payload' = p_action -> 'payload')
   order by m.seq desc limit 1;
end
$$;

-- An agent as a session runs it: the pinned version's snapshot (the latest one when none is pinned).
create or replace function private.agent_json(p_key text, p_version integer)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
declare
  v public.agent_versions;
begin
  select * into v from public.agent_versions x where x.agent_key = p_key and x.version = p_version;
  if v.agent_key is null then
    select * into v from public.agent_versions x where x.agent_key = p_key order by x.version desc limit 1;
  end if;
  if v.agent_key is null then
    return null;
  end if;
  return jsonb_build_object('key', v.agent_key, 'name', v.name, 'description', v.description,
                            'instructions', v.instructions, 'greeting', v.greeting, 'tools', to_jsonb(v.tools),
                            'handoffs', to_jsonb(v.handoffs), 'version', v.version, 'model_key', v.model_key);
end
$$;

-- The enabled agents among an agent's handoff targets, in menu order, each whole (its current
-- version), so the handoff tool runs the target in the same turn without another round trip.
create or replace function private.handoff_agents(p_handoffs jsonb)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
begin
  return (
    select coalesce(jsonb_agg(private.agent_json(a.key, a.version) order by a.menu_position), '[]'::jsonb)
      from public.agents a
     where a.is_enabled
       and a.key in (select jsonb_array_elements_text(case when jsonb_typeof(p_handoffs) = 'array' then p_handoffs else '[]'::jsonb end)));
end
$$;

-- What kind of turn this is: 'greeting' (an agent chosen, nothing said), 'menu', 'menu_pick'
-- (a number typed after a menu: the picked agent greets), or 'model'.
create or replace function private.turn_kind(p_message text, p_action jsonb, p_choice text)
returns text
language sql immutable
security invoker
set search_path = ''
as $$
  select case
    when p_choice = 'explicit' and nullif(trim(p_message), '') is null
         and (p_action is null or p_action ->> 'id' = 'select_agent') then 'greeting'
    when p_action ->> 'id' = 'menu' or (p_action is null and lower(trim(p_message)) = 'menu') then 'menu'
    when p_choice = 'menu_pick' then 'menu_pick'
    else 'model'
  end
$$;

-- The numbered menu of enabled agents, with one select_agent button each; metadata.menu maps "2" to an agent.
create or replace function private.menu_reply(p_agent text, out content text, out metadata jsonb)
language sql stable
security invoker
set search_path = ''
as $$
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

-- Stores the reply of a turn that needs no model: the menu, or the session agent's greeting.
-- A greeting with no visitor message carries the request's client_message_id (a retry replays it).
create or replace function private.store_answer(
  p_kind text, p_session_id uuid, p_user_id text, p_question public.conversation_messages,
  p_client_message_id uuid, p_choice text, p_new_session boolean, p_request_id text
) returns public.conversation_messages
language plpgsql
security invoker
set search_path = ''
as $$
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

-- The answer of begin_turn: the session, its pinned agent and handoff targets, the messages, history and flows.
create or replace function private.turn_json(
  p_status text, p_choice text, p_new boolean, p_reason text, p_previous uuid, p_session_id uuid,
  p_user_message public.conversation_messages, p_reply public.conversation_messages, p_source jsonb,
  p_history_limit integer
) returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
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
    -- the sessions ended so this one could start, with their figures (logged as session.ended)
    'ended', case when p_new and p_status in ('started', 'answered') then public.turn_endings(p_session_id) else '[]'::jsonb end
  ) || public.session_context(p_session_id, p_history_limit);
end
$$;

-- A repeated client_message_id returns what the first attempt saw (R8): its reply when stored
-- ('replay'; a greeting's has no user_message; a handed-off turn's is the new agent's, in the
-- new session), else 'resume' with the same action_source.
create or replace function private.replayed_turn(p_user_id text, p_client_message_id uuid, p_history_limit integer)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
declare
  v_message public.conversation_messages;
  v_reply public.conversation_messages;
  v_copy public.conversation_messages;
begin
  if p_client_message_id is null then
    return null;
  end if;
  select * into v_message from public.conversation_messages m
   where m.user_id = p_user_id and m.client_message_id = p_client_message_id;
  if v_message.id is null then
    return null;
  end if;
  if v_message.role = 'agent' then
    return private.turn_json('replay', v_message.metadata ->> 'choice', coalesce((v_message.metadata ->> 'new_session')::boolean, false),
                             null, null, v_message.session_id, null, v_message, null, p_history_limit);
  end if;
  select * into v_reply from public.conversation_messages r where r.reply_to = v_message.id;
  if v_reply.metadata -> 'handoff' ->> 'session_id' is not null then
    select * into v_copy from public.conversation_messages q
     where q.session_id = (v_reply.metadata -> 'handoff' ->> 'session_id')::uuid and q.role = 'user'
       and q.metadata ->> 'handoff_from' = v_message.id::text
     limit 1;
    if v_copy.id is not null then
      select * into v_reply from public.conversation_messages r where r.reply_to = v_copy.id;
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

create or replace function public.begin_turn(
  p_user_id text,
  p_message text default null,
  p_session_id uuid default null,
  p_agent text default null,
  p_default_agent text default 'product_recommendation',
  p_model_key text default 'offline',
  p_tracking boolean default true,
  p_client_message_id uuid default null,
  p_action jsonb default null,
  p_channel text default 'web',
  p_idle_minutes integer default 1440,
  p_rate_limit integer default 0,
  p_client_ip text default null,
  p_ip_rate_limit integer default 0,
  p_history_limit integer default 20,
  p_request_id text default null
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_replayed jsonb;
  v_model_id uuid;
  v_session public.conversation_sessions;
  v_agent text;
  v_choice text;
  v_opened record;
  v_new boolean;
  v_source record;
  v_kind text;
  v_message public.conversation_messages;
  v_reply public.conversation_messages;
begin
  -- 1. one visitor's turns run one at a time, across every app instance
  perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || p_user_id, 0));

  -- 2. exactly once: a repeated client_message_id returns what the first attempt saw (R8)
  v_replayed := private.replayed_turn(p_user_id, p_client_message_id, p_history_limit);
  if v_replayed is not null then
    return v_replayed;
  end if;

  -- 3. rate limits, counted in the database so every instance shares them
  if private.over_rate_limits(p_user_id, p_rate_limit, p_client_ip, p_ip_rate_limit) then
    return jsonb_build_object('status', 'rate_limited', 'retry_after',
      greatest(1, ceil(extract(epoch from date_trunc('minute', now()) + interval '1 minute' - clock_timestamp())))::int);
  end if;

  -- 4. the model a new session would use must be registered
  v_model_id := private.model_id(p_model_key);

  -- 5. the session the visitor refers to, or their active one
  v_session := private.resolve_session(p_user_id, p_session_id, p_channel, p_action is not null);

  -- 6. the agent, and how it was chosen
  select c.agent_key, c.choice into v_agent, v_choice
    from private.choose_agent(p_agent, p_action, p_message, v_session, p_default_agent) c;

  -- 7. continue, or start a new session and say why
  select * into v_opened from private.open_session(p_user_id, v_session, v_agent, p_channel, v_model_id,
                                                   p_tracking, p_idle_minutes, p_request_id);
  v_new := v_opened.reason is not null;

  -- 8. a button runs on the tool outputs of the message that showed it (R10)
  select * into v_source from private.action_source(coalesce(p_session_id, v_session.id), p_action);

  -- 9. store the user message before any model is called (R9); a greeting stores only the agent's words
  v_kind := private.turn_kind(p_message, p_action, v_choice);
  if v_kind <> 'greeting' then
    insert into public.conversation_messages (session_id, user_id, role, content, metadata, client_message_id)
    values (v_opened.session_id, p_user_id, 'user',
            coalesce(nullif(trim(p_message), ''), v_source.label, p_action ->> 'id', ''),
            jsonb_strip_nulls(jsonb_build_object('action', p_action, 'new_session', v_new, 'request_id', p_request_id,
                                                 'choice', v_choice, 'action_source_id', v_source.message_id)),
            p_client_message_id)
    returning * into v_message;
  end if;

  -- 10. the menu and greetings are answered here, without a model
  if v_kind <> 'model' then
    v_reply := private.store_answer(v_kind, v_opened.session_id, p_user_id, v_message, p_client_message_id,
                                    v_choice, v_new, p_request_id);
  end if;

  return private.turn_json(case when v_kind = 'model' then 'started' else 'answered' end, v_choice, v_new,
                           v_opened.reason, v_opened.previous_session_id, v_opened.session_id,
                           v_message, v_reply, v_source.metadata, p_history_limit);
end
$$;

revoke all on all functions in schema private from public, anon, authenticated;
grant execute on all functions in schema private to service_role;

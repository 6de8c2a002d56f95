-- Regenerate ("Try again"): the visitor asks the agent again for the same message. Both answers
-- are kept; the first is marked superseded and the conversation shows the newest
-- (docs/architecture.md "A chat turn", "Try again").

-- 1. a superseded reply: when, and by which reply (set by finish_turn once the new one is stored)
alter table public.conversation_messages
  add column superseded_at timestamptz,
  add column superseded_by uuid references public.conversation_messages (id) on delete set null,
  add constraint conversation_messages_superseded_is_reply
    check (superseded_at is null or (role = 'agent' and reply_to is not null)),
  add constraint conversation_messages_superseded_by_needs_at
    check (superseded_by is null or superseded_at is not null);

-- 2. one CURRENT reply per question; superseded ones stay beside it
drop index public.conversation_messages_one_reply;
create unique index conversation_messages_one_reply
  on public.conversation_messages (reply_to) where reply_to is not null and superseded_at is null;

-- 3. the JSON of a stored message says whether (and by what) it was superseded
create or replace function public.message_json(p public.conversation_messages)
returns jsonb
language sql immutable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p.id, 'seq', p.seq, 'session_id', p.session_id, 'role', p.role, 'content', p.content,
    'metadata', p.metadata, 'client_message_id', p.client_message_id, 'reply_to', p.reply_to,
    'is_partial', p.is_partial, 'created_at', p.created_at, 'audio_url', p.audio_url, 'vote', p.vote,
    'superseded_at', p.superseded_at, 'superseded_by', p.superseded_by
  )
$$;

-- 4. the model's context skips superseded replies
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
               where m.session_id = p_session_id and m.superseded_at is null
               order by m.seq desc limit p_history_limit) h
    ), '[]'::jsonb),
    'flows', coalesce((
      select jsonb_object_agg(f.flow, f.state) from public.flow_states f where f.session_id = p_session_id
    ), '{}'::jsonb)
  )
$$;

-- 5. the widget's history shows the newest answer only (the trace detail keeps both)
create or replace function public.session_messages(p_user_id text, p_session_id uuid)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
begin
  if not exists (select 1 from public.conversation_sessions s where s.id = p_session_id and s.user_id = p_user_id) then
    raise exception using errcode = 'PT404', message = 'not_found:session', detail = 'No such session.';
  end if;
  return jsonb_build_object(
    'session', public.session_json(p_session_id),
    'messages', coalesce((select jsonb_agg(public.message_json(m) order by m.seq)
                            from public.conversation_messages m
                           where m.session_id = p_session_id and m.superseded_at is null), '[]'::jsonb)
  );
end
$$;

-- 6. round trip 1 of a regenerate: under the visitor's lock, check the reply is the visitor's
-- latest agent answer in an active session, mark it superseded (it carries the request's
-- client_message_id, so a repeated request replays), and return its question to answer again.
create or replace function private.regenerate_turn(
  p_user_id text, p_action jsonb, p_client_message_id uuid, p_history_limit integer
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
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

  update public.conversation_messages m
     set superseded_at = now(), client_message_id = p_client_message_id
   where m.id = v_reply.id
  returning * into v_reply;
  select * into v_question from public.conversation_messages q where q.id = v_reply.reply_to;
  return private.turn_json('resume', v_question.metadata ->> 'choice', false, null, null, v_session.id,
                           v_question, null,
                           (select m.metadata from public.conversation_messages m
                             where m.id = (v_question.metadata ->> 'action_source_id')::uuid),
                           p_history_limit)
         || jsonb_build_object('regenerates', v_reply.id);
end
$$;

-- 7. A repeated client_message_id returns what the first attempt saw (R8). As before, plus a
-- regenerate: its superseded reply carries the id; the new reply when stored ('replay'), else 'resume'.
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

-- 8. A finish_turn repeated after it committed: what the first one stored (the current reply).
create or replace function private.finished_turn(p_reply public.conversation_messages)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
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

-- 9. begin_turn as in 20261129001100_begin_turn_agents.sql, plus step 3b (regenerate)
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

  -- 3b. "Try again" on the last agent reply: the same question, answered again (no new message)
  if p_action ->> 'id' = 'regenerate' then
    return private.regenerate_turn(p_user_id, p_action, p_client_message_id, p_history_limit);
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

-- 10. finish_turn as in 20261129001200_finish_turn_observations.sql, with one current reply per
-- question (a regenerate's new reply is stored beside the superseded one, which then points to it)
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
revoke execute on function public.begin_turn(text, text, uuid, text, text, text, boolean, uuid, jsonb, text, integer, integer, text, integer, integer, text)
  from public, anon, authenticated;
grant execute on function public.begin_turn(text, text, uuid, text, text, text, boolean, uuid, jsonb, text, integer, integer, text, integer, integer, text)
  to service_role;
revoke execute on function public.finish_turn(uuid, text, jsonb, jsonb, integer, integer, integer, boolean, text, jsonb, jsonb)
  from public, anon, authenticated;
grant execute on function public.finish_turn(uuid, text, jsonb, jsonb, integer, integer, integer, boolean, text, jsonb, jsonb)
  to service_role;
revoke execute on function public.message_json(public.conversation_messages), public.session_context(uuid, integer),
  public.session_messages(text, uuid) from public, anon, authenticated;
grant execute on function public.message_json(public.conversation_messages), public.session_context(uuid, integer),
  public.session_messages(text, uuid) to service_role;

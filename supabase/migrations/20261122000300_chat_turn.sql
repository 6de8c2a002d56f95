-- begin_turn / finish_turn: the two round trips of a chat turn.

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
  v_model public.llm_models;
  v_session public.conversation_sessions;
  v_message public.conversation_messages;
  v_reply public.conversation_messages;
  v_origin uuid;
  v_agent text := p_agent;
  v_reason text;
  v_previous uuid;
  v_new boolean := false;
  v_source jsonb;
  v_label text;
  v_menu jsonb;
  v_pick integer;
  v_hits integer;
  v_limited boolean := false;
  v_started uuid;
begin
  -- 1. one visitor's turns run one at a time, across every app instance
  perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || p_user_id, 0));

  -- 2. exactly once: a repeated client_message_id returns the first result (R8)
  if p_client_message_id is not null then
    select * into v_message from public.conversation_messages m
     where m.user_id = p_user_id and m.client_message_id = p_client_message_id;
    if v_message.id is not null then
      select * into v_reply from public.conversation_messages r where r.reply_to = v_message.id;
      return jsonb_build_object(
        'status', case when v_reply.id is null then 'resume' else 'replay' end,
        'new_session', coalesce((v_message.metadata ->> 'new_session')::boolean, false),
        'session', public.session_json(v_message.session_id),
        'user_message', public.message_json(v_message),
        'reply', case when v_reply.id is null then null else public.message_json(v_reply) end,
        'action_source', null
      ) || public.session_context(v_message.session_id, p_history_limit);
    end if;
  end if;

  -- 3. rate limits (per visitor, per client address), counted in the database so every instance shares them
  if p_rate_limit > 0 then
    insert into public.rate_limit_buckets as b (bucket, window_start, hits)
    values ('chat:' || p_user_id, date_trunc('minute', now()), 1)
    on conflict (bucket, window_start) do update set hits = b.hits + 1
    returning b.hits into v_hits;
    v_limited := v_hits > p_rate_limit;
  end if;
  if not v_limited and p_ip_rate_limit > 0 and p_client_ip is not null then
    insert into public.rate_limit_buckets as b (bucket, window_start, hits)
    values ('ip:' || left(p_client_ip, 64), date_trunc('minute', now()), 1)
    on conflict (bucket, window_start) do update set hits = b.hits + 1
    returning b.hits into v_hits;
    v_limited := v_hits > p_ip_rate_limit;
  end if;
  -- now and then, forget finished windows so the table stays small
  if (p_rate_limit > 0 or p_ip_rate_limit > 0) and random() < 0.01 then
    delete from public.rate_limit_buckets b where b.window_start < now() - interval '5 minutes';
  end if;
  if v_limited then
    return jsonb_build_object('status', 'rate_limited', 'retry_after',
      greatest(1, ceil(extract(epoch from date_trunc('minute', now()) + interval '1 minute' - clock_timestamp())))::int);
  end if;

  -- 4. the model a new session would use must be registered
  select * into v_model from public.llm_models m where m.key = coalesce(p_model_key, 'offline');
  if v_model.id is null then
    raise exception using errcode = 'PT400', message = 'bad_request:model',
      detail = format('Model %s is not registered.', p_model_key);
  end if;

  -- 5. the session the visitor refers to, or their active one
  if p_session_id is not null then
    select * into v_session from public.conversation_sessions s where s.id = p_session_id for no key update;
    if v_session.id is null or v_session.user_id <> p_user_id then
      raise exception using errcode = 'PT404', message = 'not_found:session', detail = 'No such session.';
    end if;
  else
    select * into v_session from public.conversation_sessions s
     where s.user_id = p_user_id and s.channel = p_channel and s.is_active for no key update;
  end if;
  v_origin := v_session.id;

  -- 6. a number sent right after a menu picks that menu entry (R4)
  if v_agent is null and v_session.is_active and p_message ~ '^\s*[0-9]{1,2}\s*$' then
    select m.metadata -> 'menu' into v_menu from public.conversation_messages m
     where m.session_id = v_session.id and m.role = 'agent' order by m.seq desc limit 1;
    v_pick := trim(p_message)::integer;
    if jsonb_typeof(v_menu) = 'array' and v_pick between 1 and jsonb_array_length(v_menu) then
      v_agent := v_menu ->> (v_pick - 1);
    end if;
  end if;

  -- 7. continue, or decide why a new session starts
  if v_session.id is null then
    v_reason := case when exists (select 1 from public.conversation_sessions s where s.user_id = p_user_id)
                     then 'new_chat' else 'first_message' end;
    v_agent := coalesce(v_agent, p_default_agent);
  elsif not v_session.is_active then
    v_reason := case when v_session.end_reason = 'idle' then 'expired_previous' else 'ended_previous' end;
    v_previous := v_session.id;
    v_agent := coalesce(v_agent, v_session.agent_type);
  elsif v_session.last_activity_at < now() - make_interval(mins => p_idle_minutes) then
    perform public.close_session(v_session.id, 'idle', 'expired', p_request_id);
    v_reason := 'expired_previous';
    v_previous := v_session.id;
    v_agent := coalesce(v_agent, v_session.agent_type);
  elsif v_agent is not null and v_agent <> v_session.agent_type then
    perform public.close_session(v_session.id, 'agent_switch', 'ended', p_request_id);
    v_reason := 'agent_switch';
    v_previous := v_session.id;
  end if;

  if v_reason is not null then
    v_new := true;
    v_started := public.start_session(p_user_id, coalesce(v_session.channel, p_channel), v_agent, v_model.id,
                                      coalesce(p_tracking, true), v_reason, v_previous, p_request_id);
    select * into v_session from public.conversation_sessions s where s.id = v_started;
  else
    update public.conversation_sessions s set last_activity_at = now() where s.id = v_session.id;
  end if;

  -- 8. a button runs on the tool outputs of the message that produced it (R10)
  if p_action is not null and v_origin is not null then
    select m.metadata, e ->> 'label' into v_source, v_label
      from public.conversation_messages m
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(m.metadata -> 'buttons') = 'array' then m.metadata -> 'buttons' else '[]'::jsonb end) e
     where m.session_id = v_origin and m.role = 'agent'
       and e -> 'action' ->> 'id' = p_action ->> 'id'
       and (p_action -> 'payload' is null or e -> 'action' -> 'payload' = p_action -> 'payload')
     order by m.seq desc limit 1;
  end if;

  -- 9. store the user message before any model is called (R9)
  insert into public.conversation_messages (session_id, user_id, role, content, metadata, client_message_id)
  values (v_session.id, p_user_id, 'user',
          coalesce(nullif(trim(p_message), ''), v_label, p_action ->> 'id', ''),
          jsonb_strip_nulls(jsonb_build_object('action', p_action, 'new_session', v_new, 'request_id', p_request_id)),
          p_client_message_id)
  returning * into v_message;

  return jsonb_build_object(
    'status', 'started',
    'new_session', v_new,
    'reason', v_reason,
    'previous_session_id', v_previous,
    'session', public.session_json(v_session.id),
    'user_message', public.message_json(v_message),
    'reply', null,
    'action_source', v_source
  ) || public.session_context(v_session.id, p_history_limit);
end
$$;

create or replace function public.finish_turn(
  p_user_message_id uuid,
  p_content text default null,
  p_metadata jsonb default '{}'::jsonb,
  p_flows jsonb default null,
  p_input_tokens integer default 0,
  p_output_tokens integer default 0,
  p_latency_ms integer default 0,
  p_partial boolean default false,
  p_error text default null
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_question public.conversation_messages;
  v_reply public.conversation_messages;
  v_flow text;
begin
  select * into v_question from public.conversation_messages m where m.id = p_user_message_id and m.role = 'user';
  if v_question.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:message', detail = 'No such user message.';
  end if;

  -- a failed model call: the question stays stored, the trace records the error
  if p_error is not null then
    update public.llm_traces t
       set status = 'error', last_error = left(p_error, 2000),
           latency_ms = t.latency_ms + greatest(p_latency_ms, 0), updated_at = now()
     where t.session_id = v_question.session_id;
    return jsonb_build_object('status', 'error_recorded', 'session', public.session_json(v_question.session_id));
  end if;

  -- the reply, exactly once per question
  insert into public.conversation_messages (session_id, user_id, role, content, metadata, reply_to, is_partial)
  values (v_question.session_id, v_question.user_id, 'agent', coalesce(p_content, ''),
          coalesce(p_metadata, '{}'::jsonb), v_question.id, coalesce(p_partial, false))
  on conflict (reply_to) where reply_to is not null do nothing
  returning * into v_reply;

  if v_reply.id is null then
    select * into v_reply from public.conversation_messages r where r.reply_to = v_question.id;
    return jsonb_build_object('status', 'duplicate', 'reply', public.message_json(v_reply),
                              'session', public.session_json(v_question.session_id));
  end if;

  -- flow state: a new state per flow, or null to clear it
  if jsonb_typeof(p_flows) = 'object' then
    for v_flow in select jsonb_object_keys(p_flows) loop
      if jsonb_typeof(p_flows -> v_flow) = 'object' then
        insert into public.flow_states as f (session_id, flow, state)
        values (v_question.session_id, v_flow, p_flows -> v_flow)
        on conflict (session_id, flow) do update set state = excluded.state, updated_at = now();
      else
        delete from public.flow_states f where f.session_id = v_question.session_id and f.flow = v_flow;
      end if;
    end loop;
  end if;

  -- the model call counts on the trace (T2); untracked sessions have none (R11)
  update public.llm_traces t
     set llm_calls = t.llm_calls + 1,
         input_tokens = t.input_tokens + greatest(p_input_tokens, 0),
         output_tokens = t.output_tokens + greatest(p_output_tokens, 0),
         latency_ms = t.latency_ms + greatest(p_latency_ms, 0),
         status = 'ok', last_error = null, updated_at = now()
   where t.session_id = v_question.session_id;

  update public.conversation_sessions s set last_activity_at = now() where s.id = v_question.session_id;

  return jsonb_build_object('status', 'stored', 'reply', public.message_json(v_reply),
                            'session', public.session_json(v_question.session_id));
end
$$;

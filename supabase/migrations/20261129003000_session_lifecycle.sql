-- Session lifecycle (docs/architecture.md, "Session lifecycle"):
--   close_session        ends one session and returns the figures its `session.ended` log line needs;
--   start_session        also carries an unfinished flow over when the previous session expired idle,
--                        and records on its `started` event what it carried and which sessions ended;
--   turn_endings         the sessions that ended to start a session (for begin_turn's result);
--   close_idle_sessions  ends every session idle past the limit, batched, safe on many instances at once;
--   end_session          also returns the ending, for the visitor's own end and a new chat;
--   run_maintenance      the scheduled job: idle sessions, then finished rate-limit windows.

-- close_session now returns the ending (null when the session was not active): a new return type.
drop function if exists public.close_session(uuid, text, text, text);

-- Ends a session and records why (one row in session_events, carrying the figures).
create function public.close_session(
  p_session_id uuid, p_reason text, p_event text, p_request_id text default null
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_session public.conversation_sessions;
  v_figures jsonb;
begin
  update public.conversation_sessions s
     set is_active = false,
         -- an idle session ended when it was last used
         ended_at = case when p_reason = 'idle' then s.last_activity_at else now() end,
         end_reason = p_reason,
         duration_seconds = greatest(0, floor(extract(epoch from
           (case when p_reason = 'idle' then s.last_activity_at else now() end) - s.started_at)))::int
   where s.id = p_session_id and s.is_active
  returning s.* into v_session;
  if v_session.id is null then
    return null;
  end if;
  v_figures := jsonb_build_object(
    'agent_type', v_session.agent_type, 'channel', v_session.channel, 'session_tag', v_session.session_tag,
    'started_at', v_session.started_at, 'ended_at', v_session.ended_at,
    'duration_seconds', v_session.duration_seconds,
    'message_count', (select count(*) from public.conversation_messages m where m.session_id = v_session.id)
  );
  insert into public.session_events (session_id, user_id, event, reason, request_id, detail)
  values (v_session.id, v_session.user_id, p_event, p_reason, p_request_id, v_figures);
  return jsonb_build_object('session_id', v_session.id, 'user_id', v_session.user_id,
                            'event', p_event, 'reason', p_reason) || v_figures;
end
$$;

-- A visitor ends their session (by hand, or by starting a new chat); `ending` is null when it had already ended.
create or replace function public.end_session(
  p_user_id text, p_session_id uuid, p_reason text default 'user', p_request_id text default null
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_session public.conversation_sessions;
  v_ending jsonb;
begin
  perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || p_user_id, 0));
  select * into v_session from public.conversation_sessions s where s.id = p_session_id for no key update;
  if v_session.id is null or v_session.user_id <> p_user_id then
    raise exception using errcode = 'PT404', message = 'not_found:session', detail = 'No such session.';
  end if;
  if p_reason is null or p_reason not in ('user', 'new_chat') then
    raise exception using errcode = 'PT400', message = 'bad_request:session', detail = 'A visitor ends a session as user or new_chat.';
  end if;
  v_ending := public.close_session(p_session_id, p_reason, 'ended', p_request_id);
  return jsonb_build_object('was_active', v_session.is_active, 'session', public.session_json(p_session_id),
                            'ending', v_ending);
end
$$;

-- A flow is finished when its state says so; any other stored flow is still open.
create or replace function public.flow_is_open(p_state jsonb)
returns boolean
language sql immutable
security invoker
set search_path = ''
as $$
  select coalesce(p_state ->> 'status', '') not in ('confirmed', 'cancelled', 'completed', 'done')
$$;

-- Starts a session: ends any other active one, takes the next tag, creates the trace,
-- and carries open flows over from a session that expired idle.
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
  v_ending jsonb;
  v_ended jsonb := '[]'::jsonb;
  v_carried jsonb;
  v_counter integer;
  v_tag text;
  v_session_id uuid;
  v_previous_agent text;
begin
  -- the previous session, when this transaction ended it (agent switch, idle): its ending is reported here
  if p_previous_session_id is not null then
    select coalesce(jsonb_agg(jsonb_build_object('session_id', e.session_id, 'user_id', e.user_id,
                                                 'event', e.event, 'reason', e.reason) || e.detail order by e.id), '[]'::jsonb)
      into v_ended
      from public.session_events e
     where e.session_id = p_previous_session_id and e.event in ('ended', 'expired') and e.created_at = now();
  end if;

  -- one active session per visitor and channel
  for v_other in
    select s.id from public.conversation_sessions s
     where s.user_id = p_user_id and s.channel = p_channel and s.is_active
  loop
    v_ending := public.close_session(v_other, 'superseded', 'ended', p_request_id);
    if v_ending is not null then
      v_ended := v_ended || jsonb_build_array(v_ending);
    end if;
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

  -- an order left open when the session expired idle goes on in the new session
  if p_reason = 'expired_previous' and p_previous_session_id is not null then
    with carried as (
      insert into public.flow_states (session_id, flow, state)
      select v_session_id, f.flow, f.state
        from public.flow_states f
       where f.session_id = p_previous_session_id and public.flow_is_open(f.state)
      returning flow
    )
    select jsonb_agg(c.flow order by c.flow) into v_carried from carried c;
  end if;

  insert into public.session_events (session_id, previous_session_id, user_id, event, reason, request_id, detail)
  values (v_session_id, p_previous_session_id, p_user_id, 'started', p_reason, p_request_id,
          jsonb_strip_nulls(jsonb_build_object(
            'carried_flows', v_carried,
            'ended', case when jsonb_array_length(v_ended) > 0 then v_ended end)));

  if p_reason = 'agent_switch' then
    select s.agent_type into v_previous_agent from public.conversation_sessions s where s.id = p_previous_session_id;
    insert into public.session_events (session_id, previous_session_id, user_id, event, reason, request_id, detail)
    values (v_session_id, p_previous_session_id, p_user_id, 'switched', 'agent_switch', p_request_id,
            jsonb_build_object('from_agent', v_previous_agent, 'to_agent', p_agent));
  end if;
  return v_session_id;
end
$$;

-- The sessions that ended so that this one could start (agent switch, idle, superseded), with their
-- figures: what begin_turn returns as `ended` for the `session.ended` log lines.
create or replace function public.turn_endings(p_session_id uuid)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select coalesce((
    select e.detail -> 'ended' from public.session_events e
     where e.session_id = p_session_id and e.event = 'started'
     order by e.id limit 1
  ), '[]'::jsonb)
$$;

-- Ends every session idle for more than p_idle_minutes: ended_at = last activity, reason `idle`,
-- one `expired` event each. Batches of p_batch rows locked with skip locked, so instances running
-- it at once never close a session twice and never wait on a visitor's turn in progress.
create or replace function public.close_idle_sessions(p_idle_minutes integer, p_batch integer default 500)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
  v_id uuid;
  v_ending jsonb;
  v_closed jsonb := '[]'::jsonb;
begin
  if p_idle_minutes is null or p_idle_minutes < 1 or p_batch is null or p_batch < 1 then
    raise exception using errcode = 'PT400', message = 'bad_request:maintenance',
      detail = 'Idle minutes and batch size must be at least 1.';
  end if;
  loop
    select array_agg(s.id) into v_ids
      from (select s.id from public.conversation_sessions s
             where s.is_active and s.last_activity_at < now() - make_interval(mins => p_idle_minutes)
             order by s.last_activity_at
             limit p_batch
               for update skip locked) s;
    exit when v_ids is null;
    foreach v_id in array v_ids loop
      v_ending := public.close_session(v_id, 'idle', 'expired', null);
      if v_ending is not null then
        v_closed := v_closed || jsonb_build_array(v_ending);
      end if;
    end loop;
  end loop;
  return jsonb_build_object('closed', jsonb_array_length(v_closed), 'sessions', v_closed);
end
$$;

-- The periodic job (pg_cron where it exists, else the app's timer): close idle sessions,
-- forget rate-limit windows that are over.
create or replace function public.run_maintenance(p_idle_minutes integer default 1440, p_batch integer default 500)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_idle jsonb;
  v_windows integer;
begin
  v_idle := public.close_idle_sessions(p_idle_minutes, p_batch);
  delete from public.rate_limit_buckets b where b.window_start < date_trunc('minute', now()) - interval '1 minute';
  get diagnostics v_windows = row_count;
  return v_idle || jsonb_build_object('rate_limit_windows_deleted', v_windows);
end
$$;

-- Who runs run_maintenance here: `pg_cron` when a cron job in this database calls it, else `app`.
create or replace function public.maintenance_scheduler()
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
declare
  v_job jsonb;
begin
  if to_regclass('cron.job') is not null then
    begin
      execute $q$select jsonb_build_object('job', j.jobname, 'schedule', j.schedule, 'command', j.command)
                   from cron.job j
                  where j.command ilike '%run_maintenance%' and j.database = current_database() and j.active
                  order by j.jobid limit 1$q$
         into v_job;
    exception when insufficient_privilege then
      v_job := null;
    end;
  end if;
  return case when v_job is null then jsonb_build_object('scheduler', 'app')
              else jsonb_build_object('scheduler', 'pg_cron') || v_job end;
end
$$;

-- Only the app (service_role / owner) may call them (the default privileges grant the same; made explicit).
revoke execute on function public.close_session(uuid, text, text, text), public.flow_is_open(jsonb),
  public.start_session(text, text, text, uuid, boolean, text, uuid, text), public.turn_endings(uuid),
  public.close_idle_sessions(integer, integer), public.run_maintenance(integer, integer),
  public.maintenance_scheduler() from public, anon, authenticated;
grant execute on function public.close_session(uuid, text, text, text), public.flow_is_open(jsonb),
  public.start_session(text, text, text, uuid, boolean, text, uuid, text), public.turn_endings(uuid),
  public.close_idle_sessions(integer, integer), public.run_maintenance(integer, integer),
  public.maintenance_scheduler() to service_role;

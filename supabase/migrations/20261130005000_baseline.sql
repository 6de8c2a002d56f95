-- The schema of the first and second releases in one file: the 36 migrations from
-- 20261122000100_core_schema to 20261130005000_retention squashed into the schema they built
-- (`pg_dump --schema-only --no-owner -n public -n private` of a database migrated through
-- them), followed by the rows and the pg_cron schedules those migrations wrote.
-- A database that applied those migrations has version 20261130005000 recorded and skips this
-- file; a new database applies it after 20261122000000_supabase_stand_ins. How the squash was
-- made and checked, and what to do with a database migrated only part of the way:
-- docs/architecture.md, "Migrations".

do $$
begin
  if to_regclass('public.llm_traces') is not null then
    raise exception 'this database holds Threadline tables from before the squash but not migration 20261130005000: apply the released migrations first (docs/architecture.md, "Migrations")';
  end if;
end
$$;

-- A function is executable by PUBLIC unless the global default says otherwise, and a per-schema
-- default cannot take that away: new functions of this role are callable by nobody until granted
-- (each function below carries its own grants).
alter default privileges revoke execute on functions from public;

-- Functions come before the tables they read, as in any pg_dump: their bodies are checked when
-- they first run, not here. Every name below is schema-qualified.
set check_function_bodies = false;
select pg_catalog.set_config('search_path', '', false);

CREATE SCHEMA private;

CREATE FUNCTION private.action_source(p_session_id uuid, p_action jsonb, OUT message_id uuid, OUT metadata jsonb, OUT label text) RETURNS record
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION private.agent_json(p_key text, p_version integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION private.audio_name(p_audio_url text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $_$
  select substring(p_audio_url from '^/api/audio/([0-9a-f-]{36}\.[a-z0-9]{2,5})$');
$_$;

CREATE TABLE public.conversation_sessions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id text NOT NULL,
    channel text DEFAULT 'web'::text NOT NULL,
    agent_type text NOT NULL,
    model_id uuid NOT NULL,
    session_tag text NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    last_activity_at timestamp with time zone DEFAULT now() NOT NULL,
    ended_at timestamp with time zone,
    end_reason text,
    duration_seconds integer,
    tracking_enabled boolean DEFAULT true NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    agent_version integer,
    CONSTRAINT conversation_sessions_active_not_ended CHECK ((is_active = (ended_at IS NULL))),
    CONSTRAINT conversation_sessions_agent_type_check CHECK ((agent_type ~ '^[a-z][a-z0-9_]{0,63}$'::text)),
    CONSTRAINT conversation_sessions_channel_check CHECK ((channel ~ '^[a-z][a-z0-9_]{0,31}$'::text)),
    CONSTRAINT conversation_sessions_duration_seconds_check CHECK ((duration_seconds >= 0)),
    CONSTRAINT conversation_sessions_end_reason_check CHECK ((end_reason = ANY (ARRAY['user'::text, 'agent_switch'::text, 'idle'::text, 'new_chat'::text, 'superseded'::text]))),
    CONSTRAINT conversation_sessions_ended_has_duration CHECK ((is_active OR (duration_seconds IS NOT NULL))),
    CONSTRAINT conversation_sessions_user_id_check CHECK (((length(user_id) >= 1) AND (length(user_id) <= 128)))
);

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

CREATE FUNCTION private.dashboard_channel_bump(p_day date, p_channel text, p_shard smallint, p_traces bigint, p_llm_calls bigint, p_total_tokens bigint, p_cost_usd numeric) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  insert into public.dashboard_channel_rollup as r (day, channel, shard, traces, llm_calls, total_tokens, cost_usd)
  values (p_day, p_channel, p_shard, p_traces, p_llm_calls, p_total_tokens, p_cost_usd)
  on conflict (day, channel, shard) do update set
    traces = r.traces + excluded.traces, llm_calls = r.llm_calls + excluded.llm_calls,
    total_tokens = r.total_tokens + excluded.total_tokens, cost_usd = r.cost_usd + excluded.cost_usd;
$$;

CREATE TABLE public.dashboard_channel_rollup (
    day date NOT NULL,
    channel text NOT NULL,
    shard smallint NOT NULL,
    traces bigint DEFAULT 0 NOT NULL,
    llm_calls bigint DEFAULT 0 NOT NULL,
    total_tokens bigint DEFAULT 0 NOT NULL,
    cost_usd numeric DEFAULT 0 NOT NULL,
    CONSTRAINT dashboard_channel_rollup_shard_check CHECK (((shard >= 0) AND (shard <= 7)))
);

CREATE FUNCTION private.dashboard_channel_rollup_of(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS SETOF public.dashboard_channel_rollup
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select (t.created_at at time zone 'UTC')::date, t.channel, (get_byte(uuid_send(t.id), 15) % 8)::smallint,
         count(*), sum(t.llm_calls), sum(t.total_tokens), sum(t.cost_usd)
    from public.llm_traces t
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
   group by 1, 2, 3
$$;

CREATE FUNCTION private.dashboard_channel_rows() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_sign integer := case tg_op when 'INSERT' then 1 else -1 end;
begin
  perform private.dashboard_channel_bump(g.day, g.channel, g.shard, v_sign * g.traces, v_sign * g.llm_calls,
                                         v_sign * g.total_tokens, v_sign * g.cost_usd)
     from (select (t.created_at at time zone 'UTC')::date as day, t.channel, (get_byte(uuid_send(t.id), 15) % 8)::smallint as shard,
                  count(*) as traces, sum(t.llm_calls)::bigint as llm_calls, sum(t.total_tokens)::bigint as total_tokens,
                  sum(t.cost_usd) as cost_usd
             from changed t group by 1, 2, 3 order by 1, 2, 3) g;
  if v_sign < 0 then
    delete from public.dashboard_channel_rollup r where r.traces = 0;
  end if;
  return null;
end
$$;

CREATE FUNCTION private.dashboard_channel_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  truncate public.dashboard_channel_rollup;
  return null;
end
$$;

CREATE FUNCTION private.dashboard_channel_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_old_day date := (old.created_at at time zone 'UTC')::date;
  v_new_day date := (new.created_at at time zone 'UTC')::date;
  v_shard smallint := (get_byte(uuid_send(new.id), 15) % 8)::smallint;
begin
  if v_old_day = v_new_day and old.channel = new.channel then
    perform private.dashboard_channel_bump(v_new_day, new.channel, v_shard, 0, (new.llm_calls - old.llm_calls)::bigint,
                                           new.total_tokens - old.total_tokens, new.cost_usd - old.cost_usd);
  else
    perform private.dashboard_channel_bump(v_old_day, old.channel, v_shard, -1, -old.llm_calls::bigint, -old.total_tokens, -old.cost_usd);
    perform private.dashboard_channel_bump(v_new_day, new.channel, v_shard, 1, new.llm_calls::bigint, new.total_tokens, new.cost_usd);
    delete from public.dashboard_channel_rollup r where r.traces = 0;
  end if;
  return null;
end
$$;

CREATE FUNCTION private.epoch_ms(p_at timestamp with time zone) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select round(extract(epoch from p_at) * 1000, 3)
$$;

CREATE FUNCTION private.erase_channel_data() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  delete from public.whatsapp_inbox i where i.wa_id = old.user_id;
  delete from public.whatsapp_outbox o where o.wa_id = old.user_id;
  delete from public.voice_messages v where v.user_id = old.user_id;
  return null;
end
$$;

CREATE TABLE public.conversation_messages (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    seq bigint NOT NULL,
    session_id uuid NOT NULL,
    user_id text NOT NULL,
    role text NOT NULL,
    content text NOT NULL,
    audio_url text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    client_message_id uuid,
    reply_to uuid,
    is_partial boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    vote text,
    voted_at timestamp with time zone,
    superseded_at timestamp with time zone,
    superseded_by uuid,
    CONSTRAINT conversation_messages_content_check CHECK ((length(content) <= 100000)),
    CONSTRAINT conversation_messages_reply_is_agent CHECK (((reply_to IS NULL) OR (role = 'agent'::text))),
    CONSTRAINT conversation_messages_role_check CHECK ((role = ANY (ARRAY['user'::text, 'agent'::text, 'system'::text]))),
    CONSTRAINT conversation_messages_superseded_by_needs_at CHECK (((superseded_by IS NULL) OR (superseded_at IS NOT NULL))),
    CONSTRAINT conversation_messages_superseded_is_reply CHECK (((superseded_at IS NULL) OR ((role = 'agent'::text) AND (reply_to IS NOT NULL)))),
    CONSTRAINT conversation_messages_vote_check CHECK ((vote = ANY (ARRAY['up'::text, 'down'::text]))),
    CONSTRAINT conversation_messages_vote_on_agent CHECK (((vote IS NULL) OR (role = 'agent'::text)))
);

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

CREATE FUNCTION private.generic_lexemes() RETURNS text[]
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select array(select v.lexeme from unnest(to_tsvector('english'::regconfig,
    'sell product item thing stuff something anything everything recommend recommendation show catalog catalogue offer '
    || 'got need want buy looking help store shop carry available suggest suggestion idea ideas option options')) v)
$$;

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

CREATE FUNCTION private.handoff_agents(p_handoffs jsonb) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  return (
    select coalesce(jsonb_agg(private.agent_json(a.key, a.version) order by a.menu_position), '[]'::jsonb)
      from public.agents a
     where a.is_enabled
       and a.key in (select jsonb_array_elements_text(case when jsonb_typeof(p_handoffs) = 'array' then p_handoffs else '[]'::jsonb end)));
end
$$;

CREATE FUNCTION private.handoff_json(p_reply public.conversation_messages, p_from_reply public.conversation_messages) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('status', 'stored', 'new_session', true,
                            'reply', public.message_json(p_reply), 'session', public.session_json(p_reply.session_id),
                            'handoff', jsonb_build_object('from_session_id', p_from_reply.session_id,
                                                          'from_reply', public.message_json(p_from_reply)))
$$;

CREATE FUNCTION private.history_chars() RETURNS integer
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  -- about 6,000 tokens of conversation (~4 characters per token)
  return 24000;
end
$$;

CREATE FUNCTION private.hit_rate_limit(p_bucket text, p_limit integer) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_hits integer;
begin
  if p_limit is null or p_limit <= 0 then
    return false;
  end if;
  insert into public.rate_limit_buckets as b (bucket, window_start, hits)
  values (left(p_bucket, 100), date_trunc('minute', now()), 1)
  on conflict (bucket, window_start) do update set hits = b.hits + 1
  returning b.hits into v_hits;
  return v_hits > p_limit;
end
$$;

CREATE FUNCTION private.luhn_ok(p_digits text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path TO ''
    AS $_$
declare
  v_sum integer := 0;
  v_digit integer;
  v_double boolean := false;
begin
  if p_digits !~ '^[0-9]+$' then
    return false;
  end if;
  for i in reverse length(p_digits)..1 loop
    v_digit := substr(p_digits, i, 1)::integer;
    if v_double then
      v_digit := v_digit * 2;
      if v_digit > 9 then
        v_digit := v_digit - 9;
      end if;
    end if;
    v_sum := v_sum + v_digit;
    v_double := not v_double;
  end loop;
  return v_sum % 10 = 0;
end
$_$;

CREATE FUNCTION private.mask_pii(p_text text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
declare
  v text := p_text;
  v_match text[];
  v_digits text;
  v_part text;
  v_word text;
begin
  if v is null or v = '' then
    return v;
  end if;
  v := regexp_replace(v, '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}', '[email]', 'g');
  for v_match in select regexp_matches(v, '\d(?:[ -]?\d){12,18}', 'g') loop
    v_digits := regexp_replace(v_match[1], '\D', '', 'g');
    if length(v_digits) between 13 and 19 and private.luhn_ok(v_digits) then
      v := replace(v, v_match[1], '[card]');
    end if;
  end loop;
  v := regexp_replace(v,
    '\m\d{1,5}[A-Za-z]?\s+(?:[A-Z][A-Za-z''.-]*\s+){1,4}'
    || '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy'
    || '|Highway|Hwy|Square|Sq|street|avenue|boulevard)\M\.?',
    '[address]', 'g');
  for v_match in select regexp_matches(v, '(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d[\d .-]{5,}\d', 'g') loop
    if private.phone_like(v_match[1]) then
      v := replace(v, v_match[1], '[phone]');
    elsif length(regexp_replace(v_match[1], '\D', '', 'g')) > 15 then
      -- several numbers in a row: split before each "+" or "(", then at spaces
      for v_part in select regexp_split_to_table(v_match[1], '\s+(?=[+(])') loop
        if private.phone_like(v_part) then
          v := replace(v, v_part, '[phone]');
        else
          for v_word in select regexp_split_to_table(v_part, '\s+') loop
            if private.phone_like(v_word) then
              v := replace(v, v_word, '[phone]');
            end if;
          end loop;
        end if;
      end loop;
    end if;
  end loop;
  return v;
end
$$;

CREATE FUNCTION private.mask_pii_jsonb(p_value jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  case jsonb_typeof(p_value)
    when 'string' then
      return to_jsonb(private.mask_pii(p_value #>> '{}'));
    when 'array' then
      return coalesce((select jsonb_agg(private.mask_pii_jsonb(e.value) order by e.n)
                         from jsonb_array_elements(p_value) with ordinality as e (value, n)), '[]'::jsonb);
    when 'object' then
      return coalesce((select jsonb_object_agg(e.key, private.mask_pii_jsonb(e.value))
                         from jsonb_each(p_value) as e (key, value)), '{}'::jsonb);
    else
      return p_value;
  end case;
end
$$;

CREATE FUNCTION private.mask_stored_message() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if exists (select 1 from public.privacy_settings s where s.id and s.pii_masking = 'all') then
    new.content := private.mask_pii(new.content);
  end if;
  return new;
end
$$;

CREATE FUNCTION private.masked(p_text text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select case when private.masking_outputs() then private.mask_pii(p_text) else p_text end
$$;

CREATE FUNCTION private.masked_jsonb(p_value jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select case when private.masking_outputs() then private.mask_pii_jsonb(p_value) else p_value end
$$;

CREATE FUNCTION private.masking_outputs() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce((select s.pii_masking <> 'off' from public.privacy_settings s where s.id), false)
$$;

CREATE FUNCTION private.menu_pick(p_session_id uuid, p_message text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
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

CREATE FUNCTION private.model_id(p_model_key text) RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION private.open_session(p_user_id text, p_session public.conversation_sessions, p_agent text, p_channel text, p_model_id uuid, p_tracking boolean, p_idle_minutes integer, p_request_id text, OUT session_id uuid, OUT reason text, OUT previous_session_id uuid) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION private.otlp_append(p_key text, p_kind text, p_user_id text, p_session_id uuid, p_payload jsonb, p_cap integer) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_id bigint;
  v_oldest bigint;
  v_depth bigint;
  v_dropped integer;
begin
  insert into public.otlp_outbox (dedupe_key, kind, user_id, session_id, payload)
  values (p_key, p_kind, p_user_id, p_session_id, p_payload)
  on conflict (dedupe_key) do nothing
  returning id into v_id;
  if v_id is null then
    return;
  end if;
  -- cheap bound first (ids only grow), exact count only when it may be over
  select o.id into v_oldest from public.otlp_outbox o order by o.id limit 1;
  if v_id - v_oldest + 1 <= p_cap then
    return;
  end if;
  select count(*) into v_depth from public.otlp_outbox;
  if v_depth > p_cap then
    delete from public.otlp_outbox o
     where o.id in (select x.id from public.otlp_outbox x order by x.id limit v_depth - p_cap for update skip locked);
    get diagnostics v_dropped = row_count;
    update public.privacy_settings s set otlp_dropped = s.otlp_dropped + v_dropped where s.id;
  end if;
end
$$;

CREATE FUNCTION private.otlp_enqueue_turn(p_session_id uuid, p_message_id uuid) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_cfg public.privacy_settings;
  v_q public.conversation_messages;
  v_r public.conversation_messages;
  v_s public.conversation_sessions;
  v_t public.llm_traces;
  v_m public.llm_models;
  v_agent public.agents;
  v_prev uuid;
  v_key text;
  v_trace text;
  v_root text;
  v_mask boolean;
  v_content boolean;
  v_common jsonb;
  v_children jsonb;
  v_in bigint;
  v_out bigint;
  v_first timestamptz;
  v_last timestamptz;
  v_err_type text;
  v_err_msg text;
  v_root_attrs jsonb;
  v_obs public.llm_observations[];
begin
  select * into v_cfg from public.privacy_settings s where s.id;
  if not coalesce(v_cfg.otlp_enabled, false) then
    return;
  end if;
  -- the visitor's question in this session: the message, or its copy made by a handoff
  select * into v_q from public.conversation_messages m
   where m.session_id = p_session_id and m.role = 'user'
     and (m.id = p_message_id or m.metadata ->> 'handoff_from' = p_message_id::text)
   order by (m.id = p_message_id) desc, m.seq
   limit 1;
  if v_q.id is null then
    return;
  end if;
  v_key := 'turn:' || v_q.id || ':' || txid_current();
  if exists (select 1 from public.otlp_outbox o where o.dedupe_key = v_key) then
    return;
  end if;
  select * into v_s from public.conversation_sessions s where s.id = v_q.session_id;
  select * into v_t from public.llm_traces t where t.session_id = v_s.id;
  -- untracked sessions leave no trace anywhere
  if v_t.id is null or not v_s.tracking_enabled then
    return;
  end if;
  select * into v_r from public.conversation_messages r where r.reply_to = v_q.id and r.superseded_at is null; -- the reply the visitor sees ("Try again" supersedes)
  select * into v_m from public.llm_models m where m.id = v_s.model_id;
  select * into v_agent from public.agents a where a.key = v_s.agent_type;
  select e.previous_session_id into v_prev from public.session_events e
   where e.session_id = v_s.id and e.event = 'switched' order by e.id limit 1;

  v_mask := v_cfg.pii_masking <> 'off';
  v_content := v_cfg.otlp_capture_content;
  v_trace := md5(v_key);
  v_root := left(md5('root:' || v_key), 16);
  v_common := jsonb_build_object('gen_ai.conversation.id', v_s.id, 'session.id', v_s.id);

  -- the turn's observations: stored in this transaction (a failed attempt of the same question was
  -- exported on its own) for the question, or for the original question of a handoff
  select coalesce(array_agg(o), '{}') into v_obs from public.llm_observations o
   where o.trace_id = v_t.id
     and o.created_at = now()
     and o.message_id is not null
     and o.message_id::text in (v_q.id::text, v_q.metadata ->> 'handoff_from');

  select coalesce(sum(o.input_tokens) filter (where o.kind = 'generation'), 0),
         coalesce(sum(o.output_tokens) filter (where o.kind = 'generation'), 0),
         min(o.started_at), max(o.ended_at)
    into v_in, v_out, v_first, v_last
    from unnest(v_obs) o;
  select case o.kind when 'tool' then 'tool_error' else o.kind || '_error' end, o.error
    into v_err_type, v_err_msg
    from unnest(v_obs) o where o.status = 'error' order by o.position, o.started_at limit 1;
  if v_err_type is null and v_r.id is null and v_t.status = 'error' then
    v_err_type := 'model_error';
    v_err_msg := v_t.last_error;
  end if;
  if v_mask then
    v_err_msg := private.mask_pii(v_err_msg);
  end if;

  select coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
      'span_id', left(md5('obs:' || v_key || ':' || o.id), 16),
      'parent_span_id', case when o.parent_id is not null
                               and exists (select 1 from unnest(v_obs) p where p.id = o.parent_id)
                             then left(md5('obs:' || v_key || ':' || o.parent_id), 16) else v_root end,
      'name', case o.kind when 'generation' then 'chat ' || coalesce(o.model, o.name)
                          when 'tool' then 'execute_tool ' || o.name
                          else o.kind || ' ' || o.name end,
      'start_ms', private.epoch_ms(o.started_at),
      'end_ms', private.epoch_ms(o.ended_at),
      'status', case when o.status = 'error' then jsonb_build_object(
                  'code', 'error',
                  'message', case when v_mask then private.mask_pii(coalesce(o.error, '')) else coalesce(o.error, '') end) end,
      'attributes', jsonb_strip_nulls(v_common || case o.kind
        when 'generation' then jsonb_build_object(
          'gen_ai.operation.name', 'chat',
          'gen_ai.provider.name', v_m.provider,
          'gen_ai.request.model', coalesce(o.model, v_m.key),
          'gen_ai.response.model', coalesce(o.model, v_m.key),
          'gen_ai.response.finish_reasons', case when o.finish_reason is not null then jsonb_build_array(o.finish_reason) end,
          'gen_ai.usage.input_tokens', o.input_tokens,
          'gen_ai.usage.output_tokens', o.output_tokens,
          'gen_ai.usage.cache_read.input_tokens', o.cached_input_tokens,
          'gen_ai.response.time_to_first_chunk', round(o.time_to_first_token_ms / 1000.0, 3),
          'gen_ai.usage.cost', o.cost_usd,
          'error.type', case when o.status = 'error' then 'generation_error' end)
        when 'tool' then jsonb_build_object(
          'gen_ai.operation.name', 'execute_tool',
          'gen_ai.tool.name', o.name,
          'gen_ai.tool.type', 'function',
          'gen_ai.tool.call.id', o.tool_call_id,
          'gen_ai.tool.call.arguments', case when v_content and o.arguments is not null then
            (case when v_mask then private.mask_pii_jsonb(o.arguments) else o.arguments end)::text end,
          'gen_ai.tool.call.result', case when v_content and o.result is not null then
            (case when v_mask then private.mask_pii_jsonb(o.result) else o.result end)::text end,
          'error.type', case when o.status = 'error' then 'tool_error' end)
        else jsonb_build_object('gen_ai.operation.name', o.kind) end)
    )) order by o.position, o.started_at), '[]'::jsonb)
    into v_children
    from unnest(v_obs) o;

  v_root_attrs := jsonb_strip_nulls(v_common || jsonb_build_object(
    'gen_ai.operation.name', 'invoke_agent',
    'gen_ai.provider.name', v_m.provider,
    'gen_ai.agent.id', v_s.agent_type,
    'gen_ai.agent.name', coalesce(v_agent.name, v_s.agent_type),
    'gen_ai.agent.version', coalesce(v_s.agent_version, v_t.agent_version)::text,
    'gen_ai.request.model', v_m.key,
    'session.previous_id', v_prev,
    'user.id', v_s.user_id,
    'threadline.session.tag', v_s.session_tag,
    'threadline.agent.version', coalesce(v_s.agent_version, v_t.agent_version),
    'threadline.trace.id', v_t.id,
    'threadline.channel', v_s.channel,
    'threadline.reply.partial', case when v_r.is_partial then true end,
    'langfuse.session.id', v_s.id,
    'langfuse.user.id', v_s.user_id,
    'langfuse.trace.name', 'invoke_agent ' || v_s.agent_type,
    'langfuse.trace.tags', jsonb_build_array(v_s.session_tag, v_s.agent_type,
                                             'agent_version:' || coalesce(v_s.agent_version, v_t.agent_version, 0)),
    'gen_ai.usage.input_tokens', case when v_first is not null then v_in end,
    'gen_ai.usage.output_tokens', case when v_first is not null then v_out end,
    'error.type', v_err_type,
    'gen_ai.input.messages', case when v_content then jsonb_build_array(jsonb_build_object(
      'role', 'user', 'parts', jsonb_build_array(jsonb_build_object('type', 'text',
        'content', case when v_mask then private.mask_pii(v_q.content) else v_q.content end))))::text end,
    'gen_ai.output.messages', case when v_content and v_r.id is not null then jsonb_build_array(jsonb_build_object(
      'role', 'assistant', 'parts', jsonb_build_array(jsonb_build_object('type', 'text',
        'content', case when v_mask then private.mask_pii(v_r.content) else v_r.content end))))::text end
  ));

  perform private.otlp_append(v_key, 'turn', v_s.user_id, v_s.id, jsonb_build_object(
    'trace_id', v_trace,
    'spans', jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
      'span_id', v_root,
      'parent_span_id', null,
      'name', 'invoke_agent ' || v_s.agent_type,
      'start_ms', private.epoch_ms(least(v_q.created_at, v_first)),
      'end_ms', private.epoch_ms(greatest(coalesce(v_r.created_at, v_q.created_at), v_last)),
      'status', case when v_err_type is not null then jsonb_build_object('code', 'error', 'message', coalesce(v_err_msg, '')) end,
      'attributes', v_root_attrs
    ))) || v_children
  ), v_cfg.otlp_outbox_cap);
end
$$;

CREATE FUNCTION private.otlp_on_feedback() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_cfg public.privacy_settings;
  v_key text;
  v_comment text;
begin
  select * into v_cfg from public.privacy_settings s where s.id;
  if not coalesce(v_cfg.otlp_enabled, false) then
    return null;
  end if;
  v_key := 'feedback:' || new.id || ':' || gen_random_uuid();
  v_comment := case when v_cfg.otlp_capture_content and new.feedback_comment is not null then
                 case when v_cfg.pii_masking <> 'off' then private.mask_pii(new.feedback_comment) else new.feedback_comment end end;
  perform private.otlp_append(v_key, 'feedback', new.user_id, new.session_id, jsonb_build_object(
    'trace_id', md5(v_key),
    'spans', jsonb_build_array(jsonb_build_object(
      'span_id', left(md5('root:' || v_key), 16),
      'name', 'evaluation user_feedback',
      'start_ms', private.epoch_ms(now()),
      'end_ms', private.epoch_ms(now()),
      'attributes', jsonb_build_object(
        'gen_ai.operation.name', 'evaluation',
        'gen_ai.conversation.id', new.session_id, 'session.id', new.session_id,
        'gen_ai.agent.id', new.agent_type, 'user.id', new.user_id,
        'threadline.session.tag', new.session_tag, 'threadline.trace.id', new.id,
        'langfuse.session.id', new.session_id, 'langfuse.user.id', new.user_id,
        'langfuse.trace.tags', jsonb_build_array(new.session_tag, new.agent_type, 'feedback')),
      'events', jsonb_build_array(jsonb_build_object(
        'name', 'gen_ai.evaluation.result',
        'time_ms', private.epoch_ms(now()),
        'attributes', jsonb_strip_nulls(jsonb_build_object(
          'gen_ai.evaluation.name', 'user_feedback',
          'gen_ai.evaluation.score.label', new.feedback,
          'gen_ai.evaluation.score.value', case new.feedback when 'positive' then 1 else 0 end,
          'gen_ai.evaluation.explanation', v_comment))))
    ))
  ), v_cfg.otlp_outbox_cap);
  return null;
end
$$;

CREATE FUNCTION private.otlp_on_observation() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  perform private.otlp_enqueue_turn(new.session_id, new.message_id);
  return null;
end
$$;

CREATE FUNCTION private.otlp_on_reply() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  perform private.otlp_enqueue_turn(new.session_id, new.reply_to);
  return null;
end
$$;

CREATE FUNCTION private.over_rate_limits(p_user_id text, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION private.phone_like(p_run text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path TO ''
    AS $_$
  select length(regexp_replace(p_run, '\D', '', 'g')) between 7 and 15
     and p_run !~ '^\d{4}-\d{2}-\d{2}$'
     and p_run !~ '^\d+\.\d+$'
$_$;

CREATE FUNCTION private.tags_text(p_tags text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select coalesce(array_to_string(p_tags, ' '), '')
$$;

CREATE TABLE public.products (
    sku text NOT NULL,
    name text NOT NULL,
    category text NOT NULL,
    description text NOT NULL,
    price_cents integer NOT NULL,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    pickup_location text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS ((((setweight(to_tsvector('english'::regconfig, name), 'A'::"char") || setweight(to_tsvector('english'::regconfig, category), 'B'::"char")) || setweight(to_tsvector('english'::regconfig, private.tags_text(tags)), 'B'::"char")) || setweight(to_tsvector('english'::regconfig, description), 'C'::"char"))) STORED,
    search_text text GENERATED ALWAYS AS (lower(((((name || ' '::text) || category) || ' '::text) || private.tags_text(tags)))) STORED,
    CONSTRAINT products_price_cents_check CHECK ((price_cents >= 0)),
    CONSTRAINT products_sku_check CHECK ((sku ~ '^[A-Z0-9-]{1,32}$'::text))
);

CREATE FUNCTION private.product_hit(p public.products, p_rank real, p_featured boolean) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('sku', p.sku, 'name', p.name, 'category', p.category, 'description', p.description,
                            'price_cents', p.price_cents, 'tags', to_jsonb(p.tags), 'pickup_location', p.pickup_location,
                            'rank', round(p_rank::numeric, 4), 'featured', p_featured)
$$;

CREATE FUNCTION private.queue_message_audio() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  insert into public.audio_deletions (name)
  select distinct private.audio_name(g.audio_url) from gone g where private.audio_name(g.audio_url) is not null
   order by 1
  on conflict (name) do nothing;
  return null;
end
$$;

CREATE FUNCTION private.queue_voice_audio() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  insert into public.audio_deletions (name)
  select distinct private.audio_name(g.audio_url) from gone g
   where private.audio_name(g.audio_url) is not null
     and not exists (select 1 from public.conversation_messages m where m.audio_url = g.audio_url)
   order by 1
  on conflict (name) do nothing;
  return null;
end
$$;

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

CREATE FUNCTION private.regenerate_turn(p_user_id text, p_action jsonb, p_client_message_id uuid, p_history_limit integer) RETURNS jsonb
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
$_$;

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

CREATE FUNCTION private.resolve_session(p_user_id text, p_session_id uuid, p_channel text, p_is_press boolean) RETURNS public.conversation_sessions
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION private.retention_drop_observation_partitions(p_days integer) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
declare
  v_managed integer;
  v_dropped integer;
begin
  if to_regclass('partman.part_config') is null then
    return 0;
  end if;
  execute 'select count(*)::int from partman.part_config c where c.parent_table = $1' into v_managed using 'public.llm_observations';
  if v_managed = 0 then
    return 0;
  end if;
  update public.llm_traces t set conversation_removed_at = now()
   where t.conversation_removed_at is null
     and t.id in (select o.trace_id from public.llm_observations o where o.created_at < now() - make_interval(days => p_days));
  execute 'select partman.drop_partition_time($1, $2, p_keep_table => false)'
     into v_dropped using 'public.llm_observations', make_interval(days => p_days);
  return coalesce(v_dropped, 0);
end
$_$;

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

CREATE FUNCTION private.trace_channel() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  select s.channel into new.channel from public.conversation_sessions s where s.id = new.session_id;
  new.channel := coalesce(new.channel, 'web');
  return new;
end
$$;

CREATE FUNCTION private.turn_gate(p_user_id text, p_client_message_id uuid, p_action jsonb, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer, p_history_limit integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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
    -- the sessions ended so this one could start, with their figures (logged as session.ended)
    'ended', case when p_new and p_status in ('started', 'answered') then public.turn_endings(p_session_id) else '[]'::jsonb end
  ) || public.session_context(p_session_id, p_history_limit);
end
$$;

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

CREATE FUNCTION private.voice_audio_url() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  select v.audio_url into new.audio_url from public.voice_messages v
   where v.user_id = new.user_id and v.client_message_id = new.client_message_id;
  return new;
end
$$;

CREATE FUNCTION private.whatsapp_on_reply() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
begin
  insert into public.whatsapp_outbox (dedupe_key, message_id, wa_id)
  select 'message:' || new.id, new.id, s.user_id
    from public.conversation_sessions s
   where s.id = new.session_id and s.channel = 'whatsapp' and s.user_id ~ '^[0-9]{1,32}$'
  on conflict (dedupe_key) do nothing;
  return null;
end
$_$;

CREATE FUNCTION public.ack_otlp_outbox(p_ids jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_count integer;
begin
  delete from public.otlp_outbox o where o.id in (select x::bigint from jsonb_array_elements_text(p_ids) as x);
  get diagnostics v_count = row_count;
  return jsonb_build_object('sent', v_count);
end
$$;

CREATE FUNCTION public.agents_bump_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if (new.name, new.description, new.instructions, new.greeting, new.model_key, new.tools, new.handoffs, new.is_enabled)
     is distinct from
     (old.name, old.description, old.instructions, old.greeting, old.model_key, old.tools, old.handoffs, old.is_enabled) then
    new.version := old.version + 1;
    new.updated_at := now();
  else
    new.version := old.version;
  end if;
  return new;
end
$$;

CREATE FUNCTION public.agents_check_handoffs() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_unknown text;
begin
  if tg_table_name = 'agents' and tg_op <> 'DELETE' then
    select h into v_unknown from unnest(new.handoffs) h
     where not exists (select 1 from public.agents a where a.key = h) limit 1;
    if v_unknown is not null then
      raise exception using errcode = '23503', message = format('agent %s hands off to unknown agent %s', new.key, v_unknown);
    end if;
  end if;
  if tg_op = 'DELETE' then
    select a.key into v_unknown from public.agents a where old.key = any (a.handoffs) limit 1;
    if v_unknown is not null then
      raise exception using errcode = '23503', message = format('agent %s still hands off to %s', v_unknown, old.key),
        hint = 'Disable the agent (is_enabled = false) instead of deleting it.';
    end if;
  end if;
  return null;
end
$$;

CREATE FUNCTION public.agents_check_tools() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_unknown text;
begin
  select t into v_unknown from unnest(new.tools) t
   where not exists (select 1 from public.agent_tools r where r.name = t) limit 1;
  if v_unknown is not null then
    raise exception using errcode = '23503', message = format('agent %s names unknown tool %s', new.key, v_unknown),
      hint = 'Tools are code: the registered ones are listed in public.agent_tools.';
  end if;
  return new;
end
$$;

CREATE FUNCTION public.agents_continue_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_last integer;
begin
  select max(v.version) into v_last from public.agent_versions v where v.agent_key = new.key;
  new.version := greatest(new.version, coalesce(v_last + 1, 1));
  return new;
end
$$;

CREATE FUNCTION public.agents_snapshot_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'UPDATE' and new.version = old.version then
    return null;
  end if;
  insert into public.agent_versions (agent_key, version, name, description, instructions, greeting, model_key, tools, handoffs)
  values (new.key, new.version, new.name, new.description, new.instructions, new.greeting, new.model_key, new.tools, new.handoffs)
  on conflict (agent_key, version) do nothing;
  return null;
end
$$;

CREATE FUNCTION public.app_health() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_version text;
begin
  begin
    select max(v.version) into v_version from supabase_migrations.schema_migrations v;
  exception when others then
    v_version := null;
  end;
  return jsonb_build_object('ok', true, 'migration_version', v_version, 'now', now());
end
$$;

CREATE FUNCTION public.apply_retention(p_batch integer DEFAULT 10000) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_days integer;
  v_cutoff timestamptz;
  v_partitions integer := 0;
  v_observations integer := 0;
  v_messages integer := 0;
  v_voice integer := 0;
begin
  if p_batch is null or p_batch < 1 then
    raise exception using errcode = 'PT400', message = 'bad_request:retention', detail = 'The batch size must be at least 1.';
  end if;
  select r.retention_days into v_days from public.retention_settings r where r.id;
  if v_days is null then
    return jsonb_build_object('retention_days', null, 'cutoff', null, 'partitions_dropped', 0,
      'observations_deleted', 0, 'messages_deleted', 0, 'voice_messages_deleted', 0, 'more', false);
  end if;
  v_cutoff := now() - make_interval(days => v_days);

  -- traces whose steps or messages go keep their figures and get the marker
  v_partitions := private.retention_drop_observation_partitions(v_days);

  with old as (
    select o.id, o.created_at from public.llm_observations o
     where o.created_at < v_cutoff limit p_batch
  ), gone as (
    delete from public.llm_observations o using old where o.id = old.id and o.created_at = old.created_at
    returning o.trace_id
  ), marked as (
    update public.llm_traces t set conversation_removed_at = now()
     where t.conversation_removed_at is null and t.id in (select g.trace_id from gone g)
  )
  select count(*)::int into v_observations from gone;

  with old as (
    select m.id from public.conversation_messages m
     where m.created_at < v_cutoff
       and not exists (select 1 from public.conversation_messages r where r.reply_to = m.id and r.created_at >= v_cutoff)
       and not exists (select 1 from public.llm_observations o where o.message_id = m.id and o.created_at >= v_cutoff)
     limit p_batch
  ), gone as (
    delete from public.conversation_messages m using old where m.id = old.id
    returning m.session_id
  ), marked as (
    update public.llm_traces t set conversation_removed_at = now()
     where t.conversation_removed_at is null and t.session_id in (select g.session_id from gone g)
  )
  select count(*)::int into v_messages from gone;

  with old as (
    select v.user_id, v.client_message_id from public.voice_messages v
     where v.created_at < v_cutoff
       and not exists (select 1 from public.conversation_messages m
                        where m.user_id = v.user_id and m.client_message_id = v.client_message_id and m.created_at >= v_cutoff)
     limit p_batch
  ), gone as (
    delete from public.voice_messages v using old
     where v.user_id = old.user_id and v.client_message_id = old.client_message_id
    returning 1
  )
  select count(*)::int into v_voice from gone;

  return jsonb_build_object('retention_days', v_days, 'cutoff', v_cutoff, 'partitions_dropped', v_partitions,
    'observations_deleted', v_observations, 'messages_deleted', v_messages, 'voice_messages_deleted', v_voice,
    'more', v_observations = p_batch or v_messages = p_batch or v_voice = p_batch);
end
$$;

CREATE FUNCTION public.audio_owned_by(p_audio_url text, p_user_id text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('owned',
    exists (select 1 from public.conversation_messages m where m.audio_url = p_audio_url and m.user_id = p_user_id)
    or exists (select 1 from public.voice_messages v where v.audio_url = p_audio_url and v.user_id = p_user_id));
$$;

CREATE FUNCTION public.begin_turn(p_user_id text, p_message text DEFAULT NULL::text, p_session_id uuid DEFAULT NULL::uuid, p_agent text DEFAULT NULL::text, p_default_agent text DEFAULT 'product_recommendation'::text, p_model_key text DEFAULT 'offline'::text, p_tracking boolean DEFAULT true, p_client_message_id uuid DEFAULT NULL::uuid, p_action jsonb DEFAULT NULL::jsonb, p_channel text DEFAULT 'web'::text, p_idle_minutes integer DEFAULT 1440, p_rate_limit integer DEFAULT 0, p_client_ip text DEFAULT NULL::text, p_ip_rate_limit integer DEFAULT 0, p_history_limit integer DEFAULT 20, p_request_id text DEFAULT NULL::text) RETURNS jsonb
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

CREATE FUNCTION public.catalog_products() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(jsonb_agg(jsonb_build_object(
    'sku', p.sku, 'name', p.name, 'category', p.category, 'description', p.description,
    'price_cents', p.price_cents, 'tags', to_jsonb(p.tags), 'pickup_location', p.pickup_location
  ) order by p.sku), '[]'::jsonb)
  from public.products p
$$;

CREATE FUNCTION public.claim_audio_deletions(p_limit integer DEFAULT 100, p_lease_seconds integer DEFAULT 300) RETURNS jsonb
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  with due as (
    select d.name from public.audio_deletions d
     where d.next_attempt_at <= now()
     order by d.next_attempt_at, d.name
     limit least(greatest(coalesce(p_limit, 100), 1), 1000)
     for update skip locked
  ), claimed as (
    update public.audio_deletions d
       set attempts = d.attempts + 1,
           next_attempt_at = now() + make_interval(secs => least(greatest(coalesce(p_lease_seconds, 300), 1), 86400))
      from due where d.name = due.name
    returning d.name
  )
  select coalesce(jsonb_agg(c.name order by c.name), '[]'::jsonb) from claimed c;
$$;

CREATE FUNCTION public.claim_otlp_outbox(p_limit integer DEFAULT 100, p_lease_seconds integer DEFAULT 60) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_rows jsonb;
begin
  with picked as (
    select o.id from public.otlp_outbox o
     where o.next_attempt_at <= clock_timestamp()
       and (o.claimed_until is null or o.claimed_until < clock_timestamp())
     order by o.id
     limit greatest(1, least(coalesce(p_limit, 100), 1000))
     for update skip locked
  ), claimed as (
    update public.otlp_outbox o
       set claimed_until = clock_timestamp() + make_interval(secs => greatest(1, coalesce(p_lease_seconds, 60))),
           attempts = o.attempts + 1
      from picked
     where o.id = picked.id
    returning o.id, o.kind, o.payload, o.attempts
  )
  select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'kind', c.kind, 'payload', c.payload, 'attempts', c.attempts)
                            order by c.id), '[]'::jsonb)
    into v_rows
    from claimed c;
  return v_rows;
end
$$;

CREATE FUNCTION public.claim_whatsapp_inbox(p_limit integer DEFAULT 20, p_lease_seconds integer DEFAULT 120, p_ids jsonb DEFAULT NULL::jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_rows jsonb;
begin
  with picked as (
    select i.wa_message_id from public.whatsapp_inbox i
     where i.processed_at is null
       and i.next_attempt_at <= clock_timestamp()
       and (i.claimed_until is null or i.claimed_until < clock_timestamp())
       and (p_ids is null or i.wa_message_id in (select x from jsonb_array_elements_text(p_ids) x))
     order by i.created_at, i.wa_message_id
     limit greatest(1, least(coalesce(p_limit, 20), 500))
     for update skip locked
  ), claimed as (
    update public.whatsapp_inbox i
       set claimed_until = clock_timestamp() + make_interval(secs => greatest(1, coalesce(p_lease_seconds, 120))),
           attempts = i.attempts + 1
      from picked
     where i.wa_message_id = picked.wa_message_id
    returning i.wa_message_id, i.wa_id, i.message, i.attempts, i.created_at
  )
  select coalesce(jsonb_agg(jsonb_build_object('id', c.wa_message_id, 'wa_id', c.wa_id, 'message', c.message,
                                               'attempts', c.attempts) order by c.created_at, c.wa_message_id), '[]'::jsonb)
    into v_rows from claimed c;
  return v_rows;
end
$$;

CREATE FUNCTION public.claim_whatsapp_outbox(p_limit integer DEFAULT 20, p_lease_seconds integer DEFAULT 60) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_rows jsonb;
begin
  with picked as (
    select o.id from public.whatsapp_outbox o
     where o.sent_at is null
       and o.next_attempt_at <= clock_timestamp()
       and (o.claimed_until is null or o.claimed_until < clock_timestamp())
     order by o.id
     limit greatest(1, least(coalesce(p_limit, 20), 500))
     for update skip locked
  ), claimed as (
    update public.whatsapp_outbox o
       set claimed_until = clock_timestamp() + make_interval(secs => greatest(1, coalesce(p_lease_seconds, 60))),
           attempts = o.attempts + 1
      from picked
     where o.id = picked.id
    returning o.id, o.message_id, o.notice, o.wa_id, o.parts_sent, o.attempts
  )
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', c.id, 'wa_id', c.wa_id, 'parts_sent', c.parts_sent, 'attempts', c.attempts,
           'message_id', c.message_id,
           'content', coalesce(m.content, c.notice),
           'buttons', coalesce(m.metadata -> 'buttons', '[]'::jsonb),
           'audio_url', m.audio_url) order by c.id), '[]'::jsonb)
    into v_rows
    from claimed c left join public.conversation_messages m on m.id = c.message_id;
  return v_rows;
end
$$;

CREATE FUNCTION public.close_idle_sessions(p_idle_minutes integer, p_batch integer DEFAULT 500) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION public.close_session(p_session_id uuid, p_reason text, p_event text, p_request_id text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION public.configure_privacy(p_pii_masking text DEFAULT 'off'::text, p_otlp_enabled boolean DEFAULT false, p_capture_content boolean DEFAULT false, p_outbox_cap integer DEFAULT 10000) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v public.privacy_settings;
begin
  if p_pii_masking is null or p_pii_masking not in ('off', 'export', 'all') then
    raise exception using errcode = 'PT400', message = 'bad_request:privacy',
      detail = 'PII_MASKING must be off, export or all.';
  end if;
  update public.privacy_settings s
     set pii_masking = p_pii_masking,
         otlp_enabled = coalesce(p_otlp_enabled, false),
         otlp_capture_content = coalesce(p_capture_content, false),
         otlp_outbox_cap = greatest(1, coalesce(p_outbox_cap, 10000)),
         updated_at = now()
   where s.id
  returning * into v;
  return jsonb_build_object('pii_masking', v.pii_masking, 'otlp_enabled', v.otlp_enabled,
                            'otlp_capture_content', v.otlp_capture_content, 'otlp_outbox_cap', v.otlp_outbox_cap);
end
$$;

CREATE FUNCTION public.configure_retention(p_days integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if p_days is not null and (p_days < 1 or p_days > 36500) then
    raise exception using errcode = 'PT400', message = 'bad_request:retention',
      detail = 'Retention days must be between 1 and 36500, or null to keep everything.';
  end if;
  update public.retention_settings r set retention_days = p_days, updated_at = now()
   where r.id and r.retention_days is distinct from p_days;
  return jsonb_build_object('retention_days', p_days);
end
$$;

CREATE FUNCTION public.count_new_visitor(p_client_ip text, p_limit integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_limited boolean;
begin
  v_limited := private.hit_rate_limit('visitors:' || coalesce(p_client_ip, ''), p_limit);
  return jsonb_build_object('limited', v_limited,
    'retry_after', case when v_limited then public.rate_limit_retry_after() else 0 end);
end
$$;

CREATE FUNCTION public.dashboard_channels(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  if p_from is not null and p_to is not null and p_from >= p_to then
    raise exception using errcode = 'PT400', message = 'bad_request:dashboard', detail = 'from must be before to.';
  end if;
  return coalesce((
    select jsonb_agg(jsonb_build_object('channel', c.channel, 'traces', c.traces, 'llm_calls', c.llm_calls,
                                        'total_tokens', c.total_tokens, 'cost_usd', c.cost_usd)
                     order by c.traces desc, c.channel)
      from (select u.channel, sum(u.traces) as traces, sum(u.llm_calls) as llm_calls, sum(u.total_tokens) as total_tokens,
                   sum(u.cost_usd) as cost_usd
              from (
                select r.* from public.dashboard_window(p_from, p_to) w
                  join public.dashboard_channel_rollup r
                    on r.day >= coalesce(w.first_day, '-infinity'::date) and r.day < coalesce(w.end_day, 'infinity'::date)
                union all
                select e.* from public.dashboard_window(p_from, p_to) w
                  cross join lateral private.dashboard_channel_rollup_of(p_from, w.edge_lo) e
                union all
                select e.* from public.dashboard_window(p_from, p_to) w
                  cross join lateral private.dashboard_channel_rollup_of(w.edge_hi, p_to) e
              ) u
             group by u.channel
            having sum(u.traces) > 0) c), '[]'::jsonb);
end
$$;

CREATE FUNCTION public.dashboard_daily(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(day date, traces bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint, positive bigint, negative bigint, cost_usd numeric)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.* from jsonb_to_recordset(public.dashboard_figures(p_from, p_to) -> 'per_day') as x(
    day date, traces bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
    positive bigint, negative bigint, cost_usd numeric)
   order by x.day
$$;

CREATE FUNCTION public.dashboard_experiments(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(experiment_name text, traces bigint, visitors bigint, llm_calls bigint, total_tokens bigint, avg_llm_calls numeric, avg_tokens numeric, avg_tokens_per_call numeric, avg_latency_ms_per_call numeric, positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.experiment_name, x.traces, x.visitors, x.llm_calls, x.total_tokens, x.avg_llm_calls, x.avg_tokens, x.avg_tokens_per_call,
         x.avg_latency_ms_per_call, x.positive, x.negative, x.pending, x.positive_ratio, x.errors
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'experiments') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(
     experiment_name text, traces bigint, visitors bigint, llm_calls bigint, total_tokens bigint,
     avg_llm_calls numeric, avg_tokens numeric, avg_tokens_per_call numeric, avg_latency_ms_per_call numeric,
     positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint)
   order by e.i
$$;

CREATE FUNCTION public.dashboard_feedback_by_agent(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(agent_type text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.agent_type, x.traces, x.positive, x.negative, x.pending, x.positive_ratio
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'feedback_by_agent') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(agent_type text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
   order by e.i
$$;

CREATE FUNCTION public.dashboard_feedback_by_model(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(model_key text, model_name text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.model_key, x.model_name, x.traces, x.positive, x.negative, x.pending, x.positive_ratio
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'feedback_by_model') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(model_key text, model_name text, traces bigint, positive bigint, negative bigint,
                                                   pending bigint, positive_ratio numeric)
   order by e.i
$$;

CREATE FUNCTION public.dashboard_figures(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with g as materialized (
    select case when grouping(s.day) = 0 then 'day' when grouping(s.agent_type) = 0 then 'agent'
                when grouping(s.model_id) = 0 then 'model' when grouping(s.experiment_name) = 0 then 'experiment'
                else 'all' end as dim,
           s.day, s.agent_type, s.model_id, s.experiment_name,
           coalesce(sum(s.traces), 0)::bigint as traces, coalesce(sum(s.llm_calls), 0)::bigint as llm_calls,
           coalesce(sum(s.input_tokens), 0)::bigint as input_tokens, coalesce(sum(s.output_tokens), 0)::bigint as output_tokens,
           coalesce(sum(s.input_tokens + s.output_tokens), 0)::bigint as total_tokens,
           coalesce(sum(s.latency_ms), 0)::bigint as latency_ms, coalesce(sum(s.cost_usd), 0) as cost_usd,
           coalesce(sum(s.tool_calls), 0)::bigint as tool_calls, coalesce(sum(s.traces_with_errors), 0)::bigint as traces_with_errors,
           coalesce(sum(s.errors), 0)::bigint as errors, coalesce(sum(s.positive), 0)::bigint as positive,
           coalesce(sum(s.negative), 0)::bigint as negative, coalesce(sum(s.pending), 0)::bigint as pending,
           coalesce(sum(s.votes_up), 0)::bigint as votes_up, coalesce(sum(s.votes_down), 0)::bigint as votes_down,
           array[coalesce(sum(s.calls_0), 0), coalesce(sum(s.calls_1), 0), coalesce(sum(s.calls_2), 0), coalesce(sum(s.calls_3), 0),
                 coalesce(sum(s.calls_4), 0), coalesce(sum(s.calls_5), 0), coalesce(sum(s.calls_6_10), 0),
                 coalesce(sum(s.calls_11_20), 0), coalesce(sum(s.calls_21_up), 0)]::bigint[] as buckets
      from public.dashboard_slices(p_from, p_to) s
     group by grouping sets ((), (s.day), (s.agent_type), (s.model_id), (s.experiment_name))
  ),
  -- ratios shared by the groups (positive_ratio = positive / rated, null when nothing is rated)
  f as (
    select g.*, round(g.positive::numeric / nullif(g.positive + g.negative, 0), 4) as positive_ratio,
           round(g.cost_usd / nullif(g.traces, 0), 8) as avg_cost_usd,
           round(g.llm_calls::numeric / nullif(g.traces, 0), 2) as avg_llm_calls,
           round(g.total_tokens::numeric / nullif(g.traces, 0), 1) as avg_tokens,
           round(g.total_tokens::numeric / nullif(g.llm_calls, 0), 1) as avg_tokens_per_call,
           round(g.latency_ms::numeric / nullif(g.llm_calls, 0), 1) as avg_latency_ms_per_call
      from g
  ),
  -- distinct (visitor, experiment) pairs by hashing (a count(distinct) would sort them by collation)
  pairs as materialized (
    select p.user_id, p.experiment_name from public.dashboard_visitor_pairs(p_from, p_to) p group by p.user_id, p.experiment_name
  ),
  v as (
    select true as everyone, null::text as experiment_name,
           (select count(*) from (select x.user_id from pairs x group by x.user_id) u) as visitors
    union all
    select false, x.experiment_name, count(*) from pairs x group by x.experiment_name
  ),
  bounds as (
    select coalesce((p_from at time zone 'UTC')::date, min(f.day)) as first_day,
           coalesce(((p_to - interval '1 microsecond') at time zone 'UTC')::date,
                    greatest(max(f.day), (now() at time zone 'UTC')::date)) as last_day
      from f where f.dim = 'day'
  ),
  days as (
    select d::date as day
      from bounds b, generate_series(greatest(b.first_day, b.last_day - 365)::timestamp, b.last_day::timestamp, interval '1 day') d
  )
  select jsonb_build_object(
    'totals', (
      select jsonb_build_object(
        'traces', a.traces, 'visitors', coalesce((select v.visitors from v where v.everyone), 0), 'llm_calls', a.llm_calls,
        'input_tokens', a.input_tokens, 'output_tokens', a.output_tokens, 'total_tokens', a.total_tokens, 'latency_ms', a.latency_ms,
        'avg_llm_calls', a.avg_llm_calls, 'avg_tokens', a.avg_tokens, 'avg_latency_ms_per_call', a.avg_latency_ms_per_call,
        'positive', a.positive, 'negative', a.negative, 'pending', a.pending, 'positive_ratio', a.positive_ratio, 'errors', a.errors,
        -- from the index on created_at: exact at any range
        'first_trace_at', (select min(t.created_at) from public.llm_traces t
                            where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)),
        'last_trace_at', (select max(t.created_at) from public.llm_traces t
                           where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)),
        'cost_usd', a.cost_usd, 'avg_cost_usd', a.avg_cost_usd, 'tool_calls', a.tool_calls,
        'traces_with_errors', a.traces_with_errors, 'votes_up', a.votes_up, 'votes_down', a.votes_down)
        from f a where a.dim = 'all'),
    -- every day of the range (at most the last 366), empty days as zeros
    'per_day', coalesce((
      select jsonb_agg(jsonb_build_object(
               'day', d.day, 'traces', coalesce(x.traces, 0), 'llm_calls', coalesce(x.llm_calls, 0),
               'input_tokens', coalesce(x.input_tokens, 0), 'output_tokens', coalesce(x.output_tokens, 0),
               'total_tokens', coalesce(x.total_tokens, 0), 'positive', coalesce(x.positive, 0),
               'negative', coalesce(x.negative, 0), 'cost_usd', coalesce(x.cost_usd, 0)) order by d.day)
        from days d left join f x on x.dim = 'day' and x.day = d.day), '[]'::jsonb),
    -- how many sessions made how many LLM calls (every bucket, empty ones as zeros)
    'llm_calls_distribution', (
      select jsonb_agg(jsonb_build_object('bucket', b.bucket, 'min_calls', b.lo, 'max_calls', b.hi, 'sessions', a.buckets[b.ord])
                       order by b.ord)
        from f a cross join (values (1, '0', 0, 0), (2, '1', 1, 1), (3, '2', 2, 2), (4, '3', 3, 3), (5, '4', 4, 4), (6, '5', 5, 5),
                                    (7, '6–10', 6, 10), (8, '11–20', 11, 20), (9, '21+', 21, null::integer)) b(ord, bucket, lo, hi)
       where a.dim = 'all'),
    'feedback_by_agent', coalesce((
      select jsonb_agg(jsonb_build_object('agent_type', x.agent_type, 'traces', x.traces, 'positive', x.positive,
                                          'negative', x.negative, 'pending', x.pending, 'positive_ratio', x.positive_ratio)
                       order by x.traces desc, x.agent_type)
        from f x where x.dim = 'agent'), '[]'::jsonb),
    'feedback_by_model', coalesce((
      select jsonb_agg(jsonb_build_object('model_key', m.key, 'model_name', m.name, 'traces', x.traces, 'positive', x.positive,
                                          'negative', x.negative, 'pending', x.pending, 'positive_ratio', x.positive_ratio)
                       order by x.traces desc, m.key)
        from f x join public.llm_models m on m.id = x.model_id where x.dim = 'model'), '[]'::jsonb),
    -- cost, calls, failed steps and message votes per agent and per model
    'usage_by_agent', coalesce((
      select jsonb_agg(jsonb_build_object('agent_type', x.agent_type, 'traces', x.traces, 'llm_calls', x.llm_calls,
                                          'tool_calls', x.tool_calls, 'traces_with_errors', x.traces_with_errors, 'cost_usd', x.cost_usd,
                                          'avg_cost_usd', x.avg_cost_usd, 'votes_up', x.votes_up, 'votes_down', x.votes_down)
                       order by x.cost_usd desc, x.traces desc, x.agent_type)
        from f x where x.dim = 'agent'), '[]'::jsonb),
    'usage_by_model', coalesce((
      select jsonb_agg(jsonb_build_object('model_key', m.key, 'model_name', m.name, 'traces', x.traces, 'llm_calls', x.llm_calls,
                                          'tool_calls', x.tool_calls, 'traces_with_errors', x.traces_with_errors, 'cost_usd', x.cost_usd,
                                          'avg_cost_usd', x.avg_cost_usd, 'votes_up', x.votes_up, 'votes_down', x.votes_down)
                       order by x.cost_usd desc, x.traces desc, m.key)
        from f x join public.llm_models m on m.id = x.model_id where x.dim = 'model'), '[]'::jsonb),
    -- one row per experiment_name (traces without one are left out), most traces first
    'experiments', coalesce((
      select jsonb_agg(jsonb_build_object(
               'experiment_name', x.experiment_name, 'traces', x.traces,
               'visitors', coalesce((select v.visitors from v where not v.everyone and v.experiment_name = x.experiment_name), 0),
               'llm_calls', x.llm_calls, 'total_tokens', x.total_tokens, 'avg_llm_calls', x.avg_llm_calls, 'avg_tokens', x.avg_tokens,
               'avg_tokens_per_call', x.avg_tokens_per_call, 'avg_latency_ms_per_call', x.avg_latency_ms_per_call,
               'positive', x.positive, 'negative', x.negative, 'pending', x.pending, 'positive_ratio', x.positive_ratio, 'errors', x.errors)
             order by x.traces desc, x.experiment_name)
        from f x where x.dim = 'experiment' and x.experiment_name is not null), '[]'::jsonb))
$$;

CREATE FUNCTION public.dashboard_llm_calls_distribution(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(bucket text, min_calls integer, max_calls integer, sessions bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.* from jsonb_to_recordset(public.dashboard_figures(p_from, p_to) -> 'llm_calls_distribution') as x(
    bucket text, min_calls integer, max_calls integer, sessions bigint)
   order by x.min_calls
$$;

CREATE TABLE public.llm_traces (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    session_id uuid NOT NULL,
    session_tag text NOT NULL,
    user_id text NOT NULL,
    agent_type text NOT NULL,
    model_id uuid NOT NULL,
    experiment_name text,
    llm_calls integer DEFAULT 0 NOT NULL,
    input_tokens bigint DEFAULT 0 NOT NULL,
    output_tokens bigint DEFAULT 0 NOT NULL,
    total_tokens bigint GENERATED ALWAYS AS ((input_tokens + output_tokens)) STORED,
    latency_ms bigint DEFAULT 0 NOT NULL,
    status text DEFAULT 'started'::text NOT NULL,
    last_error text,
    feedback text DEFAULT 'pending'::text NOT NULL,
    feedback_comment text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    agent_version integer,
    cost_usd numeric(16,8) DEFAULT 0 NOT NULL,
    tool_calls integer DEFAULT 0 NOT NULL,
    error_count integer DEFAULT 0 NOT NULL,
    tools_used text[] DEFAULT '{}'::text[] NOT NULL,
    votes_up integer DEFAULT 0 NOT NULL,
    votes_down integer DEFAULT 0 NOT NULL,
    channel text DEFAULT 'web'::text NOT NULL,
    conversation_removed_at timestamp with time zone,
    CONSTRAINT llm_traces_channel_check CHECK ((channel ~ '^[a-z][a-z0-9_]{0,31}$'::text)),
    CONSTRAINT llm_traces_cost_usd_check CHECK ((cost_usd >= (0)::numeric)),
    CONSTRAINT llm_traces_error_count_check CHECK ((error_count >= 0)),
    CONSTRAINT llm_traces_feedback_check CHECK ((feedback = ANY (ARRAY['pending'::text, 'positive'::text, 'negative'::text]))),
    CONSTRAINT llm_traces_feedback_comment_check CHECK ((length(feedback_comment) <= 2000)),
    CONSTRAINT llm_traces_input_tokens_check CHECK ((input_tokens >= 0)),
    CONSTRAINT llm_traces_latency_ms_check CHECK ((latency_ms >= 0)),
    CONSTRAINT llm_traces_llm_calls_check CHECK ((llm_calls >= 0)),
    CONSTRAINT llm_traces_output_tokens_check CHECK ((output_tokens >= 0)),
    CONSTRAINT llm_traces_status_check CHECK ((status = ANY (ARRAY['started'::text, 'ok'::text, 'error'::text]))),
    CONSTRAINT llm_traces_tool_calls_check CHECK ((tool_calls >= 0)),
    CONSTRAINT llm_traces_votes_down_check CHECK ((votes_down >= 0)),
    CONSTRAINT llm_traces_votes_up_check CHECK ((votes_up >= 0))
);

CREATE FUNCTION public.dashboard_rollup_add(p_trace public.llm_traces, p_sign integer) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  insert into public.dashboard_rollup as r values (
    (p_trace.created_at at time zone 'UTC')::date, p_trace.agent_type, p_trace.model_id, p_trace.experiment_name,
    (get_byte(uuid_send(p_trace.id), 15) % 8)::smallint,
    p_sign, p_sign * p_trace.llm_calls, p_sign * p_trace.input_tokens, p_sign * p_trace.output_tokens,
    p_sign * p_trace.latency_ms, p_sign * p_trace.cost_usd, p_sign * p_trace.tool_calls,
    p_sign * (p_trace.error_count > 0)::int, p_sign * (p_trace.status = 'error')::int,
    p_sign * (p_trace.feedback = 'positive')::int, p_sign * (p_trace.feedback = 'negative')::int,
    p_sign * (p_trace.feedback = 'pending')::int, p_sign * p_trace.votes_up, p_sign * p_trace.votes_down,
    p_sign * (p_trace.llm_calls = 0)::int, p_sign * (p_trace.llm_calls = 1)::int, p_sign * (p_trace.llm_calls = 2)::int,
    p_sign * (p_trace.llm_calls = 3)::int, p_sign * (p_trace.llm_calls = 4)::int, p_sign * (p_trace.llm_calls = 5)::int,
    p_sign * (p_trace.llm_calls between 6 and 10)::int, p_sign * (p_trace.llm_calls between 11 and 20)::int,
    p_sign * (p_trace.llm_calls >= 21)::int)
  on conflict (day, agent_type, model_id, experiment_name, shard) do update set
    traces = r.traces + excluded.traces, llm_calls = r.llm_calls + excluded.llm_calls,
    input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
    latency_ms = r.latency_ms + excluded.latency_ms, cost_usd = r.cost_usd + excluded.cost_usd,
    tool_calls = r.tool_calls + excluded.tool_calls, traces_with_errors = r.traces_with_errors + excluded.traces_with_errors,
    errors = r.errors + excluded.errors, positive = r.positive + excluded.positive, negative = r.negative + excluded.negative,
    pending = r.pending + excluded.pending, votes_up = r.votes_up + excluded.votes_up, votes_down = r.votes_down + excluded.votes_down,
    calls_0 = r.calls_0 + excluded.calls_0, calls_1 = r.calls_1 + excluded.calls_1, calls_2 = r.calls_2 + excluded.calls_2,
    calls_3 = r.calls_3 + excluded.calls_3, calls_4 = r.calls_4 + excluded.calls_4, calls_5 = r.calls_5 + excluded.calls_5,
    calls_6_10 = r.calls_6_10 + excluded.calls_6_10, calls_11_20 = r.calls_11_20 + excluded.calls_11_20,
    calls_21_up = r.calls_21_up + excluded.calls_21_up;
  insert into public.dashboard_visitor_days as v (day, user_id, experiment_name, traces)
  values ((p_trace.created_at at time zone 'UTC')::date, p_trace.user_id, p_trace.experiment_name, p_sign)
  on conflict (day, user_id, experiment_name) do update set traces = v.traces + excluded.traces;
  insert into public.dashboard_visitors as v (user_id, experiment_name, traces)
  values (p_trace.user_id, p_trace.experiment_name, p_sign)
  on conflict (user_id, experiment_name) do update set traces = v.traces + excluded.traces;
$$;

CREATE TABLE public.dashboard_rollup (
    day date NOT NULL,
    agent_type text NOT NULL,
    model_id uuid NOT NULL,
    experiment_name text,
    shard smallint NOT NULL,
    traces bigint DEFAULT 0 NOT NULL,
    llm_calls bigint DEFAULT 0 NOT NULL,
    input_tokens bigint DEFAULT 0 NOT NULL,
    output_tokens bigint DEFAULT 0 NOT NULL,
    latency_ms bigint DEFAULT 0 NOT NULL,
    cost_usd numeric DEFAULT 0 NOT NULL,
    tool_calls bigint DEFAULT 0 NOT NULL,
    traces_with_errors bigint DEFAULT 0 NOT NULL,
    errors bigint DEFAULT 0 NOT NULL,
    positive bigint DEFAULT 0 NOT NULL,
    negative bigint DEFAULT 0 NOT NULL,
    pending bigint DEFAULT 0 NOT NULL,
    votes_up bigint DEFAULT 0 NOT NULL,
    votes_down bigint DEFAULT 0 NOT NULL,
    calls_0 bigint DEFAULT 0 NOT NULL,
    calls_1 bigint DEFAULT 0 NOT NULL,
    calls_2 bigint DEFAULT 0 NOT NULL,
    calls_3 bigint DEFAULT 0 NOT NULL,
    calls_4 bigint DEFAULT 0 NOT NULL,
    calls_5 bigint DEFAULT 0 NOT NULL,
    calls_6_10 bigint DEFAULT 0 NOT NULL,
    calls_11_20 bigint DEFAULT 0 NOT NULL,
    calls_21_up bigint DEFAULT 0 NOT NULL,
    CONSTRAINT dashboard_rollup_shard_check CHECK (((shard >= 0) AND (shard <= 7)))
);

CREATE FUNCTION public.dashboard_rollup_of(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS SETOF public.dashboard_rollup
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select (t.created_at at time zone 'UTC')::date, t.agent_type, t.model_id, t.experiment_name,
         (get_byte(uuid_send(t.id), 15) % 8)::smallint,
         count(*), sum(t.llm_calls), sum(t.input_tokens), sum(t.output_tokens), sum(t.latency_ms), sum(t.cost_usd),
         sum(t.tool_calls), count(*) filter (where t.error_count > 0), count(*) filter (where t.status = 'error'),
         count(*) filter (where t.feedback = 'positive'), count(*) filter (where t.feedback = 'negative'),
         count(*) filter (where t.feedback = 'pending'), sum(t.votes_up), sum(t.votes_down),
         count(*) filter (where t.llm_calls = 0), count(*) filter (where t.llm_calls = 1),
         count(*) filter (where t.llm_calls = 2), count(*) filter (where t.llm_calls = 3),
         count(*) filter (where t.llm_calls = 4), count(*) filter (where t.llm_calls = 5),
         count(*) filter (where t.llm_calls between 6 and 10), count(*) filter (where t.llm_calls between 11 and 20),
         count(*) filter (where t.llm_calls >= 21)
    from public.llm_traces t
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
   group by 1, 2, 3, 4, 5
$$;

CREATE FUNCTION public.dashboard_rollup_rebuild() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  delete from public.dashboard_rollup;
  delete from public.dashboard_visitor_days;
  delete from public.dashboard_visitors;
  insert into public.dashboard_rollup select * from public.dashboard_rollup_of(null, null);
  insert into public.dashboard_visitor_days (day, user_id, experiment_name, traces)
  select (t.created_at at time zone 'UTC')::date, t.user_id, t.experiment_name, count(*)
    from public.llm_traces t group by 1, 2, 3;
  insert into public.dashboard_visitors (user_id, experiment_name, traces)
  select t.user_id, t.experiment_name, count(*) from public.llm_traces t group by 1, 2;
end
$$;

CREATE FUNCTION public.dashboard_rollup_rows() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_sign integer := case tg_op when 'INSERT' then 1 else -1 end;
begin
  insert into public.dashboard_rollup as r
  select (t.created_at at time zone 'UTC')::date, t.agent_type, t.model_id, t.experiment_name,
         (get_byte(uuid_send(t.id), 15) % 8)::smallint,
         v_sign * count(*), v_sign * sum(t.llm_calls), v_sign * sum(t.input_tokens), v_sign * sum(t.output_tokens),
         v_sign * sum(t.latency_ms), v_sign * sum(t.cost_usd), v_sign * sum(t.tool_calls),
         v_sign * count(*) filter (where t.error_count > 0), v_sign * count(*) filter (where t.status = 'error'),
         v_sign * count(*) filter (where t.feedback = 'positive'), v_sign * count(*) filter (where t.feedback = 'negative'),
         v_sign * count(*) filter (where t.feedback = 'pending'), v_sign * sum(t.votes_up), v_sign * sum(t.votes_down),
         v_sign * count(*) filter (where t.llm_calls = 0), v_sign * count(*) filter (where t.llm_calls = 1),
         v_sign * count(*) filter (where t.llm_calls = 2), v_sign * count(*) filter (where t.llm_calls = 3),
         v_sign * count(*) filter (where t.llm_calls = 4), v_sign * count(*) filter (where t.llm_calls = 5),
         v_sign * count(*) filter (where t.llm_calls between 6 and 10),
         v_sign * count(*) filter (where t.llm_calls between 11 and 20), v_sign * count(*) filter (where t.llm_calls >= 21)
    from changed t
   group by 1, 2, 3, 4, 5
   order by 1, 2, 3, 4, 5
  on conflict (day, agent_type, model_id, experiment_name, shard) do update set
    traces = r.traces + excluded.traces, llm_calls = r.llm_calls + excluded.llm_calls,
    input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
    latency_ms = r.latency_ms + excluded.latency_ms, cost_usd = r.cost_usd + excluded.cost_usd,
    tool_calls = r.tool_calls + excluded.tool_calls, traces_with_errors = r.traces_with_errors + excluded.traces_with_errors,
    errors = r.errors + excluded.errors, positive = r.positive + excluded.positive, negative = r.negative + excluded.negative,
    pending = r.pending + excluded.pending, votes_up = r.votes_up + excluded.votes_up, votes_down = r.votes_down + excluded.votes_down,
    calls_0 = r.calls_0 + excluded.calls_0, calls_1 = r.calls_1 + excluded.calls_1, calls_2 = r.calls_2 + excluded.calls_2,
    calls_3 = r.calls_3 + excluded.calls_3, calls_4 = r.calls_4 + excluded.calls_4, calls_5 = r.calls_5 + excluded.calls_5,
    calls_6_10 = r.calls_6_10 + excluded.calls_6_10, calls_11_20 = r.calls_11_20 + excluded.calls_11_20,
    calls_21_up = r.calls_21_up + excluded.calls_21_up;

  insert into public.dashboard_visitor_days as v (day, user_id, experiment_name, traces)
  select (t.created_at at time zone 'UTC')::date, t.user_id, t.experiment_name, v_sign * count(*)
    from changed t group by 1, 2, 3 order by 1, 2, 3
  on conflict (day, user_id, experiment_name) do update set traces = v.traces + excluded.traces;

  insert into public.dashboard_visitors as v (user_id, experiment_name, traces)
  select t.user_id, t.experiment_name, v_sign * count(*)
    from changed t group by 1, 2 order by 1, 2
  on conflict (user_id, experiment_name) do update set traces = v.traces + excluded.traces;

  if v_sign < 0 then
    delete from public.dashboard_rollup r where r.traces = 0;
    delete from public.dashboard_visitor_days v where v.traces = 0;
    delete from public.dashboard_visitors v where v.traces = 0;
  end if;
  return null;
end
$$;

CREATE FUNCTION public.dashboard_rollup_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  truncate public.dashboard_rollup, public.dashboard_visitor_days, public.dashboard_visitors;
  return null;
end
$$;

CREATE FUNCTION public.dashboard_rollup_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if (old.created_at at time zone 'UTC')::date = (new.created_at at time zone 'UTC')::date
     and old.agent_type = new.agent_type and old.model_id = new.model_id and old.user_id = new.user_id
     and old.experiment_name is not distinct from new.experiment_name then
    update public.dashboard_rollup r set
      llm_calls = r.llm_calls + (new.llm_calls - old.llm_calls),
      input_tokens = r.input_tokens + (new.input_tokens - old.input_tokens),
      output_tokens = r.output_tokens + (new.output_tokens - old.output_tokens),
      latency_ms = r.latency_ms + (new.latency_ms - old.latency_ms),
      cost_usd = r.cost_usd + (new.cost_usd - old.cost_usd),
      tool_calls = r.tool_calls + (new.tool_calls - old.tool_calls),
      traces_with_errors = r.traces_with_errors + ((new.error_count > 0)::int - (old.error_count > 0)::int),
      errors = r.errors + ((new.status = 'error')::int - (old.status = 'error')::int),
      positive = r.positive + ((new.feedback = 'positive')::int - (old.feedback = 'positive')::int),
      negative = r.negative + ((new.feedback = 'negative')::int - (old.feedback = 'negative')::int),
      pending = r.pending + ((new.feedback = 'pending')::int - (old.feedback = 'pending')::int),
      votes_up = r.votes_up + (new.votes_up - old.votes_up),
      votes_down = r.votes_down + (new.votes_down - old.votes_down),
      calls_0 = r.calls_0 + ((new.llm_calls = 0)::int - (old.llm_calls = 0)::int),
      calls_1 = r.calls_1 + ((new.llm_calls = 1)::int - (old.llm_calls = 1)::int),
      calls_2 = r.calls_2 + ((new.llm_calls = 2)::int - (old.llm_calls = 2)::int),
      calls_3 = r.calls_3 + ((new.llm_calls = 3)::int - (old.llm_calls = 3)::int),
      calls_4 = r.calls_4 + ((new.llm_calls = 4)::int - (old.llm_calls = 4)::int),
      calls_5 = r.calls_5 + ((new.llm_calls = 5)::int - (old.llm_calls = 5)::int),
      calls_6_10 = r.calls_6_10 + ((new.llm_calls between 6 and 10)::int - (old.llm_calls between 6 and 10)::int),
      calls_11_20 = r.calls_11_20 + ((new.llm_calls between 11 and 20)::int - (old.llm_calls between 11 and 20)::int),
      calls_21_up = r.calls_21_up + ((new.llm_calls >= 21)::int - (old.llm_calls >= 21)::int)
     where r.day = (new.created_at at time zone 'UTC')::date and r.agent_type = new.agent_type
       and r.model_id = new.model_id and r.experiment_name is not distinct from new.experiment_name
       and r.shard = (get_byte(uuid_send(new.id), 15) % 8)::smallint;
  else
    perform public.dashboard_rollup_add(old, -1);
    perform public.dashboard_rollup_add(new, 1);
    delete from public.dashboard_rollup r where r.traces = 0;
    delete from public.dashboard_visitor_days v where v.traces = 0;
    delete from public.dashboard_visitors v where v.traces = 0;
  end if;
  return null;
end
$$;

CREATE FUNCTION public.dashboard_slices(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS SETOF public.dashboard_rollup
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select u.day, u.agent_type, u.model_id, u.experiment_name, 0::smallint,
         sum(u.traces), sum(u.llm_calls), sum(u.input_tokens), sum(u.output_tokens), sum(u.latency_ms), sum(u.cost_usd),
         sum(u.tool_calls), sum(u.traces_with_errors), sum(u.errors), sum(u.positive), sum(u.negative), sum(u.pending),
         sum(u.votes_up), sum(u.votes_down), sum(u.calls_0), sum(u.calls_1), sum(u.calls_2), sum(u.calls_3), sum(u.calls_4),
         sum(u.calls_5), sum(u.calls_6_10), sum(u.calls_11_20), sum(u.calls_21_up)
    from (
      select r.* from public.dashboard_window(p_from, p_to) w
        join public.dashboard_rollup r on r.day >= coalesce(w.first_day, '-infinity'::date) and r.day < coalesce(w.end_day, 'infinity'::date)
      union all
      select e.* from public.dashboard_window(p_from, p_to) w cross join lateral public.dashboard_rollup_of(p_from, w.edge_lo) e
      union all
      select e.* from public.dashboard_window(p_from, p_to) w cross join lateral public.dashboard_rollup_of(w.edge_hi, p_to) e
    ) u
   group by u.day, u.agent_type, u.model_id, u.experiment_name
$$;

CREATE FUNCTION public.dashboard_stats(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone, p_experiment_a text DEFAULT NULL::text, p_experiment_b text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_figures jsonb;
  v_experiments jsonb;
  v_a text := nullif(btrim(p_experiment_a), '');
  v_b text := nullif(btrim(p_experiment_b), '');
begin
  if p_from is not null and p_to is not null and p_from >= p_to then
    raise exception using errcode = 'PT400', message = 'bad_request:dashboard', detail = 'from must be before to.';
  end if;
  v_figures := public.dashboard_figures(p_from, p_to);
  v_experiments := v_figures -> 'experiments';
  if v_a is null then
    select e ->> 'experiment_name' into v_a from jsonb_array_elements(v_experiments) with ordinality x(e, i)
     where e ->> 'experiment_name' is distinct from v_b order by i limit 1;
  end if;
  if v_b is null then
    select e ->> 'experiment_name' into v_b from jsonb_array_elements(v_experiments) with ordinality x(e, i)
     where e ->> 'experiment_name' is distinct from v_a order by i limit 1;
  end if;
  return v_figures || jsonb_build_object(
    'from', p_from,
    'to', p_to,
    'comparison', coalesce((
      select jsonb_agg(coalesce(
               (select e from jsonb_array_elements(v_experiments) e where e ->> 'experiment_name' = n.name),
               jsonb_build_object('experiment_name', n.name, 'traces', 0, 'visitors', 0, 'llm_calls', 0, 'total_tokens', 0,
                                  'positive', 0, 'negative', 0, 'pending', 0, 'errors', 0))
             order by n.ord)
        from (values (1, v_a), (2, v_b)) n(ord, name)
       where n.name is not null), '[]'::jsonb)
  );
end
$$;

CREATE FUNCTION public.dashboard_totals(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(traces bigint, visitors bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint, latency_ms bigint, avg_llm_calls numeric, avg_tokens numeric, avg_latency_ms_per_call numeric, positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint, first_trace_at timestamp with time zone, last_trace_at timestamp with time zone, cost_usd numeric, avg_cost_usd numeric, tool_calls bigint, traces_with_errors bigint, votes_up bigint, votes_down bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.* from jsonb_to_record(public.dashboard_figures(p_from, p_to) -> 'totals') as x(
    traces bigint, visitors bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
    latency_ms bigint, avg_llm_calls numeric, avg_tokens numeric, avg_latency_ms_per_call numeric,
    positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint,
    first_trace_at timestamptz, last_trace_at timestamptz,
    cost_usd numeric, avg_cost_usd numeric, tool_calls bigint, traces_with_errors bigint, votes_up bigint, votes_down bigint)
$$;

CREATE FUNCTION public.dashboard_usage_by_agent(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(agent_type text, traces bigint, llm_calls bigint, tool_calls bigint, traces_with_errors bigint, cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.agent_type, x.traces, x.llm_calls, x.tool_calls, x.traces_with_errors, x.cost_usd, x.avg_cost_usd, x.votes_up, x.votes_down
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'usage_by_agent') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(agent_type text, traces bigint, llm_calls bigint, tool_calls bigint,
     traces_with_errors bigint, cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint)
   order by e.i
$$;

CREATE FUNCTION public.dashboard_usage_by_model(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(model_key text, model_name text, traces bigint, llm_calls bigint, tool_calls bigint, traces_with_errors bigint, cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.model_key, x.model_name, x.traces, x.llm_calls, x.tool_calls, x.traces_with_errors, x.cost_usd, x.avg_cost_usd,
         x.votes_up, x.votes_down
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'usage_by_model') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(model_key text, model_name text, traces bigint, llm_calls bigint, tool_calls bigint,
     traces_with_errors bigint, cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint)
   order by e.i
$$;

CREATE FUNCTION public.dashboard_visitor_pairs(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS TABLE(user_id text, experiment_name text)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with every_trace as (
    select (p_from is null or p_from <= (select min(t.created_at) from public.llm_traces t))
       and (p_to is null or p_to > (select max(t.created_at) from public.llm_traces t)) as yes
  ),
  w as (select * from public.dashboard_window(p_from, p_to))
  select v.user_id, v.experiment_name from public.dashboard_visitors v where (select e.yes from every_trace e)
  union all
  select d.user_id, d.experiment_name from public.dashboard_visitor_days d, w
   where not (select e.yes from every_trace e)
     and d.day >= coalesce(w.first_day, '-infinity'::date) and d.day < coalesce(w.end_day, 'infinity'::date)
  union all
  select t.user_id, t.experiment_name from public.llm_traces t, w
   where not (select e.yes from every_trace e)
     and t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < w.edge_lo
  union all
  select t.user_id, t.experiment_name from public.llm_traces t, w
   where not (select e.yes from every_trace e)
     and t.created_at >= w.edge_hi and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
$$;

CREATE FUNCTION public.dashboard_window(p_from timestamp with time zone, p_to timestamp with time zone, OUT first_day date, OUT end_day date, OUT edge_lo timestamp with time zone, OUT edge_hi timestamp with time zone) RETURNS record
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select case when w.whole then w.d1 else 'infinity'::date end,
         case when w.whole then w.d2 else '-infinity'::date end,
         case when not w.whole then p_to when w.d1 is null then '-infinity'::timestamptz else w.d1::timestamp at time zone 'UTC' end,
         case when not w.whole then p_to when w.d2 is null then 'infinity'::timestamptz else w.d2::timestamp at time zone 'UTC' end
    from (select d.d1, d.d2, (d.d1 is null or d.d2 is null or d.d1 < d.d2) as whole
            from (select ((p_from at time zone 'UTC') + interval '1 day' - interval '1 microsecond')::date as d1,
                         (p_to at time zone 'UTC')::date as d2) d) w
$$;

CREATE FUNCTION public.end_session(p_user_id text, p_session_id uuid, p_reason text DEFAULT 'user'::text, p_request_id text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION public.ensure_admin_token_hash(p_hash text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
declare
  v_created boolean;
begin
  if p_hash !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'PT400', message = 'bad_request:settings', detail = 'The admin token hash must be a sha256 in hex.';
  end if;
  insert into public.app_settings (key, value) values ('admin_token_hash', p_hash) on conflict (key) do nothing;
  v_created := found;
  return jsonb_build_object('created', v_created);
end
$_$;

CREATE FUNCTION public.ensure_setting(p_key text, p_value text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_created boolean;
begin
  insert into public.app_settings (key, value) values (p_key, p_value) on conflict (key) do nothing;
  v_created := found;
  return (select jsonb_build_object('value', a.value, 'created', v_created)
            from public.app_settings a where a.key = p_key);
end
$$;

CREATE FUNCTION public.erase_visitor(p_user_id text, p_requested_by text DEFAULT 'sql'::text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_opaque text := 'erased_' || replace(gen_random_uuid()::text, '-', '');
  v_session uuid;
  v_sessions integer;
  v_messages integer;
  v_traces integer;
  v_observations integer;
  v_flows integer;
  v_events integer;
  v_outbox integer;
  v_counts jsonb;
begin
  if p_requested_by is null or p_requested_by not in ('operator', 'visitor', 'sql') then
    raise exception using errcode = 'PT400', message = 'bad_request:visitor', detail = 'requested_by must be operator, visitor or sql.';
  end if;
  if p_user_id is null or p_user_id like 'erased\_%' then
    raise exception using errcode = 'PT404', message = 'not_found:visitor', detail = 'Nothing is stored about this visitor.';
  end if;
  -- the visitor's turns wait (or run first): nothing is written for them half-way through
  perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || p_user_id, 0));

  -- an erased visitor has no active session
  for v_session in
    select s.id from public.conversation_sessions s where s.user_id = p_user_id and s.is_active
  loop
    perform public.close_session(v_session, 'user', 'ended', null);
  end loop;

  delete from public.flow_states f
   using public.conversation_sessions s
   where f.session_id = s.id and s.user_id = p_user_id;
  get diagnostics v_flows = row_count;

  delete from public.conversation_messages m where m.user_id = p_user_id;
  get diagnostics v_messages = row_count;

  delete from public.otlp_outbox o where o.user_id = p_user_id;
  get diagnostics v_outbox = row_count;

  delete from public.rate_limit_buckets b where b.bucket = 'chat:' || p_user_id;

  update public.llm_observations o
     set user_id = v_opaque, arguments = null, result = null, error = null
   where o.user_id = p_user_id;
  get diagnostics v_observations = row_count;

  update public.session_events e
     set user_id = v_opaque, request_id = null,
         detail = coalesce((select jsonb_object_agg(d.key, d.value) from jsonb_each(e.detail) d
                             where d.key in ('from_agent', 'to_agent', 'via')), '{}'::jsonb)
   where e.user_id = p_user_id;
  get diagnostics v_events = row_count;

  update public.llm_traces t
     set user_id = v_opaque, feedback_comment = null, last_error = null, updated_at = now()
   where t.user_id = p_user_id;
  get diagnostics v_traces = row_count;

  update public.conversation_sessions s
     set user_id = v_opaque, metadata = '{}'::jsonb
   where s.user_id = p_user_id;
  get diagnostics v_sessions = row_count;

  update public.session_tag_counters c set user_id = v_opaque where c.user_id = p_user_id;

  v_counts := jsonb_build_object('sessions', v_sessions, 'messages', v_messages, 'traces', v_traces,
                                 'observations', v_observations, 'flow_states', v_flows, 'events', v_events,
                                 'pending_exports', v_outbox);
  if v_sessions = 0 and v_messages = 0 and v_observations = 0 then
    return jsonb_build_object('found', false, 'opaque_id', null, 'counts', v_counts);
  end if;
  insert into public.erasures (opaque_id, requested_by, counts) values (v_opaque, p_requested_by, v_counts);
  return jsonb_build_object('found', true, 'opaque_id', v_opaque, 'counts', v_counts);
end
$$;

CREATE FUNCTION public.export_visitor(p_user_id text, p_mask boolean DEFAULT NULL::boolean) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_mask boolean := coalesce(p_mask, private.masking_outputs());
begin
  if p_user_id is null or not exists (select 1 from public.conversation_sessions s where s.user_id = p_user_id) then
    raise exception using errcode = 'PT404', message = 'not_found:visitor', detail = 'Nothing is stored about this visitor.';
  end if;
  return jsonb_build_object(
    'user_id', p_user_id,
    'exported_at', now(),
    'masked', v_mask,
    'sessions', coalesce((
      select jsonb_agg(to_jsonb(s) || jsonb_build_object(
               'metadata', case when v_mask then private.mask_pii_jsonb(s.metadata) else s.metadata end)
             order by s.started_at, s.id)
        from public.conversation_sessions s where s.user_id = p_user_id), '[]'::jsonb),
    'messages', coalesce((
      select jsonb_agg(to_jsonb(m) || jsonb_build_object(
               'content', case when v_mask then private.mask_pii(m.content) else m.content end,
               'metadata', case when v_mask then private.mask_pii_jsonb(m.metadata) else m.metadata end)
             order by m.seq)
        from public.conversation_messages m where m.user_id = p_user_id), '[]'::jsonb),
    'traces', coalesce((
      select jsonb_agg(to_jsonb(t) || jsonb_build_object(
               'feedback_comment', case when v_mask then private.mask_pii(t.feedback_comment) else t.feedback_comment end,
               'last_error', case when v_mask then private.mask_pii(t.last_error) else t.last_error end)
             order by t.created_at, t.id)
        from public.llm_traces t where t.user_id = p_user_id), '[]'::jsonb),
    'feedback', coalesce((
      select jsonb_agg(jsonb_build_object(
               'trace_id', t.id, 'session_id', t.session_id, 'rating', t.feedback,
               'comment', case when v_mask then private.mask_pii(t.feedback_comment) else t.feedback_comment end,
               'votes_up', t.votes_up, 'votes_down', t.votes_down)
             order by t.created_at, t.id)
        from public.llm_traces t
       where t.user_id = p_user_id and (t.feedback <> 'pending' or t.votes_up > 0 or t.votes_down > 0)), '[]'::jsonb),
    'observations', coalesce((
      select jsonb_agg(to_jsonb(o) || jsonb_build_object(
               'arguments', case when v_mask then private.mask_pii_jsonb(o.arguments) else o.arguments end,
               'result', case when v_mask then private.mask_pii_jsonb(o.result) else o.result end,
               'error', case when v_mask then private.mask_pii(o.error) else o.error end)
             order by o.started_at, o.position, o.id)
        from public.llm_observations o where o.user_id = p_user_id), '[]'::jsonb),
    'flow_states', coalesce((
      select jsonb_agg(jsonb_build_object(
               'session_id', f.session_id, 'flow', f.flow, 'updated_at', f.updated_at,
               'state', case when v_mask then private.mask_pii_jsonb(f.state) else f.state end)
             order by f.updated_at, f.flow)
        from public.flow_states f join public.conversation_sessions s on s.id = f.session_id
       where s.user_id = p_user_id), '[]'::jsonb),
    -- bulk orders live in the order flow's state
    'orders', coalesce((
      select jsonb_agg(jsonb_build_object(
               'session_id', f.session_id, 'updated_at', f.updated_at,
               'order', case when v_mask then private.mask_pii_jsonb(f.state) else f.state end)
             order by f.updated_at)
        from public.flow_states f join public.conversation_sessions s on s.id = f.session_id
       where s.user_id = p_user_id and f.flow = 'bulk_order'), '[]'::jsonb),
    'events', coalesce((
      select jsonb_agg(to_jsonb(e) order by e.id)
        from public.session_events e where e.user_id = p_user_id), '[]'::jsonb)
  );
end
$$;

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

CREATE FUNCTION public.flow_is_open(p_state jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select coalesce(p_state ->> 'status', '') not in ('confirmed', 'cancelled', 'completed', 'done')
$$;

CREATE FUNCTION public.list_agents() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(jsonb_agg(jsonb_build_object('key', a.key, 'name', a.name, 'description', a.description,
                                               'greeting', a.greeting)
                            order by a.menu_position), '[]'::jsonb)
    from public.agents a
   where a.is_enabled
$$;

CREATE FUNCTION public.maintenance_scheduler() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $_$
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
$_$;

CREATE FUNCTION public.mask_pii(p_text text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select private.mask_pii(p_text)
$$;

CREATE FUNCTION public.message_json(p public.conversation_messages) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  return jsonb_build_object(
    'id', p.id, 'seq', p.seq, 'session_id', p.session_id, 'role', p.role, 'content', p.content,
    'metadata', p.metadata, 'client_message_id', p.client_message_id, 'reply_to', p.reply_to,
    'is_partial', p.is_partial, 'created_at', p.created_at, 'audio_url', p.audio_url, 'vote', p.vote,
    'superseded_at', p.superseded_at, 'superseded_by', p.superseded_by);
end
$$;

CREATE FUNCTION public.operator_authenticate(p_token_hash text, p_bucket text DEFAULT NULL::text, p_limit integer DEFAULT 0, p_session_hash text DEFAULT NULL::text, p_ttl_minutes integer DEFAULT 720) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
#variable_conflict use_column
declare
  v_bucket text := left('auth:' || coalesce(p_bucket, ''), 100);
  v_failures integer := 0;
  v_expected text;
  v_expires timestamptz;
begin
  if p_limit > 0 and p_bucket is not null then
    -- one address's attempts are decided one at a time, so a burst cannot overshoot the limit
    perform pg_advisory_xact_lock(hashtextextended('threadline:' || v_bucket, 0));
    select b.hits into v_failures from public.rate_limit_buckets b
     where b.bucket = v_bucket and b.window_start = date_trunc('minute', now());
    if coalesce(v_failures, 0) >= p_limit then
      return jsonb_build_object('status', 'limited', 'retry_after', public.rate_limit_retry_after());
    end if;
  end if;
  select a.value into v_expected from public.app_settings a where a.key = 'admin_token_hash';
  if v_expected is null or p_token_hash is distinct from v_expected then
    if p_limit > 0 and p_bucket is not null then
      perform private.hit_rate_limit(v_bucket, p_limit);
    end if;
    return jsonb_build_object('status', 'invalid');
  end if;
  if p_session_hash is not null then
    if p_session_hash !~ '^[0-9a-f]{64}$' then
      raise exception using errcode = 'PT400', message = 'bad_request:login', detail = 'Invalid session id.';
    end if;
    v_expires := now() + make_interval(mins => greatest(1, p_ttl_minutes));
    insert into public.operator_sessions (id_hash, token_hash, expires_at) values (p_session_hash, v_expected, v_expires);
    -- now and then, forget sessions that ended long ago
    if random() < 0.05 then
      delete from public.operator_sessions s
       where s.expires_at < now() - interval '1 day' or s.revoked_at < now() - interval '1 day';
    end if;
  end if;
  return jsonb_build_object('status', 'ok', 'expires_at', v_expires);
end
$_$;

CREATE FUNCTION public.operator_logout(p_session_hash text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_revoked integer;
begin
  update public.operator_sessions s set revoked_at = now()
   where s.id_hash = p_session_hash and s.revoked_at is null;
  get diagnostics v_revoked = row_count;
  return jsonb_build_object('revoked', v_revoked);
end
$$;

CREATE FUNCTION public.operator_models() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(jsonb_agg(jsonb_build_object('key', m.key, 'name', m.name, 'provider', m.provider,
                                               'experiment_name', m.experiment_name) order by m.name, m.key), '[]'::jsonb)
    from public.llm_models m
$$;

CREATE FUNCTION public.operator_session_valid(p_session_hash text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('valid', exists (
    select 1 from public.operator_sessions s
      join public.app_settings a on a.key = 'admin_token_hash' and a.value = s.token_hash
     where s.id_hash = p_session_hash and s.revoked_at is null and s.expires_at > now()))
$$;

CREATE FUNCTION public.operator_tools() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(jsonb_agg(jsonb_build_object('name', t.name, 'description', t.description) order by t.name), '[]'::jsonb)
    from public.agent_tools t
$$;

CREATE FUNCTION public.otlp_outbox_status() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object(
    'enabled', s.otlp_enabled,
    'depth', (select count(*) from public.otlp_outbox),
    'retrying', (select count(*) from public.otlp_outbox o where o.attempts > 0),
    'oldest_age_seconds', (select floor(extract(epoch from clock_timestamp() - min(o.created_at)))::bigint from public.otlp_outbox o),
    'dropped', s.otlp_dropped,
    'cap', s.otlp_outbox_cap)
  from public.privacy_settings s where s.id
$$;

CREATE FUNCTION public.pin_agent_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if new.agent_version is null then
    select a.version into new.agent_version from public.agents a where a.key = new.agent_type;
  end if;
  return new;
end
$$;

CREATE FUNCTION public.product_cards(p_skus jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with wanted as (
    select s.sku, min(s.n) as n
      from jsonb_array_elements_text(case when jsonb_typeof(p_skus) = 'array' then p_skus else '[]'::jsonb end)
           with ordinality as s (sku, n)
     group by s.sku
  )
  select coalesce(jsonb_agg(jsonb_build_object('sku', p.sku, 'name', p.name, 'priceCents', p.price_cents,
                                               'summary', p.description)
                            order by w.n), '[]'::jsonb)
    from wanted w
    join public.products p on p.sku = w.sku
$$;

CREATE FUNCTION public.rate_limit_retry_after() RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select greatest(1, ceil(extract(epoch from date_trunc('minute', now()) + interval '1 minute' - clock_timestamp())))::int
$$;

CREATE FUNCTION public.record_reply_speech(p_message_id uuid, p_audio_url text, p_model text, p_started_at timestamp with time zone, p_ended_at timestamp with time zone, p_characters integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_message public.conversation_messages;
  v_trace_id uuid;
  v_cost numeric;
  v_step uuid;
begin
  if p_ended_at < p_started_at or p_characters < 0 then
    raise exception using errcode = 'PT400', message = 'bad_request:voice', detail = 'The speech step ends before it starts.';
  end if;
  update public.conversation_messages m set audio_url = p_audio_url
   where m.id = p_message_id and m.role = 'agent' and m.audio_url is null
  returning * into v_message;
  if v_message.id is null then
    return jsonb_build_object('set', false, 'observation_id', null, 'cost_usd', null);
  end if;
  select t.id into v_trace_id from public.llm_traces t where t.session_id = v_message.session_id;
  if v_trace_id is null then
    return jsonb_build_object('set', true, 'observation_id', null, 'cost_usd', null);
  end if;
  select round(p_characters * m.input_price_per_million / 1000000, 8) into v_cost
    from public.llm_models m where m.key = p_model and m.input_price_per_million > 0;
  insert into public.llm_observations (trace_id, session_id, user_id, message_id, position, kind, name, status,
                                       started_at, ended_at, duration_ms, model, cost_usd, arguments)
  values (v_trace_id, v_message.session_id, v_message.user_id, v_message.reply_to,
          coalesce((select max(o.position) + 1 from public.llm_observations o
                     where o.trace_id = v_trace_id and o.message_id is not distinct from v_message.reply_to), 0),
          'speech', left(p_model, 200), 'ok', p_started_at, p_ended_at,
          least(floor(extract(epoch from p_ended_at - p_started_at) * 1000), 2147483647)::integer, p_model, v_cost,
          jsonb_build_object('characters', p_characters))
  returning id into v_step;
  if v_cost is not null then
    update public.llm_traces t set cost_usd = t.cost_usd + v_cost, updated_at = now() where t.id = v_trace_id;
  end if;
  return jsonb_build_object('set', true, 'observation_id', v_step, 'cost_usd', v_cost);
end
$$;

CREATE FUNCTION public.register_model(p_key text, p_name text, p_provider text, p_experiment_name text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  insert into public.llm_models as m (key, name, provider, experiment_name)
  values (p_key, p_name, p_provider, p_experiment_name)
  on conflict (key) do update
     set name = excluded.name, provider = excluded.provider,
         experiment_name = coalesce(excluded.experiment_name, m.experiment_name)
  returning jsonb_build_object('id', m.id, 'key', m.key, 'name', m.name, 'provider', m.provider,
                               'experiment_name', m.experiment_name)
$$;

CREATE FUNCTION public.register_voice_message(p_user_id text, p_client_message_id uuid, p_audio_url text, p_transcript text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_row public.voice_messages;
begin
  insert into public.voice_messages (user_id, client_message_id, audio_url, transcript)
  values (p_user_id, p_client_message_id, p_audio_url, p_transcript)
  on conflict (user_id, client_message_id) do nothing;
  -- a retry of the same message keeps the first recording
  select * into v_row from public.voice_messages v where v.user_id = p_user_id and v.client_message_id = p_client_message_id;
  return jsonb_build_object('audio_url', v_row.audio_url, 'transcript', v_row.transcript);
end
$$;

CREATE FUNCTION public.retry_otlp_outbox(p_ids jsonb, p_error text DEFAULT NULL::text, p_base_ms integer DEFAULT 1000, p_max_ms integer DEFAULT 60000) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_count integer;
begin
  update public.otlp_outbox o
     set claimed_until = null,
         last_error = left(p_error, 2000),
         next_attempt_at = clock_timestamp() + make_interval(secs =>
           least(greatest(p_max_ms, 1), greatest(p_base_ms, 1) * power(2, least(greatest(o.attempts - 1, 0), 30)))
           * (0.8 + random() * 0.4) / 1000.0)
   where o.id in (select x::bigint from jsonb_array_elements_text(p_ids) as x);
  get diagnostics v_count = row_count;
  return jsonb_build_object('retrying', v_count);
end
$$;

CREATE FUNCTION public.run_maintenance(p_idle_minutes integer DEFAULT 1440, p_batch integer DEFAULT 500) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION public.search_catalog(p_query text, p_limit integer DEFAULT 5) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $_$
declare
  v_limit integer := least(greatest(coalesce(p_limit, 5), 1), 50);
  v_words text[];
  v_query tsquery;
  v_word text;
  v_result jsonb;
begin
  -- the content words of the question: no stop words, no numbers, no "anything"
  select array_agg(v.lexeme) into v_words
    from unnest(to_tsvector('english'::regconfig, coalesce(p_query, ''))) v
   where v.lexeme !~ '^[0-9.,]+$' and not v.lexeme = any (private.generic_lexemes());

  -- a generic question: one product per category (the cheapest), as a featured selection
  if v_words is null then
    select coalesce(jsonb_agg(private.product_hit(p, 0, true) order by p.category), '[]'::jsonb) into v_result
      from (select distinct on (c.category) c.* from public.products c order by c.category, c.price_cents, c.sku limit v_limit) p;
    return v_result;
  end if;

  -- any of the words may match: each word found counts 1 (a misspelt one its similarity),
  -- then full-text rank (name, then category and tags, then description) orders equals
  foreach v_word in array v_words loop
    v_query := case when v_query is null then plainto_tsquery('simple', v_word)
                    else v_query || plainto_tsquery('simple', v_word) end;
  end loop;

  select coalesce(jsonb_agg(private.product_hit(h.p, h.rank, false) order by h.rank desc, (h.p).sku), '[]'::jsonb) into v_result
    from (
      select p, s.words + ts_rank_cd(p.search_vector, v_query, 32) as rank
        from public.products p
        cross join lateral (
          select sum(case when p.search_vector @@ plainto_tsquery('simple', w) then 1
                          when length(w) >= 4 and extensions.word_similarity(w, p.search_text) >= 0.5
                            then extensions.word_similarity(w, p.search_text)
                          else 0 end) as words
            from unnest(v_words) w
        ) s
       where s.words > 0
       order by rank desc, p.sku
       limit v_limit
    ) h;
  return v_result;
end
$_$;

CREATE FUNCTION public.search_traces(p_session_tag text DEFAULT NULL::text, p_q text DEFAULT NULL::text, p_agent text DEFAULT NULL::text, p_model text DEFAULT NULL::text, p_user_id text DEFAULT NULL::text, p_feedback text DEFAULT NULL::text, p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone, p_sort text DEFAULT 'created_at'::text, p_dir text DEFAULT 'desc'::text, p_after_value text DEFAULT NULL::text, p_after_id uuid DEFAULT NULL::uuid, p_limit integer DEFAULT 50, p_tool text DEFAULT NULL::text, p_has_error boolean DEFAULT NULL::boolean, p_min_cost numeric DEFAULT NULL::numeric, p_channel text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $_$
declare
  v_sort text := case when p_sort in ('created_at', 'updated_at', 'llm_calls', 'total_tokens', 'latency_ms', 'cost_usd') then p_sort else 'created_at' end;
  v_dir text := case when lower(p_dir) = 'asc' then 'asc' else 'desc' end;
  v_keys text;
  v_after text;
  v_order text;
  v_value text;
  v_where text := 'true';
  v_match text := '';
  v_limit integer := least(greatest(coalesce(p_limit, 50), 1), 200);
  v_pattern text := '%' || replace(replace(replace(coalesce(p_q, ''), '\', '\\'), '%', '\%'), '_', '\_') || '%';
  v_tags text[];
  v_source text := 'public.llm_traces t';
  v_rows jsonb;
  v_count integer;
  -- read once per call, not per row (a function with its own search_path is never inlined)
  v_mask boolean := private.masking_outputs();
begin
  -- the keyset: its columns, the cursor's values, the order and the printed sort value
  if v_sort = 'cost_usd' then
    v_keys := 't.cost_usd, t.created_at';
    v_after := 'split_part($9, ''|'', 1)::numeric, split_part($9, ''|'', 2)::timestamptz';
    v_order := format('t.cost_usd %1$s, t.created_at %1$s, t.id %1$s', v_dir);
    v_value := 't.cost_usd::text || ''|'' || t.created_at::text';
  else
    v_keys := format('t.%I', v_sort);
    v_after := format('$9::%s', case when v_sort in ('created_at', 'updated_at') then 'timestamptz' else 'bigint' end);
    v_order := format('t.%1$I %2$s, t.id %2$s', v_sort, v_dir);
    v_value := format('t.%I::text', v_sort);
  end if;

  if p_session_tag is not null then v_match := v_match || ' and t.session_tag = $1'; end if;
  if p_q is not null then v_match := v_match || ' and t.session_tag ilike $2'; end if;
  if p_agent is not null then v_where := v_where || ' and t.agent_type = $3'; end if;
  if p_model is not null then
    v_where := v_where || ' and t.model_id = (select m.id from public.llm_models m where m.key = $4)';
  end if;
  if p_user_id is not null then v_where := v_where || ' and t.user_id = $5'; end if;
  if p_feedback is not null then v_where := v_where || ' and t.feedback = $6'; end if;
  if p_from is not null then v_where := v_where || ' and t.created_at >= $7'; end if;
  if p_to is not null then v_where := v_where || ' and t.created_at < $8'; end if;
  -- containment, so the GIN index on tools_used serves it
  if p_tool is not null then v_where := v_where || ' and t.tools_used @> array[$13]::text[]'; end if;
  -- the partial index's own predicate (llm_traces_errors_created)
  if p_has_error then v_where := v_where || ' and t.error_count > 0'; end if;
  if p_has_error = false then v_where := v_where || ' and t.error_count = 0'; end if;
  if p_min_cost is not null then v_where := v_where || ' and t.cost_usd >= $14'; end if;
  if p_channel is not null then v_where := v_where || ' and t.channel = $15'; end if;
  if p_after_id is not null and p_after_value is not null then
    v_where := v_where || format(' and (%s, t.id) %s (%s, $10)', v_keys, case when v_dir = 'desc' then '<' else '>' end, v_after);
  end if;

  -- a substring matching few distinct tags: each tag's newest traces, merged
  if p_q is not null and p_session_tag is null then
    select array_agg(x.tag) into v_tags from (
      select g.tag
        from public.llm_models m
        cross join lateral generate_series(1, coalesce(
          (select max(c.last_value) from public.session_tag_counters c where c.model_id = m.id), 0)) n
        cross join lateral (select 'chat_model_' || left(replace(m.id::text, '-', ''), 6) || '_'
                                   || case when n < 1000 then lpad(n::text, 3, '0') else n::text end as tag) g
       where g.tag ilike v_pattern
       limit 201) x;
    if coalesce(cardinality(v_tags), 0) <= 200 then
      -- the tags already match: only equality on the tag inside, so the btree is used
      v_match := '';
      v_source := format(
        '(select l.* from unnest($12::text[]) g(tag) cross join lateral (
            select * from public.llm_traces t where t.session_tag = g.tag and %1$s
             order by %2$s limit $11) l) t',
        v_where, v_order);
    end if;
  end if;

  execute format(
    $q$select coalesce(jsonb_agg(to_jsonb(r) - 'ord' order by r.ord), '[]'::jsonb), count(*)::int from (
         select t.id, t.session_id, t.session_tag, t.user_id, t.channel, t.agent_type, t.agent_version,
                m.key as model_key, m.name as model_name, t.experiment_name, t.llm_calls, t.input_tokens,
                t.output_tokens, t.total_tokens, t.latency_ms, t.cost_usd, t.tool_calls, t.error_count, t.tools_used,
                t.votes_up, t.votes_down, t.status, case when $16 then private.mask_pii(t.last_error) else t.last_error end as last_error, t.feedback,
                case when $16 then private.mask_pii(t.feedback_comment)
                     else t.feedback_comment end as feedback_comment, t.created_at, t.updated_at, %1$s as sort_value,
                row_number() over (order by %2$s) as ord
           from (select * from %4$s where %3$s order by %2$s limit $11) t
           join public.llm_models m on m.id = t.model_id
       ) r$q$,
    v_value, v_order, v_where || v_match, v_source)
  into v_rows, v_count
  using p_session_tag, v_pattern, p_agent, p_model, p_user_id, p_feedback, p_from, p_to,
        p_after_value, p_after_id, v_limit + 1, v_tags, p_tool, p_min_cost, p_channel, v_mask;

  -- one row more than asked tells whether another page exists
  return jsonb_build_object(
    'traces', case when v_count > v_limit then v_rows - v_limit else v_rows end,
    'has_more', v_count > v_limit
  );
end
$_$;

CREATE FUNCTION public.session_context(p_session_id uuid, p_history_limit integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION public.session_json(p_session_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION public.session_messages(p_user_id text, p_session_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION public.set_admin_token_hash(p_hash text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
declare
  v_old text;
  v_revoked integer := 0;
begin
  if p_hash !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'PT400', message = 'bad_request:settings', detail = 'The admin token hash must be a sha256 in hex.';
  end if;
  select a.value into v_old from public.app_settings a where a.key = 'admin_token_hash' for update;
  if v_old is distinct from p_hash then
    insert into public.app_settings (key, value) values ('admin_token_hash', p_hash)
    on conflict (key) do update set value = excluded.value, created_at = now();
    update public.operator_sessions s set revoked_at = now() where s.revoked_at is null;
    get diagnostics v_revoked = row_count;
  end if;
  return jsonb_build_object('changed', v_old is distinct from p_hash, 'revoked', v_revoked);
end
$_$;

CREATE FUNCTION public.set_feedback(p_session_id uuid, p_rating text, p_comment text DEFAULT NULL::text, p_user_id text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_trace public.llm_traces;
begin
  if not exists (select 1 from public.conversation_sessions s
                  where s.id = p_session_id and (p_user_id is null or s.user_id = p_user_id)) then
    raise exception using errcode = 'PT404', message = 'not_found:session', detail = 'No such session.';
  end if;
  update public.llm_traces t
     set feedback = p_rating,
         feedback_comment = case when p_rating = 'pending' then null else nullif(trim(p_comment), '') end,
         updated_at = now()
   where t.session_id = p_session_id
  returning * into v_trace;
  if v_trace.id is null then
    raise exception using errcode = 'PT409', message = 'conflict:feedback',
      detail = 'This session was not tracked, so it has no trace to rate.';
  end if;
  return jsonb_build_object('trace_id', v_trace.id, 'session_id', p_session_id,
                            'feedback', v_trace.feedback, 'feedback_comment', v_trace.feedback_comment);
end
$$;

CREATE FUNCTION public.set_message_vote(p_user_id text, p_message_id uuid, p_vote text, p_session_id uuid DEFAULT NULL::uuid) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_message public.conversation_messages;
  v_previous text;
  v_trace public.llm_traces;
begin
  if p_vote is not null and p_vote not in ('up', 'down') then
    raise exception using errcode = 'PT400', message = 'bad_request:vote', detail = 'vote must be up, down or null.';
  end if;
  select m.* into v_message
    from public.conversation_messages m
    join public.conversation_sessions s on s.id = m.session_id
   where m.id = p_message_id
     and s.user_id = p_user_id
     and m.role = 'agent'
     and (p_session_id is null or m.session_id = p_session_id)
     for update of m;
  if v_message.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:message', detail = 'No such message.';
  end if;
  v_previous := v_message.vote;
  if p_vote is distinct from v_previous then
    update public.conversation_messages m
       set vote = p_vote, voted_at = case when p_vote is null then null else now() end
     where m.id = p_message_id;
    update public.llm_traces t
       set votes_up = t.votes_up + (case when p_vote = 'up' then 1 else 0 end) - (case when v_previous = 'up' then 1 else 0 end),
           votes_down = t.votes_down + (case when p_vote = 'down' then 1 else 0 end) - (case when v_previous = 'down' then 1 else 0 end),
           updated_at = now()
     where t.session_id = v_message.session_id;
  end if;
  select t.* into v_trace from public.llm_traces t where t.session_id = v_message.session_id;
  return jsonb_build_object(
    'message_id', v_message.id, 'session_id', v_message.session_id, 'vote', p_vote, 'previous_vote', v_previous,
    'trace_id', v_trace.id, 'votes_up', v_trace.votes_up, 'votes_down', v_trace.votes_down
  );
end
$$;

CREATE FUNCTION public.set_reply_audio(p_message_id uuid, p_audio_url text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  update public.conversation_messages m set audio_url = p_audio_url
   where m.id = p_message_id and m.role = 'agent' and m.audio_url is null;
  return jsonb_build_object('set', found);
end
$$;

CREATE FUNCTION public.set_trace_feedback(p_trace_id uuid, p_rating text, p_comment text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_session uuid;
begin
  select t.session_id into v_session from public.llm_traces t where t.id = p_trace_id;
  if v_session is null then
    raise exception using errcode = 'PT404', message = 'not_found:trace', detail = 'No such trace.';
  end if;
  return public.set_feedback(v_session, p_rating, p_comment, null);
end
$$;

CREATE FUNCTION public.settle_audio_deletions(p_deleted jsonb, p_failed jsonb DEFAULT '[]'::jsonb, p_error text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_deleted integer;
begin
  delete from public.audio_deletions d where d.name in (select jsonb_array_elements_text(coalesce(p_deleted, '[]')));
  get diagnostics v_deleted = row_count;
  update public.audio_deletions d set last_error = left(p_error, 1000)
   where d.name in (select jsonb_array_elements_text(coalesce(p_failed, '[]')));
  return jsonb_build_object('deleted', v_deleted, 'pending', (select count(*) from public.audio_deletions));
end
$$;

CREATE FUNCTION public.settle_whatsapp_inbox(p_id text, p_error text DEFAULT NULL::text, p_base_ms integer DEFAULT 1000, p_max_ms integer DEFAULT 300000) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  update public.whatsapp_inbox i
     set claimed_until = null,
         processed_at = case when p_error is null then clock_timestamp() end,
         last_error = left(p_error, 2000),
         next_attempt_at = case when p_error is null then i.next_attempt_at else clock_timestamp() + make_interval(secs =>
           least(greatest(p_max_ms, 1), greatest(p_base_ms, 1) * power(2, least(greatest(i.attempts - 1, 0), 30)))
           * (0.8 + random() * 0.4) / 1000.0) end
   where i.wa_message_id = p_id and i.processed_at is null;
  return jsonb_build_object('settled', found);
end
$$;

CREATE FUNCTION public.settle_whatsapp_outbox(p_id bigint, p_error text DEFAULT NULL::text, p_base_ms integer DEFAULT 1000, p_max_ms integer DEFAULT 300000) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  update public.whatsapp_outbox o
     set claimed_until = null,
         sent_at = case when p_error is null then clock_timestamp() end,
         last_error = left(p_error, 2000),
         next_attempt_at = case when p_error is null then o.next_attempt_at else clock_timestamp() + make_interval(secs =>
           least(greatest(p_max_ms, 1), greatest(p_base_ms, 1) * power(2, least(greatest(o.attempts - 1, 0), 30)))
           * (0.8 + random() * 0.4) / 1000.0) end
   where o.id = p_id and o.sent_at is null;
  return jsonb_build_object('settled', found);
end
$$;

CREATE FUNCTION public.start_session(p_user_id text, p_channel text, p_agent text, p_model_id uuid, p_tracking boolean, p_reason text, p_previous_session_id uuid DEFAULT NULL::uuid, p_request_id text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION public.trace_detail(p_trace_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_trace public.llm_traces;
begin
  select * into v_trace from public.llm_traces t where t.id = p_trace_id;
  if v_trace.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:trace', detail = 'No such trace.';
  end if;
  return jsonb_build_object(
    'trace', to_jsonb(v_trace) || jsonb_build_object(
      'model_key', (select m.key from public.llm_models m where m.id = v_trace.model_id),
      'model_name', (select m.name from public.llm_models m where m.id = v_trace.model_id),
      'last_error', private.masked(v_trace.last_error),
      'feedback_comment', private.masked(v_trace.feedback_comment)),
    'session', public.session_json(v_trace.session_id),
    'messages', coalesce((select jsonb_agg(public.message_json(m) || jsonb_build_object(
                                'content', private.masked(m.content), 'metadata', private.masked_jsonb(m.metadata))
                              order by m.seq)
                            from public.conversation_messages m where m.session_id = v_trace.session_id), '[]'::jsonb),
    'events', coalesce((select jsonb_agg(to_jsonb(e) order by e.id)
                          from public.session_events e
                         where e.session_id = v_trace.session_id or e.previous_session_id = v_trace.session_id), '[]'::jsonb),
    'visitor_sessions', coalesce((select jsonb_agg(jsonb_build_object(
                            'session_id', s.id, 'session_tag', s.session_tag, 'agent_type', s.agent_type,
                            'started_at', s.started_at, 'is_active', s.is_active, 'trace_id', t.id) order by s.started_at desc)
                          from public.conversation_sessions s left join public.llm_traces t on t.session_id = s.id
                         where s.user_id = v_trace.user_id), '[]'::jsonb),
    -- read through llm_observations_trace (trace_id, started_at, position)
    'observations', coalesce((select jsonb_agg(jsonb_build_object(
                            'id', o.id, 'message_id', o.message_id, 'parent_id', o.parent_id, 'position', o.position,
                            'kind', o.kind, 'name', o.name, 'status', o.status, 'started_at', o.started_at,
                            'ended_at', o.ended_at, 'duration_ms', o.duration_ms, 'model', o.model,
                            'input_tokens', o.input_tokens, 'output_tokens', o.output_tokens,
                            'cached_input_tokens', o.cached_input_tokens, 'time_to_first_token_ms', o.time_to_first_token_ms,
                            'finish_reason', o.finish_reason, 'cost_usd', o.cost_usd, 'tool_call_id', o.tool_call_id,
                            'arguments', private.masked_jsonb(o.arguments), 'result', private.masked_jsonb(o.result), 'payload_cap_bytes', o.payload_cap_bytes,
                            'truncated', o.truncated, 'error', private.masked(o.error))
                          order by o.started_at, o.position, o.id)
                          from public.llm_observations o where o.trace_id = v_trace.id), '[]'::jsonb)
  );
end
$$;

CREATE FUNCTION public.turn_endings(p_session_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce((
    select e.detail -> 'ended' from public.session_events e
     where e.session_id = p_session_id and e.event = 'started'
     order by e.id limit 1
  ), '[]'::jsonb)
$$;

CREATE FUNCTION public.whatsapp_button(p_wa_id text, p_message_id uuid, p_index integer) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('session_id', m.session_id, 'button', m.metadata -> 'buttons' -> p_index)
    from public.conversation_messages m
    join public.conversation_sessions s on s.id = m.session_id
   where m.id = p_message_id and s.user_id = p_wa_id and s.channel = 'whatsapp' and m.role = 'agent'
     and jsonb_typeof(m.metadata -> 'buttons' -> p_index) = 'object'
$$;

CREATE FUNCTION public.whatsapp_notice(p_id text, p_text text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_in public.whatsapp_inbox;
begin
  select * into v_in from public.whatsapp_inbox i where i.wa_message_id = p_id for update;
  if v_in.wa_message_id is null then
    raise exception using errcode = 'PT404', message = 'not_found:whatsapp', detail = 'No such inbox message.';
  end if;
  insert into public.whatsapp_outbox (dedupe_key, notice, wa_id)
  values ('notice:' || p_id, left(p_text, 4096), v_in.wa_id)
  on conflict (dedupe_key) do nothing;
  update public.whatsapp_inbox i set processed_at = clock_timestamp(), claimed_until = null
   where i.wa_message_id = p_id and i.processed_at is null;
  return jsonb_build_object('queued', true);
end
$$;

CREATE FUNCTION public.whatsapp_part_sent(p_id bigint, p_parts_sent integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  update public.whatsapp_outbox o set parts_sent = greatest(o.parts_sent, p_parts_sent) where o.id = p_id;
  return jsonb_build_object('parts_sent', p_parts_sent);
end
$$;

CREATE FUNCTION public.whatsapp_receive(p_messages jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_ids jsonb;
begin
  if jsonb_typeof(p_messages) <> 'array' then
    raise exception using errcode = 'PT400', message = 'bad_request:whatsapp', detail = 'p_messages must be an array.';
  end if;
  with added as (
    insert into public.whatsapp_inbox (wa_message_id, wa_id, message)
    select m ->> 'id', m ->> 'from', m -> 'message'
      from jsonb_array_elements(p_messages) m
    on conflict (wa_message_id) do nothing
    returning wa_message_id
  )
  select coalesce(jsonb_agg(a.wa_message_id), '[]'::jsonb) into v_ids from added a;
  return jsonb_build_object('stored', v_ids);
end
$$;

CREATE TABLE public.agent_tools (
    name text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT agent_tools_name_check CHECK ((name ~ '^[a-z][a-z0-9_]{0,63}$'::text))
);

CREATE TABLE public.agent_versions (
    agent_key text NOT NULL,
    version integer NOT NULL,
    name text NOT NULL,
    description text NOT NULL,
    instructions text NOT NULL,
    greeting text,
    model_key text,
    tools text[] NOT NULL,
    handoffs text[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT agent_versions_version_check CHECK ((version >= 1))
);

CREATE TABLE public.agents (
    key text NOT NULL,
    name text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    instructions text NOT NULL,
    greeting text,
    model_key text,
    tools text[] DEFAULT '{}'::text[] NOT NULL,
    handoffs text[] DEFAULT '{}'::text[] NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    is_enabled boolean DEFAULT true NOT NULL,
    menu_position integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT agents_description_check CHECK ((length(description) <= 500)),
    CONSTRAINT agents_greeting_check CHECK ((length(greeting) <= 2000)),
    CONSTRAINT agents_instructions_check CHECK (((length(instructions) >= 1) AND (length(instructions) <= 20000))),
    CONSTRAINT agents_key_check CHECK ((key ~ '^[a-z][a-z0-9_]{0,63}$'::text)),
    CONSTRAINT agents_name_check CHECK (((length(name) >= 1) AND (length(name) <= 80))),
    CONSTRAINT agents_version_check CHECK ((version >= 1))
);

ALTER TABLE public.agents ALTER COLUMN menu_position ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.agents_menu_position_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.app_settings (
    key text NOT NULL,
    value text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT app_settings_key_check CHECK ((key ~ '^[a-z_]{1,64}$'::text))
);

CREATE TABLE public.audio_deletions (
    name text NOT NULL,
    queued_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    last_error text,
    CONSTRAINT audio_deletions_last_error_check CHECK ((length(last_error) <= 1000)),
    CONSTRAINT audio_deletions_name_check CHECK ((name ~ '^[0-9a-f-]{36}\.[a-z0-9]{2,5}$'::text))
);

ALTER TABLE public.conversation_messages ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.conversation_messages_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.dashboard_visitor_days (
    day date NOT NULL,
    user_id text NOT NULL,
    experiment_name text,
    traces bigint NOT NULL
);

CREATE TABLE public.dashboard_visitors (
    user_id text NOT NULL,
    experiment_name text,
    traces bigint NOT NULL
);

CREATE TABLE public.erasures (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    opaque_id text NOT NULL,
    requested_by text NOT NULL,
    counts jsonb DEFAULT '{}'::jsonb NOT NULL,
    erased_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT erasures_opaque_id_check CHECK ((opaque_id ~ '^erased_[0-9a-f]{32}$'::text)),
    CONSTRAINT erasures_requested_by_check CHECK ((requested_by = ANY (ARRAY['operator'::text, 'visitor'::text, 'sql'::text])))
);

CREATE TABLE public.flow_states (
    session_id uuid NOT NULL,
    flow text NOT NULL,
    state jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT flow_states_flow_check CHECK ((flow ~ '^[a-z][a-z0-9_]{0,63}$'::text))
);

CREATE TABLE public.llm_models (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    key text NOT NULL,
    name text NOT NULL,
    provider text NOT NULL,
    experiment_name text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    input_price_per_million numeric(12,6) DEFAULT 0 NOT NULL,
    output_price_per_million numeric(12,6) DEFAULT 0 NOT NULL,
    cached_input_price_per_million numeric(12,6),
    CONSTRAINT llm_models_cached_input_price_per_million_check CHECK ((cached_input_price_per_million >= (0)::numeric)),
    CONSTRAINT llm_models_experiment_name_check CHECK ((length(experiment_name) <= 200)),
    CONSTRAINT llm_models_input_price_per_million_check CHECK ((input_price_per_million >= (0)::numeric)),
    CONSTRAINT llm_models_key_check CHECK ((key ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$'::text)),
    CONSTRAINT llm_models_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT llm_models_output_price_per_million_check CHECK ((output_price_per_million >= (0)::numeric)),
    CONSTRAINT llm_models_provider_check CHECK ((provider = ANY (ARRAY['offline'::text, 'openai_compatible'::text])))
);

CREATE TABLE public.llm_observations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    trace_id uuid NOT NULL,
    session_id uuid NOT NULL,
    user_id text NOT NULL,
    message_id uuid,
    parent_id uuid,
    "position" integer NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    status text DEFAULT 'ok'::text NOT NULL,
    started_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone NOT NULL,
    duration_ms integer NOT NULL,
    model text,
    input_tokens integer,
    output_tokens integer,
    cached_input_tokens integer,
    time_to_first_token_ms integer,
    finish_reason text,
    cost_usd numeric(16,8),
    tool_call_id text,
    arguments jsonb,
    result jsonb,
    payload_cap_bytes integer,
    truncated boolean DEFAULT false NOT NULL,
    error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT llm_observations_cached_input_tokens_check CHECK ((cached_input_tokens >= 0)),
    CONSTRAINT llm_observations_cost_usd_check CHECK ((cost_usd >= (0)::numeric)),
    CONSTRAINT llm_observations_duration_ms_check CHECK ((duration_ms >= 0)),
    CONSTRAINT llm_observations_ended_after_start CHECK ((ended_at >= started_at)),
    CONSTRAINT llm_observations_error_check CHECK ((length(error) <= 4000)),
    CONSTRAINT llm_observations_generation_fields CHECK (((kind <> 'tool'::text) OR ((input_tokens IS NULL) AND (cost_usd IS NULL)))),
    CONSTRAINT llm_observations_input_tokens_check CHECK ((input_tokens >= 0)),
    CONSTRAINT llm_observations_kind_check CHECK ((kind = ANY (ARRAY['generation'::text, 'tool'::text, 'transcription'::text, 'speech'::text]))),
    CONSTRAINT llm_observations_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT llm_observations_output_tokens_check CHECK ((output_tokens >= 0)),
    CONSTRAINT llm_observations_position_check CHECK (("position" >= 0)),
    CONSTRAINT llm_observations_status_check CHECK ((status = ANY (ARRAY['ok'::text, 'error'::text]))),
    CONSTRAINT llm_observations_time_to_first_token_ms_check CHECK ((time_to_first_token_ms >= 0))
);

CREATE TABLE public.operator_sessions (
    id_hash text NOT NULL,
    token_hash text NOT NULL,
    issued_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    CONSTRAINT operator_sessions_check CHECK ((expires_at > issued_at)),
    CONSTRAINT operator_sessions_id_hash_check CHECK ((id_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT operator_sessions_token_hash_check CHECK ((token_hash ~ '^[0-9a-f]{64}$'::text))
);

CREATE TABLE public.otlp_outbox (
    id bigint NOT NULL,
    dedupe_key text NOT NULL,
    kind text NOT NULL,
    user_id text NOT NULL,
    session_id uuid NOT NULL,
    payload jsonb NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    claimed_until timestamp with time zone,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT otlp_outbox_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT otlp_outbox_kind_check CHECK ((kind = ANY (ARRAY['turn'::text, 'feedback'::text])))
);

ALTER TABLE public.otlp_outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.otlp_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.privacy_settings (
    id boolean DEFAULT true NOT NULL,
    pii_masking text DEFAULT 'off'::text NOT NULL,
    otlp_enabled boolean DEFAULT false NOT NULL,
    otlp_capture_content boolean DEFAULT false NOT NULL,
    otlp_outbox_cap integer DEFAULT 10000 NOT NULL,
    otlp_dropped bigint DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT privacy_settings_id_check CHECK (id),
    CONSTRAINT privacy_settings_otlp_dropped_check CHECK ((otlp_dropped >= 0)),
    CONSTRAINT privacy_settings_otlp_outbox_cap_check CHECK (((otlp_outbox_cap >= 1) AND (otlp_outbox_cap <= 10000000))),
    CONSTRAINT privacy_settings_pii_masking_check CHECK ((pii_masking = ANY (ARRAY['off'::text, 'export'::text, 'all'::text])))
);

CREATE TABLE public.rate_limit_buckets (
    bucket text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.retention_settings (
    id boolean DEFAULT true NOT NULL,
    retention_days integer,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT retention_settings_id_check CHECK (id),
    CONSTRAINT retention_settings_retention_days_check CHECK (((retention_days >= 1) AND (retention_days <= 36500)))
);

CREATE TABLE public.session_events (
    id bigint NOT NULL,
    session_id uuid NOT NULL,
    previous_session_id uuid,
    user_id text NOT NULL,
    event text NOT NULL,
    reason text,
    request_id text,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT session_events_event_check CHECK ((event = ANY (ARRAY['started'::text, 'switched'::text, 'ended'::text, 'expired'::text]))),
    CONSTRAINT session_events_reason_check CHECK ((reason = ANY (ARRAY['first_message'::text, 'agent_switch'::text, 'expired_previous'::text, 'ended_previous'::text, 'new_chat'::text, 'user'::text, 'idle'::text, 'superseded'::text]))),
    CONSTRAINT session_events_request_id_check CHECK ((length(request_id) <= 200))
);

ALTER TABLE public.session_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.session_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.session_tag_counters (
    user_id text NOT NULL,
    model_id uuid NOT NULL,
    last_value integer NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT session_tag_counters_last_value_check CHECK ((last_value >= 1))
);

CREATE TABLE public.voice_messages (
    user_id text NOT NULL,
    client_message_id uuid NOT NULL,
    audio_url text NOT NULL,
    transcript text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT voice_messages_audio_url_check CHECK (((length(audio_url) >= 1) AND (length(audio_url) <= 1000))),
    CONSTRAINT voice_messages_transcript_check CHECK ((length(transcript) <= 4000))
);

CREATE TABLE public.whatsapp_inbox (
    wa_message_id text NOT NULL,
    wa_id text NOT NULL,
    message jsonb NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    claimed_until timestamp with time zone,
    processed_at timestamp with time zone,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT whatsapp_inbox_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT whatsapp_inbox_wa_id_check CHECK ((wa_id ~ '^[0-9]{1,32}$'::text)),
    CONSTRAINT whatsapp_inbox_wa_message_id_check CHECK (((length(wa_message_id) >= 1) AND (length(wa_message_id) <= 256)))
);

CREATE TABLE public.whatsapp_outbox (
    id bigint NOT NULL,
    dedupe_key text NOT NULL,
    message_id uuid,
    notice text,
    wa_id text NOT NULL,
    parts_sent integer DEFAULT 0 NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    claimed_until timestamp with time zone,
    sent_at timestamp with time zone,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT whatsapp_outbox_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT whatsapp_outbox_notice_check CHECK (((notice IS NULL) OR ((length(notice) >= 1) AND (length(notice) <= 4096)))),
    CONSTRAINT whatsapp_outbox_parts_sent_check CHECK ((parts_sent >= 0)),
    CONSTRAINT whatsapp_outbox_reply_or_notice CHECK (((message_id IS NULL) <> (notice IS NULL))),
    CONSTRAINT whatsapp_outbox_wa_id_check CHECK ((wa_id ~ '^[0-9]{1,32}$'::text))
);

ALTER TABLE public.whatsapp_outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.whatsapp_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY public.agent_tools
    ADD CONSTRAINT agent_tools_pkey PRIMARY KEY (name);

ALTER TABLE ONLY public.agent_versions
    ADD CONSTRAINT agent_versions_pkey PRIMARY KEY (agent_key, version);

ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_pkey PRIMARY KEY (key);

ALTER TABLE ONLY public.app_settings
    ADD CONSTRAINT app_settings_pkey PRIMARY KEY (key);

ALTER TABLE ONLY public.audio_deletions
    ADD CONSTRAINT audio_deletions_pkey PRIMARY KEY (name);

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_client_id_per_session UNIQUE (session_id, client_message_id);

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.conversation_sessions
    ADD CONSTRAINT conversation_sessions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.conversation_sessions
    ADD CONSTRAINT conversation_sessions_user_tag UNIQUE (user_id, session_tag);

ALTER TABLE ONLY public.dashboard_channel_rollup
    ADD CONSTRAINT dashboard_channel_rollup_pkey PRIMARY KEY (day, channel, shard);

ALTER TABLE ONLY public.dashboard_rollup
    ADD CONSTRAINT dashboard_rollup_key UNIQUE NULLS NOT DISTINCT (day, agent_type, model_id, experiment_name, shard);

ALTER TABLE ONLY public.dashboard_visitor_days
    ADD CONSTRAINT dashboard_visitor_days_key UNIQUE NULLS NOT DISTINCT (day, user_id, experiment_name);

ALTER TABLE ONLY public.dashboard_visitors
    ADD CONSTRAINT dashboard_visitors_key UNIQUE NULLS NOT DISTINCT (user_id, experiment_name);

ALTER TABLE ONLY public.erasures
    ADD CONSTRAINT erasures_opaque_id_key UNIQUE (opaque_id);

ALTER TABLE ONLY public.erasures
    ADD CONSTRAINT erasures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.flow_states
    ADD CONSTRAINT flow_states_pkey PRIMARY KEY (session_id, flow);

ALTER TABLE ONLY public.llm_models
    ADD CONSTRAINT llm_models_key_key UNIQUE (key);

ALTER TABLE ONLY public.llm_models
    ADD CONSTRAINT llm_models_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.llm_observations
    ADD CONSTRAINT llm_observations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.llm_traces
    ADD CONSTRAINT llm_traces_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.llm_traces
    ADD CONSTRAINT llm_traces_session_id_key UNIQUE (session_id);

ALTER TABLE ONLY public.llm_traces
    ADD CONSTRAINT llm_traces_user_tag UNIQUE (user_id, session_tag);

ALTER TABLE ONLY public.operator_sessions
    ADD CONSTRAINT operator_sessions_pkey PRIMARY KEY (id_hash);

ALTER TABLE ONLY public.otlp_outbox
    ADD CONSTRAINT otlp_outbox_dedupe_key_key UNIQUE (dedupe_key);

ALTER TABLE ONLY public.otlp_outbox
    ADD CONSTRAINT otlp_outbox_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.privacy_settings
    ADD CONSTRAINT privacy_settings_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_pkey PRIMARY KEY (sku);

ALTER TABLE ONLY public.rate_limit_buckets
    ADD CONSTRAINT rate_limit_buckets_pkey PRIMARY KEY (bucket, window_start);

ALTER TABLE ONLY public.retention_settings
    ADD CONSTRAINT retention_settings_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.session_events
    ADD CONSTRAINT session_events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.session_tag_counters
    ADD CONSTRAINT session_tag_counters_pkey PRIMARY KEY (user_id, model_id);

ALTER TABLE ONLY public.voice_messages
    ADD CONSTRAINT voice_messages_pkey PRIMARY KEY (user_id, client_message_id);

ALTER TABLE ONLY public.whatsapp_inbox
    ADD CONSTRAINT whatsapp_inbox_pkey PRIMARY KEY (wa_message_id);

ALTER TABLE ONLY public.whatsapp_outbox
    ADD CONSTRAINT whatsapp_outbox_dedupe_key_key UNIQUE (dedupe_key);

ALTER TABLE ONLY public.whatsapp_outbox
    ADD CONSTRAINT whatsapp_outbox_pkey PRIMARY KEY (id);

CREATE UNIQUE INDEX agents_menu_position ON public.agents USING btree (menu_position);

CREATE INDEX audio_deletions_due ON public.audio_deletions USING btree (next_attempt_at);

CREATE INDEX conversation_messages_audio_url ON public.conversation_messages USING btree (audio_url) WHERE (audio_url IS NOT NULL);

CREATE UNIQUE INDEX conversation_messages_client_id_per_user ON public.conversation_messages USING btree (user_id, client_message_id) WHERE (client_message_id IS NOT NULL);

CREATE INDEX conversation_messages_created ON public.conversation_messages USING brin (created_at);

CREATE UNIQUE INDEX conversation_messages_one_reply ON public.conversation_messages USING btree (reply_to) WHERE ((reply_to IS NOT NULL) AND (superseded_at IS NULL));

CREATE INDEX conversation_messages_reply_to ON public.conversation_messages USING btree (reply_to) WHERE (reply_to IS NOT NULL);

CREATE UNIQUE INDEX conversation_messages_seq ON public.conversation_messages USING btree (seq);

CREATE INDEX conversation_messages_session_seq ON public.conversation_messages USING btree (session_id, seq);

CREATE INDEX conversation_messages_superseded_by ON public.conversation_messages USING btree (superseded_by) WHERE (superseded_by IS NOT NULL);

CREATE INDEX conversation_messages_superseded_open ON public.conversation_messages USING btree (reply_to) WHERE ((superseded_at IS NOT NULL) AND (superseded_by IS NULL));

CREATE UNIQUE INDEX conversation_sessions_one_active ON public.conversation_sessions USING btree (user_id, channel) WHERE is_active;

CREATE INDEX conversation_sessions_user_started ON public.conversation_sessions USING btree (user_id, started_at DESC);

CREATE INDEX dashboard_rollup_empty ON public.dashboard_rollup USING btree (day) WHERE (traces = 0);

CREATE INDEX dashboard_visitor_days_empty ON public.dashboard_visitor_days USING btree (day) WHERE (traces = 0);

CREATE INDEX dashboard_visitors_empty ON public.dashboard_visitors USING btree (user_id) WHERE (traces = 0);

CREATE INDEX llm_observations_created ON public.llm_observations USING brin (created_at);

CREATE INDEX llm_observations_message ON public.llm_observations USING btree (message_id);

CREATE INDEX llm_observations_parent ON public.llm_observations USING btree (parent_id) WHERE (parent_id IS NOT NULL);

CREATE INDEX llm_observations_session ON public.llm_observations USING btree (session_id);

CREATE INDEX llm_observations_trace ON public.llm_observations USING btree (trace_id, started_at, "position");

CREATE INDEX llm_traces_agent_created ON public.llm_traces USING btree (agent_type, created_at DESC, id DESC);

CREATE INDEX llm_traces_channel_created ON public.llm_traces USING btree (channel, created_at DESC, id DESC);

CREATE INDEX llm_traces_cost_created ON public.llm_traces USING btree (cost_usd DESC, created_at DESC, id DESC);

CREATE INDEX llm_traces_created ON public.llm_traces USING btree (created_at DESC, id DESC);

CREATE INDEX llm_traces_errors_created ON public.llm_traces USING btree (created_at DESC, id DESC) WHERE (error_count > 0);

CREATE INDEX llm_traces_feedback_created ON public.llm_traces USING btree (feedback, created_at DESC, id DESC);

CREATE INDEX llm_traces_model_created ON public.llm_traces USING btree (model_id, created_at DESC, id DESC);

CREATE INDEX llm_traces_session_tag ON public.llm_traces USING btree (session_tag, created_at DESC, id DESC);

CREATE INDEX llm_traces_session_tag_trgm ON public.llm_traces USING gin (session_tag extensions.gin_trgm_ops);

CREATE INDEX llm_traces_tools_used ON public.llm_traces USING gin (tools_used);

CREATE INDEX llm_traces_user_created ON public.llm_traces USING btree (user_id, created_at DESC, id DESC);

CREATE INDEX operator_sessions_expires_idx ON public.operator_sessions USING btree (expires_at);

CREATE INDEX otlp_outbox_user ON public.otlp_outbox USING btree (user_id);

CREATE INDEX products_search_vector ON public.products USING gin (search_vector);

CREATE INDEX session_events_session ON public.session_events USING btree (session_id, id);

CREATE INDEX session_tag_counters_model_last ON public.session_tag_counters USING btree (model_id, last_value DESC);

CREATE INDEX voice_messages_audio_url ON public.voice_messages USING btree (audio_url);

CREATE INDEX whatsapp_inbox_due ON public.whatsapp_inbox USING btree (next_attempt_at) WHERE (processed_at IS NULL);

CREATE INDEX whatsapp_inbox_wa_id ON public.whatsapp_inbox USING btree (wa_id);

CREATE INDEX whatsapp_outbox_due ON public.whatsapp_outbox USING btree (next_attempt_at) WHERE (sent_at IS NULL);

CREATE INDEX whatsapp_outbox_message ON public.whatsapp_outbox USING btree (message_id) WHERE (message_id IS NOT NULL);

CREATE INDEX whatsapp_outbox_wa_id ON public.whatsapp_outbox USING btree (wa_id);

CREATE TRIGGER agents_bump_version BEFORE UPDATE ON public.agents FOR EACH ROW EXECUTE FUNCTION public.agents_bump_version();

CREATE CONSTRAINT TRIGGER agents_check_handoffs AFTER INSERT OR DELETE OR UPDATE ON public.agents DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.agents_check_handoffs();

CREATE TRIGGER agents_check_tools BEFORE INSERT OR UPDATE OF tools ON public.agents FOR EACH ROW EXECUTE FUNCTION public.agents_check_tools();

CREATE TRIGGER agents_continue_version BEFORE INSERT ON public.agents FOR EACH ROW EXECUTE FUNCTION public.agents_continue_version();

CREATE TRIGGER agents_snapshot_version AFTER INSERT OR UPDATE ON public.agents FOR EACH ROW EXECUTE FUNCTION public.agents_snapshot_version();

CREATE TRIGGER conversation_messages_mask_pii BEFORE INSERT OR UPDATE OF content ON public.conversation_messages FOR EACH ROW EXECUTE FUNCTION private.mask_stored_message();

CREATE CONSTRAINT TRIGGER conversation_messages_otlp_export AFTER INSERT ON public.conversation_messages DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (((new.role = 'agent'::text) AND (new.reply_to IS NOT NULL))) EXECUTE FUNCTION private.otlp_on_reply();

CREATE TRIGGER conversation_messages_queue_audio AFTER DELETE ON public.conversation_messages REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION private.queue_message_audio();

CREATE TRIGGER conversation_messages_voice BEFORE INSERT ON public.conversation_messages FOR EACH ROW WHEN (((new.role = 'user'::text) AND (new.client_message_id IS NOT NULL) AND (new.audio_url IS NULL))) EXECUTE FUNCTION private.voice_audio_url();

CREATE CONSTRAINT TRIGGER conversation_messages_whatsapp_reply AFTER INSERT ON public.conversation_messages DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((new.role = 'agent'::text)) EXECUTE FUNCTION private.whatsapp_on_reply();

CREATE TRIGGER conversation_sessions_erase_channels AFTER UPDATE OF user_id ON public.conversation_sessions FOR EACH ROW WHEN (((new.user_id ~~ 'erased\_%'::text) AND (old.user_id !~~ 'erased\_%'::text))) EXECUTE FUNCTION private.erase_channel_data();

CREATE TRIGGER conversation_sessions_pin_agent_version BEFORE INSERT ON public.conversation_sessions FOR EACH ROW EXECUTE FUNCTION public.pin_agent_version();

CREATE CONSTRAINT TRIGGER llm_observations_otlp_export AFTER INSERT ON public.llm_observations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((new.message_id IS NOT NULL)) EXECUTE FUNCTION private.otlp_on_observation();

CREATE TRIGGER llm_traces_channel BEFORE INSERT ON public.llm_traces FOR EACH ROW EXECUTE FUNCTION private.trace_channel();

CREATE TRIGGER llm_traces_dashboard_channel_delete AFTER DELETE ON public.llm_traces REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION private.dashboard_channel_rows();

CREATE TRIGGER llm_traces_dashboard_channel_insert AFTER INSERT ON public.llm_traces REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION private.dashboard_channel_rows();

CREATE TRIGGER llm_traces_dashboard_channel_truncate AFTER TRUNCATE ON public.llm_traces FOR EACH STATEMENT EXECUTE FUNCTION private.dashboard_channel_truncate();

CREATE TRIGGER llm_traces_dashboard_channel_update AFTER UPDATE OF created_at, channel, llm_calls, input_tokens, output_tokens, cost_usd ON public.llm_traces FOR EACH ROW WHEN (((((((old.created_at IS DISTINCT FROM new.created_at) OR (old.channel IS DISTINCT FROM new.channel)) OR (old.llm_calls IS DISTINCT FROM new.llm_calls)) OR (old.input_tokens IS DISTINCT FROM new.input_tokens)) OR (old.output_tokens IS DISTINCT FROM new.output_tokens)) OR (old.cost_usd IS DISTINCT FROM new.cost_usd))) EXECUTE FUNCTION private.dashboard_channel_update();

CREATE TRIGGER llm_traces_dashboard_delete AFTER DELETE ON public.llm_traces REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.dashboard_rollup_rows();

CREATE TRIGGER llm_traces_dashboard_insert AFTER INSERT ON public.llm_traces REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.dashboard_rollup_rows();

CREATE TRIGGER llm_traces_dashboard_truncate AFTER TRUNCATE ON public.llm_traces FOR EACH STATEMENT EXECUTE FUNCTION public.dashboard_rollup_truncate();

CREATE TRIGGER llm_traces_dashboard_update AFTER UPDATE OF created_at, user_id, agent_type, model_id, experiment_name, llm_calls, input_tokens, output_tokens, latency_ms, status, feedback, cost_usd, tool_calls, error_count, votes_up, votes_down ON public.llm_traces FOR EACH ROW WHEN (((((((((((((((((old.created_at IS DISTINCT FROM new.created_at) OR (old.user_id IS DISTINCT FROM new.user_id)) OR (old.agent_type IS DISTINCT FROM new.agent_type)) OR (old.model_id IS DISTINCT FROM new.model_id)) OR (old.experiment_name IS DISTINCT FROM new.experiment_name)) OR (old.llm_calls IS DISTINCT FROM new.llm_calls)) OR (old.input_tokens IS DISTINCT FROM new.input_tokens)) OR (old.output_tokens IS DISTINCT FROM new.output_tokens)) OR (old.latency_ms IS DISTINCT FROM new.latency_ms)) OR (old.status IS DISTINCT FROM new.status)) OR (old.feedback IS DISTINCT FROM new.feedback)) OR (old.cost_usd IS DISTINCT FROM new.cost_usd)) OR (old.tool_calls IS DISTINCT FROM new.tool_calls)) OR (old.error_count IS DISTINCT FROM new.error_count)) OR (old.votes_up IS DISTINCT FROM new.votes_up)) OR (old.votes_down IS DISTINCT FROM new.votes_down))) EXECUTE FUNCTION public.dashboard_rollup_update();

CREATE TRIGGER llm_traces_otlp_feedback AFTER UPDATE OF feedback ON public.llm_traces FOR EACH ROW WHEN (((old.feedback IS DISTINCT FROM new.feedback) AND (new.feedback <> 'pending'::text))) EXECUTE FUNCTION private.otlp_on_feedback();

CREATE TRIGGER llm_traces_pin_agent_version BEFORE INSERT ON public.llm_traces FOR EACH ROW EXECUTE FUNCTION public.pin_agent_version();

CREATE TRIGGER voice_messages_queue_audio AFTER DELETE ON public.voice_messages REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION private.queue_voice_audio();

ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_model_key_fkey FOREIGN KEY (model_key) REFERENCES public.llm_models(key) ON UPDATE CASCADE ON DELETE SET NULL;

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_reply_to_fkey FOREIGN KEY (reply_to) REFERENCES public.conversation_messages(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.conversation_sessions(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_superseded_by_fkey FOREIGN KEY (superseded_by) REFERENCES public.conversation_messages(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.conversation_sessions
    ADD CONSTRAINT conversation_sessions_model_id_fkey FOREIGN KEY (model_id) REFERENCES public.llm_models(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.flow_states
    ADD CONSTRAINT flow_states_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.conversation_sessions(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.llm_observations
    ADD CONSTRAINT llm_observations_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.conversation_messages(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.llm_observations
    ADD CONSTRAINT llm_observations_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.llm_observations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.llm_observations
    ADD CONSTRAINT llm_observations_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.conversation_sessions(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.llm_observations
    ADD CONSTRAINT llm_observations_trace_id_fkey FOREIGN KEY (trace_id) REFERENCES public.llm_traces(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.llm_traces
    ADD CONSTRAINT llm_traces_model_id_fkey FOREIGN KEY (model_id) REFERENCES public.llm_models(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.llm_traces
    ADD CONSTRAINT llm_traces_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.conversation_sessions(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.session_events
    ADD CONSTRAINT session_events_previous_session_id_fkey FOREIGN KEY (previous_session_id) REFERENCES public.conversation_sessions(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.session_events
    ADD CONSTRAINT session_events_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.conversation_sessions(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.session_tag_counters
    ADD CONSTRAINT session_tag_counters_model_id_fkey FOREIGN KEY (model_id) REFERENCES public.llm_models(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.whatsapp_outbox
    ADD CONSTRAINT whatsapp_outbox_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.conversation_messages(id) ON DELETE CASCADE;

ALTER TABLE public.agent_tools ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.agent_versions ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.agents ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.app_settings ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.audio_deletions ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.conversation_messages ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.conversation_sessions ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.dashboard_channel_rollup ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.dashboard_rollup ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.dashboard_visitor_days ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.dashboard_visitors ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.erasures ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.flow_states ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.llm_models ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.llm_observations ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.llm_traces ENABLE ROW LEVEL SECURITY;

CREATE POLICY "models are readable by signed-in users" ON public.llm_models FOR SELECT TO authenticated USING (true);

ALTER TABLE public.operator_sessions ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.otlp_outbox ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.privacy_settings ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.products ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.rate_limit_buckets ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.retention_settings ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.session_events ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.session_tag_counters ENABLE ROW LEVEL SECURITY;

CREATE POLICY "the catalog is public" ON public.products FOR SELECT TO anon, authenticated USING (true);

CREATE POLICY "users read their own flow state" ON public.flow_states FOR SELECT TO authenticated USING ((EXISTS ( SELECT 1
   FROM public.conversation_sessions s
  WHERE ((s.id = flow_states.session_id) AND (s.user_id = (( SELECT auth.uid() AS uid))::text)))));

CREATE POLICY "users read their own messages" ON public.conversation_messages FOR SELECT TO authenticated USING ((user_id = (( SELECT auth.uid() AS uid))::text));

CREATE POLICY "users read their own observations" ON public.llm_observations FOR SELECT TO authenticated USING ((user_id = (( SELECT auth.uid() AS uid))::text));

CREATE POLICY "users read their own session events" ON public.session_events FOR SELECT TO authenticated USING ((user_id = (( SELECT auth.uid() AS uid))::text));

CREATE POLICY "users read their own sessions" ON public.conversation_sessions FOR SELECT TO authenticated USING ((user_id = (( SELECT auth.uid() AS uid))::text));

CREATE POLICY "users read their own traces" ON public.llm_traces FOR SELECT TO authenticated USING ((user_id = (( SELECT auth.uid() AS uid))::text));

ALTER TABLE public.voice_messages ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.whatsapp_inbox ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.whatsapp_outbox ENABLE ROW LEVEL SECURITY;

GRANT USAGE ON SCHEMA private TO service_role;

GRANT USAGE ON SCHEMA public TO anon;
GRANT USAGE ON SCHEMA public TO authenticated;
GRANT USAGE ON SCHEMA public TO service_role;

REVOKE ALL ON FUNCTION private.action_source(p_session_id uuid, p_action jsonb, OUT message_id uuid, OUT metadata jsonb, OUT label text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.action_source(p_session_id uuid, p_action jsonb, OUT message_id uuid, OUT metadata jsonb, OUT label text) TO service_role;

REVOKE ALL ON FUNCTION private.agent_json(p_key text, p_version integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.agent_json(p_key text, p_version integer) TO service_role;

REVOKE ALL ON FUNCTION private.audio_name(p_audio_url text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.audio_name(p_audio_url text) TO service_role;

GRANT SELECT ON TABLE public.conversation_sessions TO anon;
GRANT SELECT ON TABLE public.conversation_sessions TO authenticated;
GRANT ALL ON TABLE public.conversation_sessions TO service_role;

REVOKE ALL ON FUNCTION private.choose_agent(p_agent text, p_action jsonb, p_message text, p_session public.conversation_sessions, p_default_agent text, OUT agent_key text, OUT choice text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.choose_agent(p_agent text, p_action jsonb, p_message text, p_session public.conversation_sessions, p_default_agent text, OUT agent_key text, OUT choice text) TO service_role;

REVOKE ALL ON FUNCTION private.dashboard_channel_bump(p_day date, p_channel text, p_shard smallint, p_traces bigint, p_llm_calls bigint, p_total_tokens bigint, p_cost_usd numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_channel_bump(p_day date, p_channel text, p_shard smallint, p_traces bigint, p_llm_calls bigint, p_total_tokens bigint, p_cost_usd numeric) TO service_role;

GRANT ALL ON TABLE public.dashboard_channel_rollup TO service_role;

REVOKE ALL ON FUNCTION private.dashboard_channel_rollup_of(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_channel_rollup_of(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION private.dashboard_channel_rows() FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_channel_rows() TO service_role;

REVOKE ALL ON FUNCTION private.dashboard_channel_truncate() FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_channel_truncate() TO service_role;

REVOKE ALL ON FUNCTION private.dashboard_channel_update() FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_channel_update() TO service_role;

REVOKE ALL ON FUNCTION private.epoch_ms(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.epoch_ms(p_at timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION private.erase_channel_data() FROM PUBLIC;
GRANT ALL ON FUNCTION private.erase_channel_data() TO service_role;

GRANT SELECT ON TABLE public.conversation_messages TO anon;
GRANT SELECT ON TABLE public.conversation_messages TO authenticated;
GRANT ALL ON TABLE public.conversation_messages TO service_role;

REVOKE ALL ON FUNCTION private.finished_turn(p_reply public.conversation_messages) FROM PUBLIC;
GRANT ALL ON FUNCTION private.finished_turn(p_reply public.conversation_messages) TO service_role;

REVOKE ALL ON FUNCTION private.generic_lexemes() FROM PUBLIC;
GRANT ALL ON FUNCTION private.generic_lexemes() TO service_role;

REVOKE ALL ON FUNCTION private.hand_off(p_question public.conversation_messages, p_handoff jsonb, p_from_reply public.conversation_messages) FROM PUBLIC;
GRANT ALL ON FUNCTION private.hand_off(p_question public.conversation_messages, p_handoff jsonb, p_from_reply public.conversation_messages) TO service_role;

REVOKE ALL ON FUNCTION private.handoff_agents(p_handoffs jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.handoff_agents(p_handoffs jsonb) TO service_role;

REVOKE ALL ON FUNCTION private.handoff_json(p_reply public.conversation_messages, p_from_reply public.conversation_messages) FROM PUBLIC;
GRANT ALL ON FUNCTION private.handoff_json(p_reply public.conversation_messages, p_from_reply public.conversation_messages) TO service_role;

REVOKE ALL ON FUNCTION private.history_chars() FROM PUBLIC;
GRANT ALL ON FUNCTION private.history_chars() TO service_role;

REVOKE ALL ON FUNCTION private.hit_rate_limit(p_bucket text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.hit_rate_limit(p_bucket text, p_limit integer) TO service_role;

REVOKE ALL ON FUNCTION private.luhn_ok(p_digits text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.luhn_ok(p_digits text) TO service_role;

REVOKE ALL ON FUNCTION private.mask_pii(p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.mask_pii(p_text text) TO service_role;

REVOKE ALL ON FUNCTION private.mask_pii_jsonb(p_value jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.mask_pii_jsonb(p_value jsonb) TO service_role;

REVOKE ALL ON FUNCTION private.mask_stored_message() FROM PUBLIC;
GRANT ALL ON FUNCTION private.mask_stored_message() TO service_role;

REVOKE ALL ON FUNCTION private.masked(p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.masked(p_text text) TO service_role;

REVOKE ALL ON FUNCTION private.masked_jsonb(p_value jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.masked_jsonb(p_value jsonb) TO service_role;

REVOKE ALL ON FUNCTION private.masking_outputs() FROM PUBLIC;
GRANT ALL ON FUNCTION private.masking_outputs() TO service_role;

REVOKE ALL ON FUNCTION private.menu_pick(p_session_id uuid, p_message text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.menu_pick(p_session_id uuid, p_message text) TO service_role;

REVOKE ALL ON FUNCTION private.menu_reply(p_agent text, OUT content text, OUT metadata jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.menu_reply(p_agent text, OUT content text, OUT metadata jsonb) TO service_role;

REVOKE ALL ON FUNCTION private.model_id(p_model_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.model_id(p_model_key text) TO service_role;

REVOKE ALL ON FUNCTION private.open_session(p_user_id text, p_session public.conversation_sessions, p_agent text, p_channel text, p_model_id uuid, p_tracking boolean, p_idle_minutes integer, p_request_id text, OUT session_id uuid, OUT reason text, OUT previous_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.open_session(p_user_id text, p_session public.conversation_sessions, p_agent text, p_channel text, p_model_id uuid, p_tracking boolean, p_idle_minutes integer, p_request_id text, OUT session_id uuid, OUT reason text, OUT previous_session_id uuid) TO service_role;

REVOKE ALL ON FUNCTION private.otlp_append(p_key text, p_kind text, p_user_id text, p_session_id uuid, p_payload jsonb, p_cap integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_append(p_key text, p_kind text, p_user_id text, p_session_id uuid, p_payload jsonb, p_cap integer) TO service_role;

REVOKE ALL ON FUNCTION private.otlp_enqueue_turn(p_session_id uuid, p_message_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_enqueue_turn(p_session_id uuid, p_message_id uuid) TO service_role;

REVOKE ALL ON FUNCTION private.otlp_on_feedback() FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_on_feedback() TO service_role;

REVOKE ALL ON FUNCTION private.otlp_on_observation() FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_on_observation() TO service_role;

REVOKE ALL ON FUNCTION private.otlp_on_reply() FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_on_reply() TO service_role;

REVOKE ALL ON FUNCTION private.over_rate_limits(p_user_id text, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.over_rate_limits(p_user_id text, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer) TO service_role;

REVOKE ALL ON FUNCTION private.phone_like(p_run text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.phone_like(p_run text) TO service_role;

REVOKE ALL ON FUNCTION private.tags_text(p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.tags_text(p_tags text[]) TO service_role;

GRANT SELECT ON TABLE public.products TO anon;
GRANT SELECT ON TABLE public.products TO authenticated;
GRANT ALL ON TABLE public.products TO service_role;

REVOKE ALL ON FUNCTION private.product_hit(p public.products, p_rank real, p_featured boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION private.product_hit(p public.products, p_rank real, p_featured boolean) TO service_role;

REVOKE ALL ON FUNCTION private.queue_message_audio() FROM PUBLIC;
GRANT ALL ON FUNCTION private.queue_message_audio() TO service_role;

REVOKE ALL ON FUNCTION private.queue_voice_audio() FROM PUBLIC;
GRANT ALL ON FUNCTION private.queue_voice_audio() TO service_role;

REVOKE ALL ON FUNCTION private.record_steps(p_session_id uuid, p_message_id uuid, p_observations jsonb, p_latency_ms integer, p_input_tokens integer, p_output_tokens integer, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.record_steps(p_session_id uuid, p_message_id uuid, p_observations jsonb, p_latency_ms integer, p_input_tokens integer, p_output_tokens integer, p_error text) TO service_role;

REVOKE ALL ON FUNCTION private.regenerate_turn(p_user_id text, p_action jsonb, p_client_message_id uuid, p_history_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.regenerate_turn(p_user_id text, p_action jsonb, p_client_message_id uuid, p_history_limit integer) TO service_role;

REVOKE ALL ON FUNCTION private.replayed_turn(p_user_id text, p_client_message_id uuid, p_history_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.replayed_turn(p_user_id text, p_client_message_id uuid, p_history_limit integer) TO service_role;

REVOKE ALL ON FUNCTION private.resolve_session(p_user_id text, p_session_id uuid, p_channel text, p_is_press boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION private.resolve_session(p_user_id text, p_session_id uuid, p_channel text, p_is_press boolean) TO service_role;

REVOKE ALL ON FUNCTION private.retention_drop_observation_partitions(p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.retention_drop_observation_partitions(p_days integer) TO service_role;

REVOKE ALL ON FUNCTION private.save_flows(p_session_id uuid, p_flows jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.save_flows(p_session_id uuid, p_flows jsonb) TO service_role;

REVOKE ALL ON FUNCTION private.store_answer(p_kind text, p_session_id uuid, p_user_id text, p_question public.conversation_messages, p_client_message_id uuid, p_choice text, p_new_session boolean, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.store_answer(p_kind text, p_session_id uuid, p_user_id text, p_question public.conversation_messages, p_client_message_id uuid, p_choice text, p_new_session boolean, p_request_id text) TO service_role;

REVOKE ALL ON FUNCTION private.store_question(p_session_id uuid, p_user_id text, p_message text, p_action jsonb, p_client_message_id uuid, p_new_session boolean, p_choice text, p_source_id uuid, p_source_label text, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.store_question(p_session_id uuid, p_user_id text, p_message text, p_action jsonb, p_client_message_id uuid, p_new_session boolean, p_choice text, p_source_id uuid, p_source_label text, p_request_id text) TO service_role;

REVOKE ALL ON FUNCTION private.trace_channel() FROM PUBLIC;
GRANT ALL ON FUNCTION private.trace_channel() TO service_role;

REVOKE ALL ON FUNCTION private.turn_gate(p_user_id text, p_client_message_id uuid, p_action jsonb, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer, p_history_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.turn_gate(p_user_id text, p_client_message_id uuid, p_action jsonb, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer, p_history_limit integer) TO service_role;

REVOKE ALL ON FUNCTION private.turn_json(p_status text, p_choice text, p_new boolean, p_reason text, p_previous uuid, p_session_id uuid, p_user_message public.conversation_messages, p_reply public.conversation_messages, p_source jsonb, p_history_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.turn_json(p_status text, p_choice text, p_new boolean, p_reason text, p_previous uuid, p_session_id uuid, p_user_message public.conversation_messages, p_reply public.conversation_messages, p_source jsonb, p_history_limit integer) TO service_role;

REVOKE ALL ON FUNCTION private.turn_kind(p_message text, p_action jsonb, p_choice text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.turn_kind(p_message text, p_action jsonb, p_choice text) TO service_role;

REVOKE ALL ON FUNCTION private.voice_audio_url() FROM PUBLIC;
GRANT ALL ON FUNCTION private.voice_audio_url() TO service_role;

REVOKE ALL ON FUNCTION private.whatsapp_on_reply() FROM PUBLIC;
GRANT ALL ON FUNCTION private.whatsapp_on_reply() TO service_role;

REVOKE ALL ON FUNCTION public.ack_otlp_outbox(p_ids jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.ack_otlp_outbox(p_ids jsonb) TO service_role;

REVOKE ALL ON FUNCTION public.agents_bump_version() FROM PUBLIC;
GRANT ALL ON FUNCTION public.agents_bump_version() TO service_role;

REVOKE ALL ON FUNCTION public.agents_check_handoffs() FROM PUBLIC;
GRANT ALL ON FUNCTION public.agents_check_handoffs() TO service_role;

REVOKE ALL ON FUNCTION public.agents_check_tools() FROM PUBLIC;
GRANT ALL ON FUNCTION public.agents_check_tools() TO service_role;

REVOKE ALL ON FUNCTION public.agents_continue_version() FROM PUBLIC;
GRANT ALL ON FUNCTION public.agents_continue_version() TO service_role;

REVOKE ALL ON FUNCTION public.agents_snapshot_version() FROM PUBLIC;
GRANT ALL ON FUNCTION public.agents_snapshot_version() TO service_role;

REVOKE ALL ON FUNCTION public.app_health() FROM PUBLIC;
GRANT ALL ON FUNCTION public.app_health() TO service_role;

REVOKE ALL ON FUNCTION public.apply_retention(p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.apply_retention(p_batch integer) TO service_role;

REVOKE ALL ON FUNCTION public.audio_owned_by(p_audio_url text, p_user_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.audio_owned_by(p_audio_url text, p_user_id text) TO service_role;

REVOKE ALL ON FUNCTION public.begin_turn(p_user_id text, p_message text, p_session_id uuid, p_agent text, p_default_agent text, p_model_key text, p_tracking boolean, p_client_message_id uuid, p_action jsonb, p_channel text, p_idle_minutes integer, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer, p_history_limit integer, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.begin_turn(p_user_id text, p_message text, p_session_id uuid, p_agent text, p_default_agent text, p_model_key text, p_tracking boolean, p_client_message_id uuid, p_action jsonb, p_channel text, p_idle_minutes integer, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer, p_history_limit integer, p_request_id text) TO service_role;

REVOKE ALL ON FUNCTION public.catalog_products() FROM PUBLIC;
GRANT ALL ON FUNCTION public.catalog_products() TO service_role;

REVOKE ALL ON FUNCTION public.claim_audio_deletions(p_limit integer, p_lease_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.claim_audio_deletions(p_limit integer, p_lease_seconds integer) TO service_role;

REVOKE ALL ON FUNCTION public.claim_otlp_outbox(p_limit integer, p_lease_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.claim_otlp_outbox(p_limit integer, p_lease_seconds integer) TO service_role;

REVOKE ALL ON FUNCTION public.claim_whatsapp_inbox(p_limit integer, p_lease_seconds integer, p_ids jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.claim_whatsapp_inbox(p_limit integer, p_lease_seconds integer, p_ids jsonb) TO service_role;

REVOKE ALL ON FUNCTION public.claim_whatsapp_outbox(p_limit integer, p_lease_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.claim_whatsapp_outbox(p_limit integer, p_lease_seconds integer) TO service_role;

REVOKE ALL ON FUNCTION public.close_idle_sessions(p_idle_minutes integer, p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.close_idle_sessions(p_idle_minutes integer, p_batch integer) TO service_role;

REVOKE ALL ON FUNCTION public.close_session(p_session_id uuid, p_reason text, p_event text, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.close_session(p_session_id uuid, p_reason text, p_event text, p_request_id text) TO service_role;

REVOKE ALL ON FUNCTION public.configure_privacy(p_pii_masking text, p_otlp_enabled boolean, p_capture_content boolean, p_outbox_cap integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.configure_privacy(p_pii_masking text, p_otlp_enabled boolean, p_capture_content boolean, p_outbox_cap integer) TO service_role;

REVOKE ALL ON FUNCTION public.configure_retention(p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.configure_retention(p_days integer) TO service_role;

REVOKE ALL ON FUNCTION public.count_new_visitor(p_client_ip text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.count_new_visitor(p_client_ip text, p_limit integer) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_channels(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_channels(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_daily(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_daily(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_experiments(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_experiments(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_feedback_by_agent(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_feedback_by_agent(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_feedback_by_model(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_feedback_by_model(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_figures(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_figures(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_llm_calls_distribution(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_llm_calls_distribution(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

GRANT SELECT ON TABLE public.llm_traces TO anon;
GRANT SELECT ON TABLE public.llm_traces TO authenticated;
GRANT ALL ON TABLE public.llm_traces TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_rollup_add(p_trace public.llm_traces, p_sign integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_add(p_trace public.llm_traces, p_sign integer) TO service_role;

GRANT ALL ON TABLE public.dashboard_rollup TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_rollup_of(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_of(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_rollup_rebuild() FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_rebuild() TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_rollup_rows() FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_rows() TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_rollup_truncate() FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_truncate() TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_rollup_update() FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_update() TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_slices(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_slices(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_stats(p_from timestamp with time zone, p_to timestamp with time zone, p_experiment_a text, p_experiment_b text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_stats(p_from timestamp with time zone, p_to timestamp with time zone, p_experiment_a text, p_experiment_b text) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_totals(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_totals(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_usage_by_agent(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_usage_by_agent(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_usage_by_model(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_usage_by_model(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_visitor_pairs(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_visitor_pairs(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.dashboard_window(p_from timestamp with time zone, p_to timestamp with time zone, OUT first_day date, OUT end_day date, OUT edge_lo timestamp with time zone, OUT edge_hi timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_window(p_from timestamp with time zone, p_to timestamp with time zone, OUT first_day date, OUT end_day date, OUT edge_lo timestamp with time zone, OUT edge_hi timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.end_session(p_user_id text, p_session_id uuid, p_reason text, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.end_session(p_user_id text, p_session_id uuid, p_reason text, p_request_id text) TO service_role;

REVOKE ALL ON FUNCTION public.ensure_admin_token_hash(p_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.ensure_admin_token_hash(p_hash text) TO service_role;

REVOKE ALL ON FUNCTION public.ensure_setting(p_key text, p_value text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.ensure_setting(p_key text, p_value text) TO service_role;

REVOKE ALL ON FUNCTION public.erase_visitor(p_user_id text, p_requested_by text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.erase_visitor(p_user_id text, p_requested_by text) TO service_role;

REVOKE ALL ON FUNCTION public.export_visitor(p_user_id text, p_mask boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.export_visitor(p_user_id text, p_mask boolean) TO service_role;

REVOKE ALL ON FUNCTION public.finish_turn(p_user_message_id uuid, p_content text, p_metadata jsonb, p_flows jsonb, p_input_tokens integer, p_output_tokens integer, p_latency_ms integer, p_partial boolean, p_error text, p_observations jsonb, p_handoff jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.finish_turn(p_user_message_id uuid, p_content text, p_metadata jsonb, p_flows jsonb, p_input_tokens integer, p_output_tokens integer, p_latency_ms integer, p_partial boolean, p_error text, p_observations jsonb, p_handoff jsonb) TO service_role;

REVOKE ALL ON FUNCTION public.flow_is_open(p_state jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.flow_is_open(p_state jsonb) TO service_role;

REVOKE ALL ON FUNCTION public.list_agents() FROM PUBLIC;
GRANT ALL ON FUNCTION public.list_agents() TO service_role;

REVOKE ALL ON FUNCTION public.maintenance_scheduler() FROM PUBLIC;
GRANT ALL ON FUNCTION public.maintenance_scheduler() TO service_role;

REVOKE ALL ON FUNCTION public.mask_pii(p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mask_pii(p_text text) TO service_role;

REVOKE ALL ON FUNCTION public.message_json(p public.conversation_messages) FROM PUBLIC;
GRANT ALL ON FUNCTION public.message_json(p public.conversation_messages) TO service_role;

REVOKE ALL ON FUNCTION public.operator_authenticate(p_token_hash text, p_bucket text, p_limit integer, p_session_hash text, p_ttl_minutes integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.operator_authenticate(p_token_hash text, p_bucket text, p_limit integer, p_session_hash text, p_ttl_minutes integer) TO service_role;

REVOKE ALL ON FUNCTION public.operator_logout(p_session_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.operator_logout(p_session_hash text) TO service_role;

REVOKE ALL ON FUNCTION public.operator_models() FROM PUBLIC;
GRANT ALL ON FUNCTION public.operator_models() TO service_role;

REVOKE ALL ON FUNCTION public.operator_session_valid(p_session_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.operator_session_valid(p_session_hash text) TO service_role;

REVOKE ALL ON FUNCTION public.operator_tools() FROM PUBLIC;
GRANT ALL ON FUNCTION public.operator_tools() TO service_role;

REVOKE ALL ON FUNCTION public.otlp_outbox_status() FROM PUBLIC;
GRANT ALL ON FUNCTION public.otlp_outbox_status() TO service_role;

REVOKE ALL ON FUNCTION public.pin_agent_version() FROM PUBLIC;
GRANT ALL ON FUNCTION public.pin_agent_version() TO service_role;

REVOKE ALL ON FUNCTION public.product_cards(p_skus jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.product_cards(p_skus jsonb) TO service_role;

REVOKE ALL ON FUNCTION public.rate_limit_retry_after() FROM PUBLIC;
GRANT ALL ON FUNCTION public.rate_limit_retry_after() TO service_role;

REVOKE ALL ON FUNCTION public.record_reply_speech(p_message_id uuid, p_audio_url text, p_model text, p_started_at timestamp with time zone, p_ended_at timestamp with time zone, p_characters integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.record_reply_speech(p_message_id uuid, p_audio_url text, p_model text, p_started_at timestamp with time zone, p_ended_at timestamp with time zone, p_characters integer) TO service_role;

REVOKE ALL ON FUNCTION public.register_model(p_key text, p_name text, p_provider text, p_experiment_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.register_model(p_key text, p_name text, p_provider text, p_experiment_name text) TO service_role;

REVOKE ALL ON FUNCTION public.register_voice_message(p_user_id text, p_client_message_id uuid, p_audio_url text, p_transcript text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.register_voice_message(p_user_id text, p_client_message_id uuid, p_audio_url text, p_transcript text) TO service_role;

REVOKE ALL ON FUNCTION public.retry_otlp_outbox(p_ids jsonb, p_error text, p_base_ms integer, p_max_ms integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.retry_otlp_outbox(p_ids jsonb, p_error text, p_base_ms integer, p_max_ms integer) TO service_role;

REVOKE ALL ON FUNCTION public.run_maintenance(p_idle_minutes integer, p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.run_maintenance(p_idle_minutes integer, p_batch integer) TO service_role;

REVOKE ALL ON FUNCTION public.search_catalog(p_query text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.search_catalog(p_query text, p_limit integer) TO service_role;

REVOKE ALL ON FUNCTION public.search_traces(p_session_tag text, p_q text, p_agent text, p_model text, p_user_id text, p_feedback text, p_from timestamp with time zone, p_to timestamp with time zone, p_sort text, p_dir text, p_after_value text, p_after_id uuid, p_limit integer, p_tool text, p_has_error boolean, p_min_cost numeric, p_channel text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.search_traces(p_session_tag text, p_q text, p_agent text, p_model text, p_user_id text, p_feedback text, p_from timestamp with time zone, p_to timestamp with time zone, p_sort text, p_dir text, p_after_value text, p_after_id uuid, p_limit integer, p_tool text, p_has_error boolean, p_min_cost numeric, p_channel text) TO service_role;

REVOKE ALL ON FUNCTION public.session_context(p_session_id uuid, p_history_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_context(p_session_id uuid, p_history_limit integer) TO service_role;

REVOKE ALL ON FUNCTION public.session_json(p_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_json(p_session_id uuid) TO service_role;

REVOKE ALL ON FUNCTION public.session_messages(p_user_id text, p_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_messages(p_user_id text, p_session_id uuid) TO service_role;

REVOKE ALL ON FUNCTION public.set_admin_token_hash(p_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_admin_token_hash(p_hash text) TO service_role;

REVOKE ALL ON FUNCTION public.set_feedback(p_session_id uuid, p_rating text, p_comment text, p_user_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_feedback(p_session_id uuid, p_rating text, p_comment text, p_user_id text) TO service_role;

REVOKE ALL ON FUNCTION public.set_message_vote(p_user_id text, p_message_id uuid, p_vote text, p_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_message_vote(p_user_id text, p_message_id uuid, p_vote text, p_session_id uuid) TO service_role;

REVOKE ALL ON FUNCTION public.set_reply_audio(p_message_id uuid, p_audio_url text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_reply_audio(p_message_id uuid, p_audio_url text) TO service_role;

REVOKE ALL ON FUNCTION public.set_trace_feedback(p_trace_id uuid, p_rating text, p_comment text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_trace_feedback(p_trace_id uuid, p_rating text, p_comment text) TO service_role;

REVOKE ALL ON FUNCTION public.settle_audio_deletions(p_deleted jsonb, p_failed jsonb, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.settle_audio_deletions(p_deleted jsonb, p_failed jsonb, p_error text) TO service_role;

REVOKE ALL ON FUNCTION public.settle_whatsapp_inbox(p_id text, p_error text, p_base_ms integer, p_max_ms integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.settle_whatsapp_inbox(p_id text, p_error text, p_base_ms integer, p_max_ms integer) TO service_role;

REVOKE ALL ON FUNCTION public.settle_whatsapp_outbox(p_id bigint, p_error text, p_base_ms integer, p_max_ms integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.settle_whatsapp_outbox(p_id bigint, p_error text, p_base_ms integer, p_max_ms integer) TO service_role;

REVOKE ALL ON FUNCTION public.start_session(p_user_id text, p_channel text, p_agent text, p_model_id uuid, p_tracking boolean, p_reason text, p_previous_session_id uuid, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.start_session(p_user_id text, p_channel text, p_agent text, p_model_id uuid, p_tracking boolean, p_reason text, p_previous_session_id uuid, p_request_id text) TO service_role;

REVOKE ALL ON FUNCTION public.trace_detail(p_trace_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.trace_detail(p_trace_id uuid) TO service_role;

REVOKE ALL ON FUNCTION public.turn_endings(p_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.turn_endings(p_session_id uuid) TO service_role;

REVOKE ALL ON FUNCTION public.whatsapp_button(p_wa_id text, p_message_id uuid, p_index integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.whatsapp_button(p_wa_id text, p_message_id uuid, p_index integer) TO service_role;

REVOKE ALL ON FUNCTION public.whatsapp_notice(p_id text, p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.whatsapp_notice(p_id text, p_text text) TO service_role;

REVOKE ALL ON FUNCTION public.whatsapp_part_sent(p_id bigint, p_parts_sent integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.whatsapp_part_sent(p_id bigint, p_parts_sent integer) TO service_role;

REVOKE ALL ON FUNCTION public.whatsapp_receive(p_messages jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.whatsapp_receive(p_messages jsonb) TO service_role;

GRANT ALL ON TABLE public.agent_tools TO service_role;

GRANT ALL ON TABLE public.agent_versions TO service_role;

GRANT ALL ON TABLE public.agents TO service_role;

GRANT ALL ON TABLE public.app_settings TO service_role;

GRANT ALL ON TABLE public.audio_deletions TO service_role;

GRANT SELECT,USAGE ON SEQUENCE public.conversation_messages_seq_seq TO service_role;

GRANT ALL ON TABLE public.dashboard_visitor_days TO service_role;

GRANT ALL ON TABLE public.dashboard_visitors TO service_role;

GRANT ALL ON TABLE public.erasures TO service_role;

GRANT SELECT ON TABLE public.flow_states TO anon;
GRANT SELECT ON TABLE public.flow_states TO authenticated;
GRANT ALL ON TABLE public.flow_states TO service_role;

GRANT SELECT ON TABLE public.llm_models TO anon;
GRANT SELECT ON TABLE public.llm_models TO authenticated;
GRANT ALL ON TABLE public.llm_models TO service_role;

GRANT SELECT ON TABLE public.llm_observations TO anon;
GRANT SELECT ON TABLE public.llm_observations TO authenticated;
GRANT ALL ON TABLE public.llm_observations TO service_role;

GRANT ALL ON TABLE public.operator_sessions TO service_role;

GRANT ALL ON TABLE public.otlp_outbox TO service_role;

GRANT ALL ON TABLE public.privacy_settings TO service_role;

GRANT ALL ON TABLE public.rate_limit_buckets TO service_role;

GRANT ALL ON TABLE public.retention_settings TO service_role;

GRANT SELECT ON TABLE public.session_events TO anon;
GRANT SELECT ON TABLE public.session_events TO authenticated;
GRANT ALL ON TABLE public.session_events TO service_role;

GRANT SELECT,USAGE ON SEQUENCE public.session_events_id_seq TO service_role;

GRANT ALL ON TABLE public.session_tag_counters TO service_role;

GRANT ALL ON TABLE public.voice_messages TO service_role;

GRANT ALL ON TABLE public.whatsapp_inbox TO service_role;

GRANT ALL ON TABLE public.whatsapp_outbox TO service_role;

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON FUNCTIONS  TO service_role;

reset search_path;
reset check_function_bodies;

-- The rows the released migrations wrote: the tool names, the built-in agents (their first
-- versions are written by the agents triggers) and the settings rows.

insert into public.agent_tools (name, description, created_at) values
  ('search_catalog', 'Full-text and fuzzy search of the product catalog', now()),
  ('product_details', 'One catalog product by SKU', now()),
  ('offer_choices', 'Offer the visitor buttons', now()),
  ('start_order', 'Start a bulk order', now()),
  ('set_order_line', 'Add or change a line of the bulk order', now()),
  ('remove_order_line', 'Remove a line of the bulk order', now()),
  ('set_contact_details', 'Set the name, phone or email of the bulk order', now()),
  ('confirm_order', 'Place the bulk order after an explicit yes', now()),
  ('cancel_order', 'Cancel the bulk order', now()),
  ('handoff', 'Hand the visitor to another agent (a new session and trace)', now());
insert into public.agents (key, name, description, instructions, greeting, model_key, tools, handoffs, version, is_enabled, menu_position, created_at, updated_at) values
  ('product_recommendation', 'Product Recommendation', 'Finds products that match what you need', 'You are Threadline''s Product Recommendation agent for an outdoor gear store. Find catalog products that match the visitor''s need with search_catalog, recommend at most three, and offer them as buttons with offer_choices (one button per product, action id "product_details" with payload {"sku": …}). Use product_details for a product''s facts. Use only facts returned by the tools: never invent products, prices or stock. When the visitor wants 10 or more units of something (a bulk order), call handoff with agent "order_assistant" at once.', 'Hi! I''m the Product Recommendation agent. Tell me what you need — an activity, a budget, a gift — and I''ll find matching products.', NULL, '{search_catalog,product_details,offer_choices,handoff}', '{sales_pitch,order_assistant}', 1, true, 1, now(), now()),
  ('sales_pitch', 'Sales Pitch', 'A short pitch for a product you name', 'You are Threadline''s Sales Pitch agent for an outdoor gear store. When the visitor names a product (or one was recommended earlier), look it up with search_catalog or product_details and write a short, warm pitch from its real facts and price. Never invent facts. Offer related products with offer_choices when useful. When the visitor wants 10 or more units (a bulk order), call handoff with agent "order_assistant" at once.', 'Hi! I''m the Sales Pitch agent. Name a product and I''ll tell you why it''s worth it.', NULL, '{search_catalog,product_details,offer_choices,handoff}', '{product_recommendation,order_assistant}', 1, true, 2, now(), now()),
  ('order_assistant', 'Order Assistant', 'Bulk orders (10+ units) with store pickup', 'You are Threadline''s Order Assistant. You take bulk orders: 10 or more units per line, any number of lines. Start an order with start_order, add or change lines with set_order_line (an item the catalog does not carry becomes a special-order line for a quote; never refuse it), collect the visitor''s name, phone and email with set_contact_details in any order and over any number of messages, then show the summary with the pickup location and ask for an explicit yes. Call confirm_order only after the visitor clearly says yes. Orders are picked up in store: never ask for a delivery address.', 'Hi! I''m the Order Assistant. Tell me what you''d like to order in bulk (10 or more units), e.g. "25 headlamps".', NULL, '{search_catalog,product_details,offer_choices,start_order,set_order_line,remove_order_line,set_contact_details,confirm_order,cancel_order,handoff}', '{product_recommendation,sales_pitch}', 1, true, 3, now(), now());
insert into public.privacy_settings (id, pii_masking, otlp_enabled, otlp_capture_content, otlp_outbox_cap, otlp_dropped, updated_at) values
  (true, 'off', false, false, 10000, 0, now());
insert into public.retention_settings (id, retention_days, updated_at) values
  (true, NULL, now());
-- the identity behind agents.menu_position goes on after the built-ins
select pg_catalog.setval('public.agents_menu_position_seq', 3, true);

-- run_maintenance() and apply_retention() every minute with pg_cron where it can run here: the
-- extension is installed on the server, preloaded (shared_preload_libraries), and this is the
-- database pg_cron lives in (cron.database_name; `postgres` on Supabase). Anywhere else
-- (embedded PGlite, a server without pg_cron) the app runs both on a timer instead
-- (docs/architecture.md, "Session lifecycle").
do $$
declare
  v_preload text;
  v_cron_db text;
begin
  if not exists (select 1 from pg_available_extensions e where e.name = 'pg_cron') then
    raise notice 'pg_cron is not installed: the app runs maintenance on a timer';
    return;
  end if;
  begin
    v_preload := current_setting('shared_preload_libraries');
  exception when others then
    v_preload := null; -- not readable by this role; pg_cron's own setting below tells whether it is loaded
  end;
  begin
    v_cron_db := current_setting('cron.database_name', true);
  exception when others then
    v_cron_db := null; -- superuser-only (pg_read_all_settings): missing_ok does not cover that
  end;
  if (v_preload is not null and v_preload !~ '(^|,)\s*"?pg_cron"?\s*(,|$)') or (v_preload is null and v_cron_db is null) then
    raise notice 'pg_cron is not preloaded: the app runs maintenance on a timer';
    return;
  end if;
  if current_database() <> coalesce(v_cron_db, 'postgres') then
    raise notice 'pg_cron lives in database %, not here: the app runs maintenance on a timer', coalesce(v_cron_db, 'postgres');
    return;
  end if;
  create extension if not exists pg_cron with schema pg_catalog; -- as Supabase installs it, never in public
  -- scheduling under an existing name replaces that job, so re-running this is harmless
  perform cron.schedule('threadline-maintenance', '* * * * *', 'select public.run_maintenance()');
  perform cron.schedule('threadline-retention', '* * * * *', 'select public.apply_retention()');
end
$$;

-- The OTLP outbox: each finished turn (and each score) queued once as OpenTelemetry spans for
-- the app's exporter to send to a collector. docs/privacy.md, "OTLP export".

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- Finished turns and scores (rows of kind 'feedback' were queued before scores were) waiting to be exported as OTLP spans, once each (dedupe_key), with a
-- lease, a backoff and a cap (privacy_settings.otlp_outbox_cap; dropped rows are counted there).
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
    dead_at timestamp with time zone,
    CONSTRAINT otlp_outbox_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT otlp_outbox_kind_check CHECK ((kind = ANY (ARRAY['turn'::text, 'feedback'::text, 'score'::text])))
);

ALTER TABLE public.otlp_outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.otlp_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY public.otlp_outbox
    ADD CONSTRAINT otlp_outbox_dedupe_key_key UNIQUE (dedupe_key);

ALTER TABLE ONLY public.otlp_outbox
    ADD CONSTRAINT otlp_outbox_pkey PRIMARY KEY (id);

CREATE INDEX otlp_outbox_created ON public.otlp_outbox USING btree (created_at);

CREATE INDEX otlp_outbox_user ON public.otlp_outbox USING btree (user_id);

CREATE INDEX otlp_outbox_due ON public.otlp_outbox USING btree (next_attempt_at) WHERE (dead_at IS NULL);

CREATE INDEX otlp_outbox_dead ON public.otlp_outbox USING btree (dead_at) WHERE (dead_at IS NOT NULL);

ALTER TABLE public.otlp_outbox ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.otlp_outbox TO service_role;

-- Epoch milliseconds (the drainer's span times).
CREATE FUNCTION private.epoch_ms(p_at timestamp with time zone) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select round(extract(epoch from p_at) * 1000, 3)
$$;

REVOKE ALL ON FUNCTION private.epoch_ms(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.epoch_ms(p_at timestamp with time zone) TO service_role;

-- Adds a row and keeps the outbox under its cap (the oldest rows go first, counted as dropped).
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

REVOKE ALL ON FUNCTION private.otlp_append(p_key text, p_kind text, p_user_id text, p_session_id uuid, p_payload jsonb, p_cap integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_append(p_key text, p_kind text, p_user_id text, p_session_id uuid, p_payload jsonb, p_cap integer) TO service_role;

-- A committed turn is queued once per question and transaction; the drainer builds its spans (lib/telemetry/attributes.ts).
create function private.otlp_enqueue_turn(p_session_id uuid, p_message_id uuid) returns void
  language plpgsql
  set search_path = ''
as $$
declare
  v_cfg public.privacy_settings;
  v_q public.conversation_messages;
  v_s public.conversation_sessions;
  v_key text;
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
  select * into v_s from public.conversation_sessions s where s.id = v_q.session_id;
  -- untracked sessions leave no trace anywhere; an experiment's replays are not live traffic
  if not v_s.tracking_enabled or v_s.channel = 'experiment' or not exists (select 1 from public.llm_traces t where t.session_id = v_s.id) then
    return;
  end if;
  perform private.otlp_append(v_key, 'turn', v_s.user_id, v_s.id,
    jsonb_build_object('key', v_key, 'question_id', v_q.id, 'at', now()), v_cfg.otlp_outbox_cap);
end
$$;
comment on function private.otlp_enqueue_turn(uuid, uuid) is
  'Queues a committed turn for OTLP export once per question and transaction: only its key, question and time.';

REVOKE ALL ON FUNCTION private.otlp_enqueue_turn(p_session_id uuid, p_message_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_enqueue_turn(p_session_id uuid, p_message_id uuid) TO service_role;

-- A turn's steps as the spans need them: masked (PII_MASKING export/all), content only with capture.
create function private.otlp_turn_steps(p_trace_id uuid, p_question_ids text[], p_at timestamptz,
                                        p_mask boolean, p_content boolean) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
      'id', o.id, 'parent_id', o.parent_id, 'kind', o.kind, 'name', o.name, 'status', o.status,
      'started_at', o.started_at, 'ended_at', o.ended_at, 'model', o.model, 'response_model', o.response_model,
      'provider', m.provider,
      'input_tokens', o.input_tokens, 'output_tokens', o.output_tokens, 'cached_input_tokens', o.cached_input_tokens,
      'time_to_first_token_ms', o.time_to_first_token_ms, 'finish_reason', o.finish_reason, 'cost_usd', o.cost_usd,
      'tool_call_id', o.tool_call_id,
      'arguments', case when p_content and o.arguments is not null then
                     (case when p_mask then private.mask_pii_jsonb(o.arguments) else o.arguments end)::text end,
      'result', case when p_content and o.result is not null then
                  (case when p_mask then private.mask_pii_jsonb(o.result) else o.result end)::text end,
      'error', case when p_mask then private.mask_pii(o.error) else o.error end)
    order by o.position, o.started_at), '[]'::jsonb)
    from public.llm_observations o
    left join public.llm_models m on m.key = coalesce(o.model, o.name)
   where o.trace_id = p_trace_id and o.created_at = p_at
     and o.message_id is not null and o.message_id::text = any (p_question_ids)
$$;
comment on function private.otlp_turn_steps(uuid, text[], timestamptz, boolean, boolean) is
  'The steps of one exported turn (stored in its transaction), masked and with content as the privacy settings say.';

-- One exported turn: the question, the reply stored with it, session, trace, agent and model, its
-- steps. Null when it is gone (erased, or past retention): nothing to send.
create function public.otlp_turn(p_question_id uuid, p_at timestamptz) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_cfg public.privacy_settings;
  v_q public.conversation_messages;
  v_r public.conversation_messages;
  v_s public.conversation_sessions;
  v_t public.llm_traces;
  v_mask boolean;
  v_text text;
begin
  select * into v_cfg from public.privacy_settings s where s.id;
  select * into v_q from public.conversation_messages m where m.id = p_question_id;
  select * into v_s from public.conversation_sessions s where s.id = v_q.session_id;
  select * into v_t from public.llm_traces t where t.session_id = v_s.id;
  if v_q.id is null or v_t.id is null then
    return null;
  end if;
  select * into v_r from public.conversation_messages r where r.reply_to = v_q.id and r.created_at = p_at order by r.seq desc limit 1;
  v_mask := v_cfg.pii_masking <> 'off';
  return jsonb_build_object(
    'question', jsonb_build_object('id', v_q.id, 'created_at', v_q.created_at, 'handoff_from', v_q.metadata ->> 'handoff_from',
      'content', case when v_cfg.otlp_capture_content then case when v_mask then private.mask_pii(v_q.content) else v_q.content end end),
    'reply', case when v_r.id is not null then jsonb_build_object('created_at', v_r.created_at, 'partial', v_r.is_partial,
      'content', case when v_cfg.otlp_capture_content then case when v_mask then private.mask_pii(v_r.content) else v_r.content end end) end,
    'session', jsonb_build_object('id', v_s.id, 'tag', v_s.session_tag, 'user_id', v_s.user_id, 'channel', v_s.channel,
      'previous_id', (select e.previous_session_id from public.session_events e
                       where e.session_id = v_s.id and e.event = 'switched' order by e.id limit 1)),
    'trace', jsonb_build_object('id', v_t.id, 'status', v_t.status, 'agent_version', coalesce(v_s.agent_version, v_t.agent_version),
      'last_error', case when v_mask then private.mask_pii(v_t.last_error) else v_t.last_error end),
    'agent', (select jsonb_build_object('key', v_s.agent_type, 'name', coalesce(a.name, v_s.agent_type), 'description', nullif(a.description, ''))
                from (select 1) x left join public.agents a on a.key = v_s.agent_type),
    'model', (select jsonb_build_object('key', m.key, 'provider', m.provider) from public.llm_models m where m.id = v_s.model_id),
    'steps', private.otlp_turn_steps(v_t.id, array_remove(array[v_q.id::text, v_q.metadata ->> 'handoff_from'], null), p_at,
                                     v_mask, v_cfg.otlp_capture_content));
end
$$;
comment on function public.otlp_turn(uuid, timestamptz) is
  'One turn queued for OTLP export, as the drainer builds its spans from it (masked, content only with capture); null when gone.';

revoke execute on function private.otlp_turn_steps(uuid, text[], timestamptz, boolean, boolean) from public, anon, authenticated;
grant execute on function private.otlp_turn_steps(uuid, text[], timestamptz, boolean, boolean) to service_role;
revoke execute on function public.otlp_turn(uuid, timestamptz) from public, anon, authenticated;
grant execute on function public.otlp_turn(uuid, timestamptz) to service_role;

-- One pending row per key: a pending row (not leased) is updated in place; a row being exported
-- right now keeps what it is sending (its key is set aside) and the new payload waits in a new row.
create function private.otlp_replace(p_key text, p_kind text, p_user_id text, p_session_id uuid, p_payload jsonb, p_cap integer)
  returns void
  language plpgsql
  set search_path = ''
as $$
begin
  update public.otlp_outbox o
     set payload = p_payload, attempts = 0, next_attempt_at = now(), last_error = null, dead_at = null
   where o.dedupe_key = p_key and (o.claimed_until is null or o.claimed_until < clock_timestamp());
  if found then
    return;
  end if;
  update public.otlp_outbox o set dedupe_key = o.dedupe_key || ':' || o.id where o.dedupe_key = p_key;
  perform private.otlp_append(p_key, p_kind, p_user_id, p_session_id, p_payload, p_cap);
end
$$;
comment on function private.otlp_replace(text, text, text, uuid, jsonb, integer) is
  'Queues an OTLP row under p_key, or replaces the pending one in place (a row being exported keeps its payload).';

revoke execute on function private.otlp_replace(text, text, text, uuid, jsonb, integer) from public, anon, authenticated;
grant execute on function private.otlp_replace(text, text, text, uuid, jsonb, integer) to service_role;

-- Scores are queued by triggers on public.scores (14_scores_and_comments.sql, "OTLP export of scores").

-- The observations of a turn queue that turn for export (private.otlp_enqueue_turn decides what is
-- queued): once per statement and turn, and while export is off nothing but one look at the setting,
-- where a deferred trigger ran per step at commit (docs/performance.md, "Chat turns"). A turn with a
-- reply is queued again by the reply's trigger at commit under the same key (still one outbox row);
-- this one covers a failed turn, which has no reply.
CREATE FUNCTION private.otlp_on_observation() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if not exists (select 1 from public.privacy_settings s where s.id and s.otlp_enabled) then
    return null;
  end if;
  perform private.otlp_enqueue_turn(a.session_id, a.message_id)
     from (select distinct o.session_id, o.message_id from added o where o.message_id is not null) a;
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.otlp_on_observation() FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_on_observation() TO service_role;

CREATE TRIGGER llm_observations_otlp_export AFTER INSERT ON public.llm_observations REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION private.otlp_on_observation();

-- At commit: an agent reply to a visitor's question, or an observation of a turn (a failed turn has no reply).
CREATE FUNCTION private.otlp_on_reply() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  perform private.otlp_enqueue_turn(new.session_id, new.reply_to);
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.otlp_on_reply() FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_on_reply() TO service_role;

CREATE CONSTRAINT TRIGGER conversation_messages_otlp_export AFTER INSERT ON public.conversation_messages DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (((new.role = 'agent'::text) AND (new.reply_to IS NOT NULL))) EXECUTE FUNCTION private.otlp_on_reply();

-- What /api/health shows.
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

REVOKE ALL ON FUNCTION public.otlp_outbox_status() FROM PUBLIC;
GRANT ALL ON FUNCTION public.otlp_outbox_status() TO service_role;


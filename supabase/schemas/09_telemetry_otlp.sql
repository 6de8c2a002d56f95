-- The OTLP outbox: each finished turn (and its feedback) queued once as OpenTelemetry spans for
-- the app's exporter to send to a collector. docs/privacy.md, "OTLP export".

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- Finished turns and feedback waiting to be exported as OTLP spans, once each (dedupe_key), with a
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

-- The spans of one turn: root `invoke_agent {agent}`, a `chat {model}` child per
-- generation and an `execute_tool {tool}` child per tool call (docs/privacy.md).
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

REVOKE ALL ON FUNCTION private.otlp_enqueue_turn(p_session_id uuid, p_message_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_enqueue_turn(p_session_id uuid, p_message_id uuid) TO service_role;

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

-- A rating change: one pending export row per trace (key feedback:<trace id>); the span ids come from
-- the key and the transaction, so each exported change is its own span.
create function private.otlp_on_feedback() returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_cfg public.privacy_settings;
  v_key text;
  v_ids text;
  v_comment text;
begin
  select * into v_cfg from public.privacy_settings s where s.id;
  if not coalesce(v_cfg.otlp_enabled, false) then
    return null;
  end if;
  v_key := 'feedback:' || new.id;
  v_ids := v_key || ':' || txid_current();
  v_comment := case when v_cfg.otlp_capture_content and new.feedback_comment is not null then
                 case when v_cfg.pii_masking <> 'off' then private.mask_pii(new.feedback_comment) else new.feedback_comment end end;
  perform private.otlp_replace(v_key, 'feedback', new.user_id, new.session_id, jsonb_build_object(
    'trace_id', md5(v_ids),
    'spans', jsonb_build_array(jsonb_build_object(
      'span_id', left(md5('root:' || v_ids), 16),
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
          'gen_ai.evaluation.score.value', case new.feedback when 'positive' then 1.0 else 0.0 end,
          'gen_ai.evaluation.explanation', v_comment))))
    ))
  ), v_cfg.otlp_outbox_cap);
  return null;
end
$$;
comment on function private.otlp_on_feedback() is
  'A trace''s rating changed: its one pending OTLP evaluation row, queued or replaced in place (docs/privacy.md).';

REVOKE ALL ON FUNCTION private.otlp_on_feedback() FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_on_feedback() TO service_role;

CREATE TRIGGER llm_traces_otlp_feedback AFTER UPDATE OF feedback ON public.llm_traces FOR EACH ROW WHEN (((old.feedback IS DISTINCT FROM new.feedback) AND (new.feedback <> 'pending'::text))) EXECUTE FUNCTION private.otlp_on_feedback();

-- An observation of a turn queues that turn for export when the transaction commits (a deferred
-- constraint trigger; private.otlp_enqueue_turn decides what is queued).
CREATE FUNCTION private.otlp_on_observation() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  perform private.otlp_enqueue_turn(new.session_id, new.message_id);
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.otlp_on_observation() FROM PUBLIC;
GRANT ALL ON FUNCTION private.otlp_on_observation() TO service_role;

CREATE CONSTRAINT TRIGGER llm_observations_otlp_export AFTER INSERT ON public.llm_observations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((new.message_id IS NOT NULL)) EXECUTE FUNCTION private.otlp_on_observation();

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


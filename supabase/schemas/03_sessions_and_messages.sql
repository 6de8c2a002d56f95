-- Conversation sessions and their messages (one user tag per session, one reply per question),
-- session events, flow states and the session lifecycle (start, close, idle close), and the JSON
-- shapes the widget reads.

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- Conversation sessions: at most one active per (user_id, channel).
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
    experiment_id uuid, -- an experiment's replay (channel experiment; 17_datasets_and_experiments.sql)
    CONSTRAINT conversation_sessions_active_not_ended CHECK ((is_active = (ended_at IS NULL))),
    CONSTRAINT conversation_sessions_agent_type_check CHECK ((agent_type ~ '^[a-z][a-z0-9_]{0,63}$'::text)),
    CONSTRAINT conversation_sessions_channel_check CHECK ((channel ~ '^[a-z][a-z0-9_]{0,31}$'::text)),
    CONSTRAINT conversation_sessions_duration_seconds_check CHECK ((duration_seconds >= 0)),
    CONSTRAINT conversation_sessions_end_reason_check CHECK ((end_reason = ANY (ARRAY['user'::text, 'agent_switch'::text, 'idle'::text, 'new_chat'::text, 'superseded'::text]))),
    CONSTRAINT conversation_sessions_ended_has_duration CHECK ((is_active OR (duration_seconds IS NOT NULL))),
    CONSTRAINT conversation_sessions_user_id_check CHECK (((length(user_id) >= 1) AND (length(user_id) <= 128)))
);

ALTER TABLE ONLY public.conversation_sessions
    ADD CONSTRAINT conversation_sessions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.conversation_sessions
    ADD CONSTRAINT conversation_sessions_user_tag UNIQUE (user_id, session_tag);

CREATE UNIQUE INDEX conversation_sessions_one_active ON public.conversation_sessions USING btree (user_id, channel) WHERE is_active;

CREATE INDEX conversation_sessions_user_started ON public.conversation_sessions USING btree (user_id, started_at DESC);

-- for the foreign key to llm_models(id): deleting a model finds its sessions by index, not by a scan
CREATE INDEX conversation_sessions_model ON public.conversation_sessions USING btree (model_id);

-- The Visitors page: visitors by their newest session (list_visitors), and a search by id prefix
-- (byte-wise, whatever the database's collation).
CREATE INDEX conversation_sessions_started ON public.conversation_sessions USING btree (started_at DESC, id DESC);

CREATE INDEX conversation_sessions_user_prefix ON public.conversation_sessions USING btree (user_id text_pattern_ops);

ALTER TABLE ONLY public.conversation_sessions
    ADD CONSTRAINT conversation_sessions_model_id_fkey FOREIGN KEY (model_id) REFERENCES public.llm_models(id) ON DELETE CASCADE;

ALTER TABLE public.conversation_sessions ENABLE ROW LEVEL SECURITY;

CREATE POLICY "users read their own sessions" ON public.conversation_sessions FOR SELECT TO authenticated USING ((user_id = (( SELECT auth.uid() AS uid))::text));

GRANT SELECT ON TABLE public.conversation_sessions TO anon;
GRANT SELECT ON TABLE public.conversation_sessions TO authenticated;
GRANT ALL ON TABLE public.conversation_sessions TO service_role;

CREATE TRIGGER conversation_sessions_pin_agent_version BEFORE INSERT ON public.conversation_sessions FOR EACH ROW EXECUTE FUNCTION public.pin_agent_version();

-- Messages of a session, in `seq` order; written exactly once per client_message_id.
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
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, content)) STORED,
    CONSTRAINT conversation_messages_content_check CHECK ((length(content) <= 100000)),
    CONSTRAINT conversation_messages_reply_is_agent CHECK (((reply_to IS NULL) OR (role = 'agent'::text))),
    CONSTRAINT conversation_messages_role_check CHECK ((role = ANY (ARRAY['user'::text, 'agent'::text, 'system'::text]))),
    CONSTRAINT conversation_messages_superseded_by_needs_at CHECK (((superseded_by IS NULL) OR (superseded_at IS NOT NULL))),
    CONSTRAINT conversation_messages_superseded_is_reply CHECK (((superseded_at IS NULL) OR ((role = 'agent'::text) AND (reply_to IS NOT NULL)))),
    CONSTRAINT conversation_messages_vote_check CHECK ((vote = ANY (ARRAY['up'::text, 'down'::text]))),
    CONSTRAINT conversation_messages_vote_on_agent CHECK (((vote IS NULL) OR (role = 'agent'::text)))
);

-- The explorer's search by what was said (docs/performance.md, "Content search"): words and phrases
-- through the generated tsvector, fragments through trigrams of the content.
CREATE INDEX conversation_messages_search ON public.conversation_messages USING gin (search_vector);

CREATE INDEX conversation_messages_content_trgm ON public.conversation_messages USING gin (content extensions.gin_trgm_ops);

ALTER TABLE public.conversation_messages ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.conversation_messages_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_client_id_per_session UNIQUE (session_id, client_message_id);

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_pkey PRIMARY KEY (id);

CREATE INDEX conversation_messages_audio_url ON public.conversation_messages USING btree (audio_url) WHERE (audio_url IS NOT NULL);

CREATE UNIQUE INDEX conversation_messages_client_id_per_user ON public.conversation_messages USING btree (user_id, client_message_id) WHERE (client_message_id IS NOT NULL);

CREATE INDEX conversation_messages_created ON public.conversation_messages USING brin (created_at);

CREATE UNIQUE INDEX conversation_messages_one_reply ON public.conversation_messages USING btree (reply_to) WHERE ((reply_to IS NOT NULL) AND (superseded_at IS NULL));

CREATE INDEX conversation_messages_reply_to ON public.conversation_messages USING btree (reply_to) WHERE (reply_to IS NOT NULL);

CREATE UNIQUE INDEX conversation_messages_seq ON public.conversation_messages USING btree (seq);

CREATE INDEX conversation_messages_session_seq ON public.conversation_messages USING btree (session_id, seq);

CREATE INDEX conversation_messages_superseded_by ON public.conversation_messages USING btree (superseded_by) WHERE (superseded_by IS NOT NULL);

CREATE INDEX conversation_messages_superseded_open ON public.conversation_messages USING btree (reply_to) WHERE ((superseded_at IS NOT NULL) AND (superseded_by IS NULL));

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_reply_to_fkey FOREIGN KEY (reply_to) REFERENCES public.conversation_messages(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.conversation_sessions(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_superseded_by_fkey FOREIGN KEY (superseded_by) REFERENCES public.conversation_messages(id) ON DELETE SET NULL;

ALTER TABLE public.conversation_messages ENABLE ROW LEVEL SECURITY;

CREATE POLICY "users read their own messages" ON public.conversation_messages FOR SELECT TO authenticated USING ((user_id = (( SELECT auth.uid() AS uid))::text));

GRANT SELECT ON TABLE public.conversation_messages TO anon;
GRANT SELECT ON TABLE public.conversation_messages TO authenticated;
GRANT ALL ON TABLE public.conversation_messages TO service_role;

GRANT SELECT,USAGE ON SEQUENCE public.conversation_messages_seq_seq TO service_role;

-- A reply that "Try again" replaced keeps the visitor's vote on it (the trace detail shows it), but
-- the trace's votes stop counting it: the reply shown in its place has no vote (issue 22, item 7).
CREATE FUNCTION private.uncount_replaced_vote() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  update public.llm_traces t
     set votes_up = greatest(t.votes_up - (new.vote = 'up')::int, 0),
         votes_down = greatest(t.votes_down - (new.vote = 'down')::int, 0),
         updated_at = now()
   where t.session_id = new.session_id;
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.uncount_replaced_vote() FROM PUBLIC;
GRANT ALL ON FUNCTION private.uncount_replaced_vote() TO service_role;

CREATE TRIGGER conversation_messages_uncount_replaced_vote AFTER UPDATE OF superseded_at ON public.conversation_messages FOR EACH ROW WHEN (((old.superseded_at IS NULL) AND (new.superseded_at IS NOT NULL) AND (new.vote IS NOT NULL))) EXECUTE FUNCTION private.uncount_replaced_vote();

-- A replaced reply takes no new vote (a stale page): 409, and the vote's score is not written either.
CREATE FUNCTION private.refuse_replaced_vote() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  raise exception using errcode = 'PT409', message = 'conflict:vote',
    detail = '"Try again" replaced this reply: vote on the reply shown in its place.';
end
$$;

REVOKE ALL ON FUNCTION private.refuse_replaced_vote() FROM PUBLIC;
GRANT ALL ON FUNCTION private.refuse_replaced_vote() TO service_role;

CREATE TRIGGER conversation_messages_refuse_replaced_vote BEFORE UPDATE OF vote ON public.conversation_messages FOR EACH ROW WHEN (((old.superseded_at IS NOT NULL) AND (new.vote IS DISTINCT FROM old.vote))) EXECUTE FUNCTION private.refuse_replaced_vote();

-- Multi-step flow state, per (session, flow).
CREATE TABLE public.flow_states (
    session_id uuid NOT NULL,
    flow text NOT NULL,
    state jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    is_experiment boolean DEFAULT false NOT NULL, -- an experiment's order, never a real one (set from the session's channel)
    CONSTRAINT flow_states_flow_check CHECK ((flow ~ '^[a-z][a-z0-9_]{0,63}$'::text))
);

ALTER TABLE ONLY public.flow_states
    ADD CONSTRAINT flow_states_pkey PRIMARY KEY (session_id, flow);

ALTER TABLE ONLY public.flow_states
    ADD CONSTRAINT flow_states_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.conversation_sessions(id) ON DELETE CASCADE;

ALTER TABLE public.flow_states ENABLE ROW LEVEL SECURITY;

CREATE POLICY "users read their own flow state" ON public.flow_states FOR SELECT TO authenticated USING ((EXISTS ( SELECT 1
   FROM public.conversation_sessions s
  WHERE ((s.id = flow_states.session_id) AND (s.user_id = (( SELECT auth.uid() AS uid))::text)))));

GRANT SELECT ON TABLE public.flow_states TO anon;
GRANT SELECT ON TABLE public.flow_states TO authenticated;
GRANT ALL ON TABLE public.flow_states TO service_role;

-- Why each session exists: one row per lifecycle decision, written with it.
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

ALTER TABLE ONLY public.session_events
    ADD CONSTRAINT session_events_pkey PRIMARY KEY (id);

CREATE INDEX session_events_session ON public.session_events USING btree (session_id, id);

-- for the foreign key to the previous session (on delete set null): without it, deleting sessions
-- scanned every event (20 sessions: 1.3 s at 1M events); only events that name one are indexed
CREATE INDEX session_events_previous_session ON public.session_events USING btree (previous_session_id) WHERE (previous_session_id IS NOT NULL);

ALTER TABLE ONLY public.session_events
    ADD CONSTRAINT session_events_previous_session_id_fkey FOREIGN KEY (previous_session_id) REFERENCES public.conversation_sessions(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.session_events
    ADD CONSTRAINT session_events_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.conversation_sessions(id) ON DELETE CASCADE;

ALTER TABLE public.session_events ENABLE ROW LEVEL SECURITY;

CREATE POLICY "users read their own session events" ON public.session_events FOR SELECT TO authenticated USING ((user_id = (( SELECT auth.uid() AS uid))::text));

GRANT SELECT ON TABLE public.session_events TO anon;
GRANT SELECT ON TABLE public.session_events TO authenticated;
GRANT ALL ON TABLE public.session_events TO service_role;

GRANT SELECT,USAGE ON SEQUENCE public.session_events_id_seq TO service_role;

-- Per-(user, model) session tag counters (T3).
CREATE TABLE public.session_tag_counters (
    user_id text NOT NULL,
    model_id uuid NOT NULL,
    last_value integer NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT session_tag_counters_last_value_check CHECK ((last_value >= 1))
);

ALTER TABLE ONLY public.session_tag_counters
    ADD CONSTRAINT session_tag_counters_pkey PRIMARY KEY (user_id, model_id);

CREATE INDEX session_tag_counters_model_last ON public.session_tag_counters USING btree (model_id, last_value DESC);

ALTER TABLE ONLY public.session_tag_counters
    ADD CONSTRAINT session_tag_counters_model_id_fkey FOREIGN KEY (model_id) REFERENCES public.llm_models(id) ON DELETE CASCADE;

ALTER TABLE public.session_tag_counters ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.session_tag_counters TO service_role;

-- The most text of the conversation a turn's model context carries (session_context).
CREATE FUNCTION private.history_chars() RETURNS integer
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  -- about 6,000 tokens of conversation (~4 characters per token)
  return 24000;
end
$$;

REVOKE ALL ON FUNCTION private.history_chars() FROM PUBLIC;
GRANT ALL ON FUNCTION private.history_chars() TO service_role;

-- Continue the session, or start a new one and say why (R1, R4, R6). A new session uses the
-- agent's own model when it names one, else the requested model.
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

REVOKE ALL ON FUNCTION private.open_session(p_user_id text, p_session public.conversation_sessions, p_agent text, p_channel text, p_model_id uuid, p_tracking boolean, p_idle_minutes integer, p_request_id text, OUT session_id uuid, OUT reason text, OUT previous_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.open_session(p_user_id text, p_session public.conversation_sessions, p_agent text, p_channel text, p_model_id uuid, p_tracking boolean, p_idle_minutes integer, p_request_id text, OUT session_id uuid, OUT reason text, OUT previous_session_id uuid) TO service_role;

-- The session a turn runs in: the one the visitor names (404 unless theirs), or their active one.
-- A button pressed in an ended session runs in the visitor's active session of that channel, so an
-- old button never ends the session the visitor is using.
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

REVOKE ALL ON FUNCTION private.resolve_session(p_user_id text, p_session_id uuid, p_channel text, p_is_press boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION private.resolve_session(p_user_id text, p_session_id uuid, p_channel text, p_is_press boolean) TO service_role;

-- Ends every session idle for more than p_idle_minutes: ended_at = last activity, reason `idle`,
-- one `expired` event each. Batches of p_batch rows locked with skip locked, so instances running
-- it at once never close a session twice and never wait on a visitor's turn in progress.
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

REVOKE ALL ON FUNCTION public.close_idle_sessions(p_idle_minutes integer, p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.close_idle_sessions(p_idle_minutes integer, p_batch integer) TO service_role;

-- Ends a session and records why (one row in session_events, carrying the figures).
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

REVOKE ALL ON FUNCTION public.close_session(p_session_id uuid, p_reason text, p_event text, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.close_session(p_session_id uuid, p_reason text, p_event text, p_request_id text) TO service_role;

-- A visitor ends their session (by hand, or by starting a new chat); `ending` is null when it had already ended.
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

REVOKE ALL ON FUNCTION public.end_session(p_user_id text, p_session_id uuid, p_reason text, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.end_session(p_user_id text, p_session_id uuid, p_reason text, p_request_id text) TO service_role;

-- A flow is finished when its state says so; any other stored flow is still open.
CREATE FUNCTION public.flow_is_open(p_state jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select coalesce(p_state ->> 'status', '') not in ('confirmed', 'cancelled', 'completed', 'done')
$$;

REVOKE ALL ON FUNCTION public.flow_is_open(p_state jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.flow_is_open(p_state jsonb) TO service_role;

-- A stored message as the app reads it, saying whether (and by what) it was superseded.
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

REVOKE ALL ON FUNCTION public.message_json(p public.conversation_messages) FROM PUBLIC;
GRANT ALL ON FUNCTION public.message_json(p public.conversation_messages) TO service_role;

-- The model's context: what the agent reads of the conversation, nothing more. The newest
-- messages not superseded, oldest first, at most p_history_limit of them and no more text than
-- private.history_chars() (the newest message always), each as {id, seq, role, content}: the
-- agents read roles and words (lib/chat/agent-run.ts); a pressed button's source message comes
-- whole as action_source, and the widget's history is session_messages. Built in one
-- aggregate, without a call per message. Plus the session's flow state. Always its generic plan: it reads
-- the newest messages from the session's own index (session_id, seq) backward and stops after
-- p_history_limit rows; a plan made for one long session (a frequent value in the statistics) walked the
-- table-wide seq index back past every other session's newer messages instead, and plans made per call
-- cost their planning each turn (docs/performance.md, "The catalog search and begin_turn").
CREATE FUNCTION public.session_context(p_session_id uuid, p_history_limit integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    SET plan_cache_mode TO 'force_generic_plan'
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

REVOKE ALL ON FUNCTION public.session_context(p_session_id uuid, p_history_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_context(p_session_id uuid, p_history_limit integer) TO service_role;

-- A session as the app reads it, with its agent's name from `agents` (the widget's header after a
-- reload, the trace detail: an agent added by SQL shows by its name). The app's JSON shapes are
-- plpgsql: a `language sql` function with `set search_path` is never inlined and is parsed and
-- planned again on every call, while plpgsql keeps its plan for the connection. Each turn builds two
-- sessions and several messages.
CREATE FUNCTION public.session_json(p_session_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  return (
    select jsonb_build_object(
      'id', s.id, 'user_id', s.user_id, 'channel', s.channel, 'agent_type', s.agent_type,
      'agent_name', coalesce(a.name, s.agent_type),
      'session_tag', s.session_tag, 'is_active', s.is_active, 'tracking_enabled', s.tracking_enabled,
      'started_at', s.started_at, 'last_activity_at', s.last_activity_at, 'ended_at', s.ended_at,
      'end_reason', s.end_reason, 'duration_seconds', s.duration_seconds,
      'model', jsonb_build_object('id', m.id, 'key', m.key, 'name', m.name, 'provider', m.provider),
      'trace_id', t.id)
      from public.conversation_sessions s
      join public.llm_models m on m.id = s.model_id
      left join public.agents a on a.key = s.agent_type
      left join public.llm_traces t on t.session_id = s.id
     where s.id = p_session_id);
end
$$;

REVOKE ALL ON FUNCTION public.session_json(p_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_json(p_session_id uuid) TO service_role;

-- The note that opened a session by handoff, or null: the previous agent's reply that handed over
-- (its metadata names this session) and the id of the question copied into this session.
create function private.handoff_note(p_session_id uuid) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('from_session_id', n.session_id, 'question_id', q.id, 'from_agent', s.agent_type,
                            'from_agent_name', coalesce(a.name, s.agent_type), 'note', public.message_json(n))
    from public.conversation_messages q
    join public.conversation_messages o on o.id = (q.metadata ->> 'handoff_from')::uuid
    join public.conversation_messages n on n.session_id = o.session_id and n.reply_to = o.id and n.superseded_at is null
    join public.conversation_sessions s on s.id = n.session_id
    left join public.agents a on a.key = s.agent_type
   where q.session_id = p_session_id and q.role = 'user' and q.metadata ? 'handoff_from'
     and n.metadata -> 'handoff' ->> 'session_id' = p_session_id::text
   order by q.seq
   limit 1
$$;

comment on function private.handoff_note(uuid) is
  'The handoff note that opened a session (from_session_id, question_id, from_agent and its name, note), or null.';

revoke execute on function private.handoff_note(uuid) from public, anon, authenticated;
grant execute on function private.handoff_note(uuid) to service_role;

-- The widget's history of a session: the newest answer only (the trace detail keeps both), and the
-- handoff note that opened it (private.handoff_note), so a reload shows why the agent changed.
create function public.session_messages(p_user_id text, p_session_id uuid) returns jsonb
  language plpgsql stable
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
                           where m.session_id = p_session_id and m.superseded_at is null), '[]'::jsonb),
    'handoff', private.handoff_note(p_session_id)
  );
end
$$;

comment on function public.session_messages(text, uuid) is
  'A visitor''s own session, its messages ("Try again" replaced replies left out) and the handoff note that opened it; 404 for another visitor''s.';

REVOKE ALL ON FUNCTION public.session_messages(p_user_id text, p_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_messages(p_user_id text, p_session_id uuid) TO service_role;

-- The widget's chat list: a visitor's own sessions, newest activity first, each with its agent, tag,
-- model and last message. Only the visitor's rows (tests/db/visitor-sessions.test.ts).
create function public.list_visitor_sessions(p_user_id text, p_limit integer default 30) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select coalesce(jsonb_agg(x.item order by x.last_activity_at desc, x.id), '[]'::jsonb)
    from (
      select s.id, s.last_activity_at,
             jsonb_build_object(
               'id', s.id, 'agent_type', s.agent_type, 'agent_name', a.name, 'session_tag', s.session_tag,
               'model_name', m.name, 'trace_id', t.id, 'is_active', s.is_active, 'started_at', s.started_at,
               'last_activity_at', s.last_activity_at, 'ended_at', s.ended_at,
               'last_message', (select jsonb_build_object('role', c.role, 'content', left(c.content, 200), 'created_at', c.created_at)
                                  from public.conversation_messages c
                                 where c.session_id = s.id and c.superseded_at is null
                                 order by c.seq desc limit 1)) as item
        from public.conversation_sessions s
        join public.llm_models m on m.id = s.model_id
        left join public.agents a on a.key = s.agent_type
        left join public.llm_traces t on t.session_id = s.id
       where s.user_id = p_user_id
       order by s.last_activity_at desc, s.id
       limit greatest(1, least(coalesce(p_limit, 30), 100))
    ) x
$$;

comment on function public.list_visitor_sessions(text, integer) is
  'The chat list: a visitor''s own sessions (newest first, at most 100) with agent, tag, model, trace and last message.';

revoke execute on function public.list_visitor_sessions(text, integer) from public, anon, authenticated;
grant execute on function public.list_visitor_sessions(text, integer) to service_role;

-- Score writes (session feedback, message votes) per visitor and minute.
create function private.score_writes_per_minute() returns integer
  language sql immutable
  set search_path = ''
as $$
  select 20
$$;
comment on function private.score_writes_per_minute() is 'How many ratings and votes a visitor may write in a minute.';

create function private.score_gate(p_user_id text) returns void
  language plpgsql
  set search_path = ''
as $$
begin
  if p_user_id is not null and private.hit_rate_limit('score:' || p_user_id, private.score_writes_per_minute()) then
    raise exception using errcode = 'PT429', message = 'rate_limit:feedback',
      detail = 'Too many ratings in a minute. Wait a moment and try again.';
  end if;
end
$$;
comment on function private.score_gate(text) is
  'Refuses a visitor''s score write over private.score_writes_per_minute() (429 rate_limit:feedback); operators (null) pass.';

revoke execute on function private.score_writes_per_minute(), private.score_gate(text) from public, anon, authenticated;
grant execute on function private.score_writes_per_minute(), private.score_gate(text) to service_role;

-- The sessions that end so that a visitor's new session can start on a channel: the previous one,
-- when this transaction ended it (agent switch, idle: its ending is read back), and any other active
-- one (closed here as superseded). Their endings, for the new session's `started` event.
CREATE FUNCTION private.end_sessions_before_start(p_user_id text, p_channel text, p_previous_session_id uuid, p_request_id text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_other uuid;
  v_ending jsonb;
  v_ended jsonb := '[]'::jsonb;
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
  return v_ended;
end
$$;

REVOKE ALL ON FUNCTION private.end_sessions_before_start(p_user_id text, p_channel text, p_previous_session_id uuid, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.end_sessions_before_start(p_user_id text, p_channel text, p_previous_session_id uuid, p_request_id text) TO service_role;

-- THE session-tag format (docs/architecture.md, "Session tags"), its one home:
-- chat_model_<first 6 hex digits of the model id>_<001, 002, … 999, 1000, …>.
-- plpgsql: a `language sql` function with `set search_path` is never inlined and is planned again on
-- every call (every new session calls it).
create function private.session_tag(p_model_id uuid, p_n bigint) returns text
  language plpgsql immutable
  set search_path = ''
as $$
begin
  return 'chat_model_' || left(replace(p_model_id::text, '-', ''), 6) || '_'
         || case when p_n < 1000 then lpad(p_n::text, 3, '0') else p_n::text end;
end
$$;

revoke all on function private.session_tag(uuid, bigint) from public, anon, authenticated;
grant all on function private.session_tag(uuid, bigint) to service_role;

-- A whole session tag as private.session_tag writes it (search_traces searches such a text as that exact tag).
create function private.session_tag_pattern() returns text
  language sql immutable
  set search_path = ''
as $$
  select '^chat_model_[0-9a-f]{6}_[0-9]{3,}$'
$$;

revoke all on function private.session_tag_pattern() from public, anon, authenticated;
grant all on function private.session_tag_pattern() to service_role;

-- The next session tag of a visitor for a model (private.session_tag), from its counter, atomically.
-- plpgsql: its plan is kept for the connection (a `language sql` function with `set search_path`
-- is planned again on every call, and every new session calls it).
CREATE FUNCTION private.next_session_tag(p_user_id text, p_model_id uuid) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_n bigint;
begin
  insert into public.session_tag_counters as c (user_id, model_id, last_value)
  values (p_user_id, p_model_id, 1)
  on conflict (user_id, model_id)
  do update set last_value = c.last_value + 1, updated_at = now()
  returning c.last_value into v_n;
  return private.session_tag(p_model_id, v_n);
end
$$;

REVOKE ALL ON FUNCTION private.next_session_tag(p_user_id text, p_model_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.next_session_tag(p_user_id text, p_model_id uuid) TO service_role;

-- The open flows (an order) of a session that expired idle go on in the new session: copied over,
-- their names returned (null when there were none). plpgsql, as private.session_tag: every session
-- started after an idle one calls it.
CREATE FUNCTION private.carry_open_flows(p_from_session_id uuid, p_to_session_id uuid) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_flows jsonb;
begin
  with carried as (
    insert into public.flow_states (session_id, flow, state)
    select p_to_session_id, f.flow, f.state
      from public.flow_states f
     where f.session_id = p_from_session_id and public.flow_is_open(f.state)
    returning flow
  )
  select jsonb_agg(c.flow order by c.flow) into v_flows from carried c;
  return v_flows;
end
$$;

REVOKE ALL ON FUNCTION private.carry_open_flows(p_from_session_id uuid, p_to_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.carry_open_flows(p_from_session_id uuid, p_to_session_id uuid) TO service_role;

-- Starts a session: ends any other active one, takes the next tag, creates the trace,
-- and carries open flows over from a session that expired idle.
CREATE FUNCTION public.start_session(p_user_id text, p_channel text, p_agent text, p_model_id uuid, p_tracking boolean, p_reason text, p_previous_session_id uuid DEFAULT NULL::uuid, p_request_id text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_ended jsonb;
  v_carried jsonb;
  v_tag text;
  v_session_id uuid;
  v_previous_agent text;
begin
  v_ended := private.end_sessions_before_start(p_user_id, p_channel, p_previous_session_id, p_request_id);
  v_tag := private.next_session_tag(p_user_id, p_model_id);

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
    v_carried := private.carry_open_flows(p_previous_session_id, v_session_id);
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

REVOKE ALL ON FUNCTION public.start_session(p_user_id text, p_channel text, p_agent text, p_model_id uuid, p_tracking boolean, p_reason text, p_previous_session_id uuid, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.start_session(p_user_id text, p_channel text, p_agent text, p_model_id uuid, p_tracking boolean, p_reason text, p_previous_session_id uuid, p_request_id text) TO service_role;

-- The sessions that ended so that this one could start (agent switch, idle, superseded), with their
-- figures: what begin_turn returns as `ended` for the `session.ended` log lines. plpgsql, as
-- next_session_tag: every new session's first turn asks.
CREATE FUNCTION public.turn_endings(p_session_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  return coalesce((
    select e.detail -> 'ended' from public.session_events e
     where e.session_id = p_session_id and e.event = 'started'
     order by e.id limit 1
  ), '[]'::jsonb);
end
$$;

REVOKE ALL ON FUNCTION public.turn_endings(p_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.turn_endings(p_session_id uuid) TO service_role;

-- One trace per session (llm_traces) and its observations (steps, LLM calls, tool calls), the
-- trace explorer's search and detail, and trace feedback.

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- One trace per tracked session.
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
    comments_count integer DEFAULT 0 NOT NULL,
    experiment_id uuid, -- an experiment's replay (channel experiment), copied from its session
    CONSTRAINT llm_traces_channel_check CHECK ((channel ~ '^[a-z][a-z0-9_]{0,31}$'::text)),
    CONSTRAINT llm_traces_cost_usd_check CHECK ((cost_usd >= (0)::numeric)),
    CONSTRAINT llm_traces_comments_count_check CHECK ((comments_count >= 0)),
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

ALTER TABLE ONLY public.llm_traces
    ADD CONSTRAINT llm_traces_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.llm_traces
    ADD CONSTRAINT llm_traces_session_id_key UNIQUE (session_id);

ALTER TABLE ONLY public.llm_traces
    ADD CONSTRAINT llm_traces_user_tag UNIQUE (user_id, session_tag);

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

CREATE INDEX llm_traces_user_created ON public.llm_traces USING btree (user_id, created_at DESC, id DESC) INCLUDE (session_id, channel);

ALTER TABLE ONLY public.llm_traces
    ADD CONSTRAINT llm_traces_model_id_fkey FOREIGN KEY (model_id) REFERENCES public.llm_models(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.llm_traces
    ADD CONSTRAINT llm_traces_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.conversation_sessions(id) ON DELETE CASCADE;

ALTER TABLE public.llm_traces ENABLE ROW LEVEL SECURITY;

CREATE POLICY "users read their own traces" ON public.llm_traces FOR SELECT TO authenticated USING ((user_id = (( SELECT auth.uid() AS uid))::text));

GRANT SELECT ON TABLE public.llm_traces TO anon;
GRANT SELECT ON TABLE public.llm_traces TO authenticated;
GRANT ALL ON TABLE public.llm_traces TO service_role;

CREATE TRIGGER llm_traces_pin_agent_version BEFORE INSERT ON public.llm_traces FOR EACH ROW EXECUTE FUNCTION public.pin_agent_version();

-- Observations: every step of every turn (Langfuse-style), under the session's trace.
-- session_id is the trace's session, written from the trace row by the two writers (private.store_steps,
-- public.record_reply_speech); no foreign key or index of its own: a session's deletion reaches its steps
-- through llm_traces (trace_id, on delete cascade), and no query reads steps by session
-- (docs/performance.md, "What a turn's steps cost").
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
    search_vector tsvector GENERATED ALWAYS AS (
CASE
    WHEN (kind = 'tool'::text) THEN (jsonb_to_tsvector('english'::regconfig, COALESCE(arguments, '{}'::jsonb), '["string"]'::jsonb) || jsonb_to_tsvector('english'::regconfig, COALESCE(result, '{}'::jsonb), '["string"]'::jsonb))
    ELSE NULL::tsvector
END) STORED,
    -- the model the provider answered with (a generation's gen_ai.response.model), which may differ from `model`, the one asked for
    -- (at most 200 characters: store_steps cuts it; no check, so adding the column scans no rows)
    response_model text,
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

-- The explorer's search by what was said: the string values of a tool step's arguments and result.
CREATE INDEX llm_observations_search ON public.llm_observations USING gin (search_vector) WHERE (kind = 'tool'::text);

ALTER TABLE ONLY public.llm_observations
    ADD CONSTRAINT llm_observations_pkey PRIMARY KEY (id);

CREATE INDEX llm_observations_created ON public.llm_observations USING brin (created_at);

CREATE INDEX llm_observations_message ON public.llm_observations USING btree (message_id);

CREATE INDEX llm_observations_parent ON public.llm_observations USING btree (parent_id) WHERE (parent_id IS NOT NULL);

CREATE INDEX llm_observations_trace ON public.llm_observations USING btree (trace_id, started_at, "position");

ALTER TABLE ONLY public.llm_observations
    ADD CONSTRAINT llm_observations_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.conversation_messages(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.llm_observations
    ADD CONSTRAINT llm_observations_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.llm_observations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.llm_observations
    ADD CONSTRAINT llm_observations_trace_id_fkey FOREIGN KEY (trace_id) REFERENCES public.llm_traces(id) ON DELETE CASCADE;

ALTER TABLE public.llm_observations ENABLE ROW LEVEL SECURITY;

CREATE POLICY "users read their own observations" ON public.llm_observations FOR SELECT TO authenticated USING ((user_id = (( SELECT auth.uid() AS uid))::text));

GRANT SELECT ON TABLE public.llm_observations TO anon;
GRANT SELECT ON TABLE public.llm_observations TO authenticated;
GRANT ALL ON TABLE public.llm_observations TO service_role;

-- A new trace takes its session's channel (web when the session has none) and experiment.
CREATE FUNCTION private.trace_channel() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  select s.channel, s.experiment_id into new.channel, new.experiment_id from public.conversation_sessions s where s.id = new.session_id;
  new.channel := coalesce(new.channel, 'web');
  return new;
end
$$;

REVOKE ALL ON FUNCTION private.trace_channel() FROM PUBLIC;
GRANT ALL ON FUNCTION private.trace_channel() TO service_role;

CREATE TRIGGER llm_traces_channel BEFORE INSERT ON public.llm_traces FOR EACH ROW EXECUTE FUNCTION private.trace_channel();

-- The explorer's search (docs/performance.md): each filter only when given, dynamic
-- SQL so every search gets its own plan, tags matching a substring merged per tag.
-- Sorting by cost pages on (cost_usd, created_at, id), the order of the
-- llm_traces_cost_created index: many traces share a cost (0 on the offline model),
-- so created_at keeps the page walk on the index. Its cursor value is
-- "<cost>|<created_at>". Its steps are the private.search_* functions below.
 --------------------------------

-- The keyset of a sort: its columns, the cursor's values ($9), the order and the printed sort value.
create function private.search_keyset(p_sort text, p_dir text, out keys text, out after text, out ord text, out value text)
  language plpgsql immutable
  set search_path = ''
as $$
begin
  if p_sort = 'cost_usd' then
    keys := 't.cost_usd, t.created_at';
    after := 'split_part($9, ''|'', 1)::numeric, split_part($9, ''|'', 2)::timestamptz';
    ord := format('t.cost_usd %1$s, t.created_at %1$s, t.id %1$s', p_dir);
    value := 't.cost_usd::text || ''|'' || t.created_at::text';
  elsif p_sort = 'score' then
    -- the trace's mean of the filtered score (every source and author; $17 names its config)
    keys := '(select avg(s.value) from public.scores s join public.score_configs c on c.id = s.config_id'
         || ' where s.trace_id = t.id and c.name = $17)';
    value := keys || '::text || ''|'' || t.created_at::text';
    ord := format('%1$s %2$s, t.created_at %2$s, t.id %2$s', keys, p_dir);
    keys := keys || ', t.created_at';
    after := 'split_part($9, ''|'', 1)::numeric, split_part($9, ''|'', 2)::timestamptz';
  else
    keys := format('t.%I', p_sort);
    after := format('$9::%s', case when p_sort in ('created_at', 'updated_at') then 'timestamptz' else 'bigint' end);
    ord := format('t.%1$I %2$s, t.id %2$s', p_sort, p_dir);
    value := format('t.%I::text', p_sort);
  end if;
end
$$;

revoke all on function private.search_keyset(text, text) from public, anon, authenticated;
grant all on function private.search_keyset(text, text) to service_role;

-- A trace-level score of the config named $17 (compared with $18 when given).
create function private.search_score_filter(p_score_op text, p_has_value boolean) returns text
  language plpgsql immutable
  set search_path = ''
as $$
declare
  v_op text := case p_score_op when 'lt' then '<' when 'lte' then '<=' when 'eq' then '=' when 'gte' then '>=' when 'gt' then '>' end;
begin
  if v_op is null and p_score_op is not null then
    raise exception using errcode = 'PT400', message = 'bad_request:traces', detail = 'scoreOp must be lt, lte, eq, gte or gt.';
  end if;
  return ' and exists (select 1 from public.scores s join public.score_configs c on c.id = s.config_id'
      || ' where s.trace_id = t.id and c.name = $17'
      || case when p_has_value then format(' and s.value %s $18', coalesce(v_op, '=')) else '' end || ')';
end
$$;

revoke all on function private.search_score_filter(text, boolean) from public, anon, authenticated;
grant all on function private.search_score_filter(text, boolean) to service_role;

-- The filters as a where clause over the numbered parameters of search_traces.
create function private.search_where(p_agent boolean, p_model boolean, p_user boolean, p_feedback boolean, p_from boolean,
                                     p_to boolean, p_tool boolean, p_has_error boolean, p_min_cost boolean, p_channel boolean) returns text
  language sql immutable
  set search_path = ''
as $$
  select 'true'
    || case when p_agent then ' and t.agent_type = $3' else '' end
    || case when p_model then ' and t.model_id = (select m.id from public.llm_models m where m.key = $4)' else '' end
    || case when p_user then ' and t.user_id = $5' else '' end
    || case when p_feedback then ' and t.feedback = $6' else '' end
    || case when p_from then ' and t.created_at >= $7' else '' end
    || case when p_to then ' and t.created_at < $8' else '' end
    -- containment, so the GIN index on tools_used serves it
    || case when p_tool then ' and t.tools_used @> array[$13]::text[]' else '' end
    -- the partial index's own predicate (llm_traces_errors_created)
    || case when p_has_error then ' and t.error_count > 0' when not p_has_error then ' and t.error_count = 0' else '' end
    || case when p_min_cost then ' and t.cost_usd >= $14' else '' end
    -- an experiment's traces only when asked for by their channel (docs/architecture.md, "Datasets and experiments")
    || case when p_channel then ' and t.channel = $15' else ' and t.channel <> ''experiment''' end
$$;

revoke all on function private.search_where(boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) from public, anon, authenticated;
grant all on function private.search_where(boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) to service_role;

-- A tag substring's tags (q: letters, digits, underscores; private.search_is_tag), when at most 2,000, else
-- null (the search walks llm_traces_created with ilike). Tags are derived, not read: each model's
-- private.session_tag prefix, then its numbers 1 … its highest counter (the format's number part as
-- private.session_tag writes it; tests/db/tag-search.test.ts compares them), matched without a call per
-- tag (docs/performance.md, "Tag search at scale"): in the prefix, or across its last length(q) - 1
-- characters and the number (tags are lowercase, so a case-insensitive match is strpos of lower(q)).
create function private.search_tags(p_q text) returns text[]
  language sql stable
  set search_path = ''
as $$
  select case when count(*) <= 2000 then coalesce(array_agg(x.tag), '{}') end from (
    select g.prefix || d.d as tag
      from (select left(private.session_tag(m.id, 1000), -4) as prefix,
                   (select max(c.last_value) from public.session_tag_counters c where c.model_id = m.id) as last
              from public.llm_models m offset 0) g -- offset 0: the prefix once per model, not per tag
      cross join lateral generate_series(1, g.last) n
      cross join lateral (select case when n < 1000 then lpad(n::text, 3, '0') else n::text end as d) d
     where strpos(g.prefix, lower(p_q)) > 0 or strpos(right(g.prefix, length(p_q) - 1) || d.d, lower(p_q)) > 0
     limit 2001) x
$$;

revoke all on function private.search_tags(text) from public, anon, authenticated;
grant all on function private.search_tags(text) to service_role;

-- The page's query: its traces in the page's order, each one's sort value (the cursor's), and how many.
-- Their JSON is built once, after the last query (private.search_rows).
create function private.search_query(p_value text, p_order text, p_where text, p_source text) returns text
  language sql immutable
  set search_path = ''
as $$
  select format(
    $q$select array_agg(t.r order by t.n), array_agg(t.v order by t.n), count(*)::int from (
         select t::public.llm_traces as r, %1$s as v, row_number() over (order by %2$s) as n
           from (select * from %4$s where %3$s order by %2$s limit $11) t) t$q$,
    p_value, p_order, p_where, p_source)
$$;

revoke all on function private.search_query(text, text, text, text) from public, anon, authenticated;
grant all on function private.search_query(text, text, text, text) to service_role;

-- The page's rows as the explorer reads them: each trace with its model, its trace-level scores and comment
-- count, and its sort value. A static statement (planned once per connection, not per search) building json
-- text, not jsonb (docs/performance.md, "The exact tag's p99").
create function private.search_rows(p_rows public.llm_traces[], p_values text[], p_mask boolean) returns json
  language plpgsql stable
  set search_path = ''
as $$
begin
  -- the sort values come as unnest's second column (t.unnest), in the order of the traces (t.ordinality)
  return (select coalesce(json_agg(json_build_object('id', t.id, 'session_id', t.session_id, 'session_tag', t.session_tag,
              'user_id', t.user_id, 'channel', t.channel, 'agent_type', t.agent_type, 'agent_version', t.agent_version,
              'model_key', m.key, 'model_name', m.name, 'experiment_name', t.experiment_name, 'llm_calls', t.llm_calls,
              'input_tokens', t.input_tokens, 'output_tokens', t.output_tokens, 'total_tokens', t.total_tokens,
              'latency_ms', t.latency_ms, 'cost_usd', t.cost_usd, 'tool_calls', t.tool_calls, 'error_count', t.error_count,
              'tools_used', t.tools_used, 'votes_up', t.votes_up, 'votes_down', t.votes_down, 'status', t.status,
              'last_error', case when p_mask then private.mask_pii(t.last_error) else t.last_error end, 'feedback', t.feedback,
              'feedback_comment', case when p_mask then private.mask_pii(t.feedback_comment) else t.feedback_comment end,
              'comments_count', t.comments_count,
              'scores', coalesce(sc.scores, '[]'::json),
              'created_at', t.created_at, 'updated_at', t.updated_at, 'sort_value', t.unnest) order by t.ordinality), '[]'::json)
            from unnest(p_rows, p_values) with ordinality t
            join public.llm_models m on m.id = t.model_id
            -- the page's trace-level scores in one index scan, not one per row
            left join (select s.trace_id, json_agg(json_build_object('name', c.name, 'source', s.source, 'author', s.author,
                          'value', case c.data_type when 'boolean' then to_json(s.value = 1) when 'categorical' then to_json(s.string_value)
                                                    else to_json(s.value) end) order by c.name, s.source, s.author) as scores
                         from public.scores s join public.score_configs c on c.id = s.config_id
                        where s.trace_id = any (array(select r.id from unnest(p_rows) r)) group by s.trace_id) sc on sc.trace_id = t.id);
end
$$;

revoke all on function private.search_rows(public.llm_traces[], text[], boolean) from public, anon, authenticated;
grant all on function private.search_rows(public.llm_traces[], text[], boolean) to service_role;

-- Whether the search box's text reads as a session tag (docs/architecture.md, "Search box"): letters,
-- digits and underscores with a digit or an underscore in it, a piece of the tags' literal head (the
-- letters and underscores private.session_tag_pattern starts with: "chat_model_"), or six hex digits (a
-- tag's model part). Anything else is searched in what was said.
create function private.search_is_tag(p_q text) returns boolean
  language sql immutable
  set search_path = ''
as $$
  select p_q ~ '^[A-Za-z0-9_]+$'
     and (p_q ~ '[0-9_]' or position(lower(p_q) in substring(private.session_tag_pattern() from '^\^([a-z_]+)')) > 0
          or p_q ~* '^[0-9a-f]{6}$')
$$;

revoke all on function private.search_is_tag(text) from public, anon, authenticated;
grant all on function private.search_is_tag(text) to service_role;

-- The traces whose conversation says $19 (a websearch tsquery: words, "phrases") or holds $2 (a
-- fragment, trigram index): matching messages and tool steps first (GIN indexes), then their traces.
-- p_literal: $22 is a character every fragment match holds as it is (private.search_literal), tested
-- before the costlier `ilike` in the walk's probe; p_tools: $23 holds every trace whose tool steps say
-- $19 (private.search_tool_traces), so the walk tests it instead of probing each trace's steps; after
-- the walk, every trace the index stage may return (private.search_content_traces), read by key.
create function private.search_content_match(p_walk boolean, p_literal boolean, p_tools boolean) returns text
  language sql immutable
  set search_path = ''
as $$
  select case when p_walk then
    -- probed trace by trace (the newest few of the filters: private.search_walk_source), one index scan
    -- of the trace's messages in order each (docs/performance.md, "Content search"): `offset 0` keeps the
    -- planner from hashing all matches first (every message with the fragment or the phrase's words),
    -- which the walk exists to avoid; the `case` (selectivity unknown to the planner, so estimated at one
    -- half) makes it read the few messages by the index rather than build a bitmap for each trace
    ' and (exists (select 1 from public.conversation_messages m where m.session_id = t.session_id'
      || ' and case when m.search_vector @@ $19 then true else '
      || case when p_literal then 'strpos(m.content, $22) > 0 and ' else '' end || 'm.content ilike $2 end offset 0)'
      || case when p_tools then ' or t.id = any($23))'
              else ' or exists (select 1 from public.llm_observations o where o.trace_id = t.id and o.kind = ''tool'' and o.search_vector @@ $19 offset 0))' end
  when p_tools then
    -- the index stage with its few traces collected first (private.search_content_traces): read by key
    ' and t.id = any($23)'
  else
    -- every matching message's and step's trace, from the GIN indexes
    ' and t.id in (select o.trace_id from public.llm_observations o'
      || ' where o.kind = ''tool'' and o.search_vector @@ $19'
      || ' union select c.id from public.conversation_messages m join public.llm_traces c on c.session_id = m.session_id'
      || ' where m.search_vector @@ $19 or m.content ilike $2)' end
$$;

revoke all on function private.search_content_match(boolean, boolean, boolean) from public, anon, authenticated;
grant all on function private.search_content_match(boolean, boolean, boolean) to service_role;

-- The traces whose tool steps say p_query, from the partial GIN index llm_observations_search, when
-- they are at most 1,000 (a word few tool steps hold: the walk then tests the list); else null (the
-- walk probes each trace's steps, as a word in every tool result would make the list long).
create function private.search_tool_traces(p_query tsquery) returns uuid[]
  language sql stable
  set search_path = ''
as $$
  select case when count(*) <= 1000 then coalesce(array_agg(x.trace_id), '{}') end
    from (select distinct o.trace_id from public.llm_observations o
           where o.kind = 'tool' and o.search_vector @@ p_query limit 1001) x
$$;

revoke all on function private.search_tool_traces(tsquery) from public, anon, authenticated;
grant all on function private.search_tool_traces(tsquery) to service_role;

-- Every trace whose conversation says p_query or holds p_pattern (its messages from the GIN indexes)
-- or whose tool steps do (p_tools: private.search_tool_traces' list), when the messages are at most
-- p_cap; else null, as when p_tools is null (the index query then joins as the planner sees fit). A
-- word the walk did not find is rare where it looked, and the planner, which cannot count a word
-- outside its statistics, would guess thousands of matches and hash them against every trace; handed
-- the few ids, the page reads them by key (docs/performance.md, "A rare word in the conversation").
-- Dynamic: the fragment's `ilike` is planned for its own value (a generic plan scans every message).
create function private.search_content_traces(p_query tsquery, p_pattern text, p_tools uuid[], p_cap integer default 5000) returns uuid[]
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_sessions uuid[];
begin
  if p_tools is null then
    return null;
  end if;
  execute 'select array(select m.session_id from public.conversation_messages m'
       || ' where m.search_vector @@ $1' || case when p_pattern is not null then ' or m.content ilike $2' else '' end
       || ' limit $3 + 1)'
    into v_sessions using p_query, p_pattern, p_cap;
  if cardinality(v_sessions) > p_cap then
    return null;
  end if;
  return p_tools || array(select t.id from public.llm_traces t where t.session_id = any(v_sessions));
end
$$;

comment on function private.search_content_traces(tsquery, text, uuid[], integer) is
  'The traces a content search''s index stage may return (matching messages'' traces and the tool-step list), or null above p_cap messages: the page then reads them by key.';

revoke all on function private.search_content_traces(tsquery, text, uuid[], integer) from public, anon, authenticated;
grant all on function private.search_content_traces(tsquery, text, uuid[], integer) to service_role;

-- A character that every text holding q (`ilike '%q%'`, any case) holds as it is: q's first ASCII
-- character other than a letter, a digit or a space (lower() maps letters only, and nothing maps to
-- such a character), else null. A quoted phrase's `"`: few messages hold one, so the walk's probe
-- tests it (strpos) before the `ilike`, which lowercases every message it reads.
create function private.search_literal(p_q text) returns text
  language sql immutable
  set search_path = ''
as $$
  select c from regexp_split_to_table(p_q, '') with ordinality x(c, n)
   where ascii(c) between 33 and 126 and c !~ '[A-Za-z0-9]' order by n limit 1
$$;

revoke all on function private.search_literal(text) from public, anon, authenticated;
grant all on function private.search_literal(text) to service_role;

-- The newest $20 traces of the filters after the first $21 (in the page's order; private.search_walk_deeper
-- says how many): a content search probes these one by one first; a common word fills its page there
-- without reading all its matches. A deeper walk skips the traces the walk before it probed.
create function private.search_walk_source(p_where text, p_order text) returns text
  language sql immutable
  set search_path = ''
as $$
  select format('(select * from public.llm_traces t where %s order by %s offset $21 limit $20) t', p_where, p_order)
$$;

revoke all on function private.search_walk_source(text, text) from public, anon, authenticated;
grant all on function private.search_walk_source(text, text) to service_role;

-- A content walk's page (docs/performance.md, "The visitor's walk, index-only"): the walk's traces read as
-- keys first, only the columns the order and the match p_match name (t.id, t.session_id, t.created_at, …:
-- for one visitor all in llm_traces_user_created, an index-only scan), each probed, and the full rows read
-- by key only for the page's at most $11 matches, in the same order (t.id breaks every tie).
create function private.search_walk_query(p_value text, p_order text, p_where text, p_match text) returns text
  language sql immutable
  set search_path = ''
as $$
  select format(
    $q$select array_agg(t.r order by t.n), array_agg(t.v order by t.n), count(*)::int from (
         select t::public.llm_traces as r, %1$s as v, row_number() over (order by %2$s) as n
           from (select t.id from (select %5$s from public.llm_traces t where %3$s order by %2$s offset $21 limit $20) t
                  where true%4$s order by %2$s limit $11) k
           join public.llm_traces t on t.id = k.id) t$q$,
    p_value, p_order, p_where, p_match,
    (select string_agg(distinct 't.' || c[1], ', ') from regexp_matches(p_order || p_match || ' t.id', '\mt\.([a-z_]+)', 'g') c))
$$;

revoke all on function private.search_walk_query(text, text, text, text) from public, anon, authenticated;
grant all on function private.search_walk_query(text, text, text, text) to service_role;

-- The planner's estimate of the messages that say p_query: the candidates the GIN index hands the index
-- stage (private.search_content_traces; a phrase's every message with its words, each read and rechecked),
-- from the search vector's statistics, reading no message. A fragment's `ilike` (trigram index) is left
-- out: the planner estimates it poorly (a rare order code at thousands of messages), so the estimate is a
-- floor of the index stage's reads. Volatile: EXPLAIN runs in no read-only function.
create function private.search_content_estimate(p_query tsquery) returns bigint
  language plpgsql volatile
  set search_path = ''
as $$
declare
  v_plan json;
begin
  execute format('explain (format json) select from public.conversation_messages m where m.search_vector @@ %L::tsquery', p_query) into v_plan;
  return ceil((v_plan->0->'Plan'->>'Plan Rows')::numeric)::bigint;
end
$$;

revoke all on function private.search_content_estimate(tsquery) from public, anon, authenticated;
grant all on function private.search_content_estimate(tsquery) to service_role;

-- A visitor's search whose walks of p_depth traces fell short (docs/performance.md, "Content search within one
-- visitor"): all of the visitor's traces (the depth to walk to, so the walk reads every one of them and stops
-- when the page is full) when the ones past the walk are no more than the messages the index stage would
-- read for p_query (private.search_content_estimate), else 0 (the indexes). Counted on
-- llm_traces_user_created, at most that many; other filters only narrow the walk.
create function private.search_walk_visitor(p_depth integer, p_user text, p_query tsquery) returns integer
  language sql stable
  set search_path = ''
as $$
  select case when c.n > p_depth and c.n - p_depth <= e.n then c.n::integer else 0 end
    from (select least(private.search_content_estimate(p_query), 1000000) as n) e
    cross join lateral (select count(*) as n from (select from public.llm_traces t where t.user_id = p_user limit p_depth + e.n + 1) x) c
$$;

revoke all on function private.search_walk_visitor(integer, text, tsquery) from public, anon, authenticated;
grant all on function private.search_walk_visitor(integer, text, tsquery) to service_role;

-- After walks of p_depth traces in all found p_found matches, fewer than a page of p_limit: how many
-- traces to have walked after the next walk, 0 for the GIN indexes. The first walk is short (200); one
-- that found nothing walks to 2,000 (a rare word then goes to the indexes, which hand back few ids);
-- one that found a few (a phrase, a fragment) walks twice as deep as their rate says a page needs, at
-- least 2,000 and at most 10,000 in all, again after each walk that fell short (a first rate that was a
-- fluke: 10 in the first 200, 34 in 2,266), so a word in one trace of a hundred fills its page walking
-- (it stops as soon as the page is full) instead of reading every match from the indexes. A search of
-- one visitor (p_user) whose walks found some matches but fewer than a page, and that would go to the
-- indexes, walks the rest of the visitor's traces instead when they are fewer than the messages the
-- indexes would read (private.search_walk_visitor); a walk past 10,000 is that one and the last. None
-- found in 2,000 (a rare word, a code): the indexes, which hand back few ids (the planner's estimate of a
-- word outside its statistics is too coarse to weigh against the walk).
create function private.search_walk_deeper(p_depth integer, p_found integer, p_limit integer, p_user text default null,
    p_query tsquery default null) returns integer
  language sql stable
  set search_path = ''
as $$
  select case when p_depth > 10000 then 0
              when p_found > 0 and p_depth < 10000 then least(10000, greatest(2000, 2 * p_depth, 2 * p_depth * (p_limit + 1) / p_found))
              when p_found = 0 and p_depth = 200 then 2000
              when p_user is not null and p_found > 0 then private.search_walk_visitor(p_depth, p_user, p_query)
              else 0 end
$$;

revoke all on function private.search_walk_deeper(integer, integer, integer, text, tsquery) from public, anon, authenticated;
grant all on function private.search_walk_deeper(integer, integer, integer, text, tsquery) to service_role;

-- A tag substring's tags ($12), merged exactly without reading each tag's page (docs/performance.md, "Tag
-- search at scale"): each tag's first trace of the filters in the page's order, one index probe each; only
-- the $11 tags whose first comes first can hold a row of the page (any other tag's first comes after
-- those $11 rows), so only their pages are read. Sorted by created_at, the last of those $11 firsts
-- also bounds each of their pages (an index condition, so no tag is read past it).
create function private.search_tag_source(p_where text, p_order text, p_sort text, p_dir text) returns text
  language sql immutable
  set search_path = ''
as $$
  select format('(with f as (select t.* from unnest($12::text[]) g(tag) cross join lateral (
              select * from public.llm_traces t where t.session_tag = g.tag and %1$s order by %2$s limit 1) t
             order by %2$s limit $11)
          select l.* from f cross join lateral (
            select * from public.llm_traces t where t.session_tag = f.session_tag and %1$s%3$s order by %2$s limit $11) l) t',
    p_where, p_order, case when p_sort = 'created_at' then private.search_tag_bound(p_dir) else '' end)
$$;

revoke all on function private.search_tag_source(text, text, text, text) from public, anon, authenticated;
grant all on function private.search_tag_source(text, text, text, text) to service_role;

-- The bound of private.search_tag_source sorted by created_at (p_dir its direction): the last of the $11
-- tags' firsts when there are $11 of them, else none (-infinity, or infinity ascending).
create function private.search_tag_bound(p_dir text) returns text
  language sql immutable
  set search_path = ''
as $$
  select format(' and (t.created_at, t.id) %1$s= (coalesce((select b.created_at from (select * from f order by f.created_at %2$s, f.id %2$s'
             || ' limit 1) b where (select count(*) from f) = $11), %3$L), coalesce((select b.id from (select * from f order by f.created_at %2$s,'
             || ' f.id %2$s limit 1) b where (select count(*) from f) = $11), %4$L::uuid))',
    case when p_dir = 'desc' then '>' else '<' end, case when p_dir = 'desc' then 'asc' else 'desc' end,
    case when p_dir = 'desc' then '-infinity' else 'infinity' end,
    case when p_dir = 'desc' then '00000000-0000-0000-0000-000000000000' else 'ffffffff-ffff-ffff-ffff-ffffffffffff' end)
$$;

revoke all on function private.search_tag_bound(text) from public, anon, authenticated;
grant all on function private.search_tag_bound(text) to service_role;

-- A trace's first message (else tool step) that matches, with a snippet: the words between
-- chr(2) and chr(3) (ts_headline), masked first when PII_MASKING masks outputs.
create function private.search_match(p_trace jsonb, p_query tsquery, p_pattern text, p_mask boolean) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select coalesce(
    (select jsonb_build_object('kind', 'message', 'message_id', m.id, 'role', m.role,
              'snippet', ts_headline('english', case when p_mask then private.mask_pii(left(m.content, 4000)) else left(m.content, 4000) end,
                                     p_query, 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=24, MinWords=12'))
       from public.conversation_messages m
      where m.session_id = (p_trace->>'session_id')::uuid and (m.search_vector @@ p_query or m.content ilike p_pattern)
      order by m.seq limit 1),
    (select jsonb_build_object('kind', 'tool', 'message_id', o.message_id, 'observation_id', o.id, 'role', 'tool', 'name', o.name,
              'snippet', ts_headline('english', left(case when p_mask then private.mask_pii_jsonb(jsonb_build_object('arguments', o.arguments, 'result', o.result))
                                                                      else jsonb_build_object('arguments', o.arguments, 'result', o.result) end::text, 4000),
                                     p_query, 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=24, MinWords=12'))
       from public.llm_observations o
      where o.trace_id = (p_trace->>'id')::uuid and o.kind = 'tool' and o.search_vector @@ p_query
      order by o.started_at, o.position limit 1))
$$;

revoke all on function private.search_match(jsonb, tsquery, text, boolean) from public, anon, authenticated;
grant all on function private.search_match(jsonb, tsquery, text, boolean) to service_role;

-- The page's rows, each with its `match` (only the page's rows are read again: at most 200).
create function private.search_matches(p_rows jsonb, p_query tsquery, p_pattern text, p_mask boolean) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select coalesce(jsonb_agg(r.row || jsonb_build_object('match', private.search_match(r.row, p_query, p_pattern, p_mask)) order by r.n), '[]'::jsonb)
    from jsonb_array_elements(p_rows) with ordinality r(row, n)
$$;

revoke all on function private.search_matches(jsonb, tsquery, text, boolean) from public, anon, authenticated;
grant all on function private.search_matches(jsonb, tsquery, text, boolean) to service_role;

-- One query of search_traces' loop: a page of the walk (p_walk: the newest traces of the filters probed one by
-- one; a content walk's keys first, private.search_walk_query) or of the indexes, or (p_probe) whether one trace of the filters lies past the walk ($21 traces walked,
-- $20 = 1): none, and the walk read them all.
create function private.search_step(p_probe boolean, p_value text, p_order text, p_where text, p_match text, p_content boolean,
    p_walk boolean, p_literal boolean, p_tools boolean, p_source text) returns text
  language sql immutable
  set search_path = ''
as $$
  select case when p_probe then format('select null::public.llm_traces[], null::text[], count(*)::int from %s', private.search_walk_source(p_where, p_order))
    when p_walk and p_content then private.search_walk_query(p_value, p_order, p_where, p_match || private.search_content_match(true, p_literal, p_tools))
    else private.search_query(p_value, p_order, p_where || p_match || case when p_content then private.search_content_match(p_walk, p_literal, p_tools)
                                                                       when p_walk then ' and t.session_tag ilike $2' else '' end,
                              case when p_walk then private.search_walk_source(p_where, p_order) else p_source end) end
$$;

revoke all on function private.search_step(boolean, text, text, text, text, boolean, boolean, boolean, boolean, text) from public, anon, authenticated;
grant all on function private.search_step(boolean, text, text, text, text, boolean, boolean, boolean, boolean, text) to service_role;

-- search_traces' page for every search but a whole tag alone (p_sort, p_dir, p_limit, p_tag: the exact tag,
-- p_q: the search text, as search_traces settled them): the filters' where clause, then the walk, the probe and the
-- index stage's queries (private.search_step), and the page's rows built once (private.search_rows).
create function private.search_page(p_sort text, p_dir text, p_limit integer, p_tag text, p_q text, p_agent text, p_model text,
    p_user_id text, p_feedback text, p_from timestamptz, p_to timestamptz, p_after_value text, p_after_id uuid, p_tool text,
    p_has_error boolean, p_min_cost numeric, p_channel text, p_score text, p_score_op text, p_score_value numeric) returns json
  language plpgsql stable
  set search_path = ''
as $$
declare
  k record;
  v_where text; v_match text := '';
  v_pattern text := '%' || replace(replace(replace(coalesce(p_q, ''), '\', '\\'), '%', '\%'), '_', '\_') || '%';
  v_content boolean := p_q is not null and not private.search_is_tag(p_q);
  v_literal text := private.search_literal(p_q);
  v_tags text[] := case when p_q is not null and not v_content and p_tag is null then private.search_tags(p_q) end; v_source text := 'public.llm_traces t';
  -- newest traces walked first, else 0: probed one by one (words), or tested by tag (> 200 tags, a dense substring's page)
  v_depth integer := case when v_content then 200 when cardinality(v_tags) > 200 and p_sort = 'created_at' then 2000 else 0 end;
  v_skip integer := 0; v_probe boolean := false; -- of them, probed by the walk before; the next query a probe past the walk
  v_rows public.llm_traces[] := '{}'; v_values text[] := '{}'; v_found integer := 0; v_page public.llm_traces[]; v_page_values text[]; -- the page so far, a query's
  v_count integer; v_page_json json; v_mask boolean := private.masking_outputs(); -- read once per call, not per row (never inlined: own search_path)
  v_query tsquery := case when p_q is not null then websearch_to_tsquery('english', p_q) end;
  v_tools uuid[] := case when v_content then private.search_tool_traces(v_query) end; -- null: probed per trace
begin
  -- a fragment under three characters has no trigram: words only (never a scan of every message)
  if v_content and length(p_q) < 3 then v_pattern := null; end if;
  k := private.search_keyset(p_sort, p_dir);
  v_where := private.search_where(p_agent is not null, p_model is not null, p_user_id is not null, p_feedback is not null,
    p_from is not null, p_to is not null, p_tool is not null, p_has_error, p_min_cost is not null, p_channel is not null)
    || case when p_score is not null then private.search_score_filter(p_score_op, p_score_value is not null) else '' end
    || case when p_after_id is not null and p_after_value is not null then format(' and (%s, t.id) %s (%s, $10)', k.keys, case when p_dir = 'desc' then '<' else '>' end, k.after) else '' end;
  if p_tag is not null then v_match := v_match || ' and t.session_tag = $1'; end if;
  if p_q is not null and not v_content then v_match := v_match || ' and t.session_tag ilike $2'; end if;
  if v_tags is not null then v_match := ''; v_source := private.search_tag_source(v_where, k.ord, p_sort, p_dir); end if;
  -- words: the newest traces probed, a deeper walk after them, else the GIN indexes (docs/performance.md, "Content search")
  loop
    execute private.search_step(v_probe, k.value, k.ord, v_where, v_match, v_content, v_depth > 0, v_literal is not null, v_tools is not null, v_source)
    into v_page, v_page_values, v_count
    using p_tag, v_pattern, p_agent, p_model, p_user_id, p_feedback, p_from, p_to, p_after_value, p_after_id, p_limit + 1 - v_found,
          v_tags, p_tool, p_min_cost, p_channel, v_mask, p_score, p_score_value, v_query, v_depth - v_skip, v_skip, v_literal, v_tools;
    exit when v_probe and v_count = 0; -- no trace past the walk: it read every trace of the filters, its rows are all
    -- else the indexes' query starts again from the cursor, with the matches' traces when they are few
    if v_probe then v_probe := false; v_depth := 0; v_rows := '{}'; v_values := '{}'; v_found := 0; v_tools := case when v_content then private.search_content_traces(v_query, v_pattern, v_tools) end; continue; end if;
    v_rows := v_rows || v_page; v_values := v_values || v_page_values; v_found := v_found + v_count; exit when v_depth = 0 or v_found > p_limit;
    v_skip := v_depth; v_depth := case when v_content then private.search_walk_deeper(v_depth, v_found, p_limit, p_user_id, v_query) else 0 end; -- a tag walk: once
    -- a walk that found less than a page: probe for one trace past it ($21 = v_skip traces walked, $20 = 1)
    if v_depth = 0 then v_probe := true; v_depth := v_skip + 1; end if;
  end loop;
  -- one row more than asked tells whether another page exists; the page's JSON built once
  v_page_json := private.search_rows(v_rows[1:p_limit], v_values[1:p_limit], v_mask);
  return json_build_object('traces', case when v_content then private.search_matches(v_page_json::jsonb, v_query, v_pattern, v_mask)::json else v_page_json end,
    'has_more', v_found > p_limit, 'mode', case when p_tag is not null then 'exact' when v_content then 'words' when p_q is not null then 'contains' end);
end
$$;

revoke all on function private.search_page(text, text, integer, text, text, text, text, text, text, timestamptz, timestamptz, text, uuid, text, boolean, numeric, text, text, text, numeric) from public, anon, authenticated;
grant all on function private.search_page(text, text, integer, text, text, text, text, text, text, timestamptz, timestamptz, text, uuid, text, boolean, numeric, text, text, text, numeric) to service_role;

-- A whole tag alone, newest first, its first page of p_limit (the explorer's tag search): the page
-- private.search_page would answer, read by a static statement planned once per connection (a generic plan:
-- the tag's index range whatever the tag; docs/performance.md, "The exact tag's p99").
create function private.search_tag_page(p_tag text, p_limit integer) returns json
  language plpgsql stable
  set search_path = ''
  set plan_cache_mode = force_generic_plan
as $$
declare
  v_rows public.llm_traces[]; v_values text[]; v_found integer;
begin
  select array_agg(x.r order by x.created_at desc, x.id desc), array_agg(x.created_at::text order by x.created_at desc, x.id desc), count(*)::int
    into v_rows, v_values, v_found
    from (select t as r, t.created_at, t.id from public.llm_traces t where t.session_tag = p_tag and t.channel <> 'experiment'
           order by t.created_at desc, t.id desc limit p_limit + 1) x;
  -- one row more than asked tells whether another page exists
  return json_build_object('traces', private.search_rows(v_rows[1:p_limit], v_values[1:p_limit], private.masking_outputs()),
    'has_more', v_found > p_limit, 'mode', 'exact');
end
$$;

revoke all on function private.search_tag_page(text, integer) from public, anon, authenticated;
grant all on function private.search_tag_page(text, integer) to service_role;

create function public.search_traces(p_session_tag text default null, p_q text default null, p_agent text default null,
    p_model text default null, p_user_id text default null, p_feedback text default null, p_from timestamptz default null,
    p_to timestamptz default null, p_sort text default 'created_at', p_dir text default 'desc', p_after_value text default null,
    p_after_id uuid default null, p_limit integer default 50, p_tool text default null, p_has_error boolean default null,
    p_min_cost numeric default null, p_channel text default null, p_score text default null, p_score_op text default null,
    p_score_value numeric default null) returns json
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_sort text := case when p_sort in ('created_at', 'updated_at', 'llm_calls', 'total_tokens', 'latency_ms', 'cost_usd')
                        or (p_sort = 'score' and p_score is not null) then p_sort else 'created_at' end;
  v_dir text := case when lower(p_dir) = 'asc' then 'asc' else 'desc' end;
  v_limit integer := least(greatest(coalesce(p_limit, 50), 1), 200);
  v_tag text := coalesce(p_session_tag, substring(p_q from private.session_tag_pattern())); -- a whole tag: exact
  v_q text := case when p_session_tag is not null or v_tag is null then p_q end;
begin
  if v_tag is null or v_q is not null or v_sort <> 'created_at' or v_dir <> 'desc' or (p_after_id is not null and p_after_value is not null)
     or num_nonnulls(p_agent, p_model, p_user_id, p_feedback, p_from, p_to, p_tool, p_has_error, p_min_cost, p_channel, p_score) > 0 then
    return private.search_page(v_sort, v_dir, v_limit, v_tag, v_q, p_agent, p_model, p_user_id, p_feedback, p_from, p_to, p_after_value,
      p_after_id, p_tool, p_has_error, p_min_cost, p_channel, p_score, p_score_op, p_score_value);
  end if;
  return private.search_tag_page(v_tag, v_limit); -- a whole tag alone, newest first, its first page
end
$$;

comment on function public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text, text, uuid, integer, text, boolean, numeric, text, text, text, numeric) is
  'The explorer''s page of traces: filters (tag, agent, model, visitor, feedback, time, tool, errors, cost, channel, a trace-level score), keyset paging; p_q is a whole tag (searched exactly), a tag substring when it reads as a tag, else words, phrases or a fragment of the conversation (each row then with its `match`); `mode` says which (exact, contains, words).';

revoke all on function public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text, text, uuid, integer, text, boolean, numeric, text, text, text, numeric) from public, anon, authenticated;
grant all on function public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text, text, uuid, integer, text, boolean, numeric, text, text, text, numeric) to service_role;

-- One trace, its session, the conversation in order (each message with its vote),
-- the lifecycle events, the visitor's sessions, and every step of every turn.
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

REVOKE ALL ON FUNCTION public.trace_detail(p_trace_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.trace_detail(p_trace_id uuid) TO service_role;

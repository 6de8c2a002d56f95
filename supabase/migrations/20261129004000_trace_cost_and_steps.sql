-- The trace explorer reads the second release's trace columns: cost, the agent
-- version, tool calls, errors, tools used and message votes; it filters by tool
-- (GIN on tools_used), by "has an error" (the partial index on error_count > 0)
-- and by a minimum cost, and sorts by cost. A trace's detail carries its
-- observations (the steps of every turn). See docs/architecture.md.

-- New parameters change the signature: drop the old one so calls stay unambiguous.
drop function if exists public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text, text, uuid, integer);

-- Same plan as before (docs/performance.md): each filter only when given, dynamic
-- SQL so every search gets its own plan, tags matching a substring merged per tag.
-- Sorting by cost pages on (cost_usd, created_at, id), the order of the
-- llm_traces_cost_created index: many traces share a cost (0 on the offline model),
-- so created_at keeps the page walk on the index. Its cursor value is
-- "<cost>|<created_at>".
create or replace function public.search_traces(
  p_session_tag text default null,
  p_q text default null,
  p_agent text default null,
  p_model text default null,
  p_user_id text default null,
  p_feedback text default null,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_sort text default 'created_at',
  p_dir text default 'desc',
  p_after_value text default null,
  p_after_id uuid default null,
  p_limit integer default 50,
  p_tool text default null,
  p_has_error boolean default null,
  p_min_cost numeric default null
) returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
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
         select t.id, t.session_id, t.session_tag, t.user_id, t.agent_type, t.agent_version,
                m.key as model_key, m.name as model_name, t.experiment_name, t.llm_calls, t.input_tokens,
                t.output_tokens, t.total_tokens, t.latency_ms, t.cost_usd, t.tool_calls, t.error_count, t.tools_used,
                t.votes_up, t.votes_down, t.status, t.last_error, t.feedback,
                t.feedback_comment, t.created_at, t.updated_at, %1$s as sort_value,
                row_number() over (order by %2$s) as ord
           from (select * from %4$s where %3$s order by %2$s limit $11) t
           join public.llm_models m on m.id = t.model_id
       ) r$q$,
    v_value, v_order, v_where || v_match, v_source)
  into v_rows, v_count
  using p_session_tag, v_pattern, p_agent, p_model, p_user_id, p_feedback, p_from, p_to,
        p_after_value, p_after_id, v_limit + 1, v_tags, p_tool, p_min_cost;

  -- one row more than asked tells whether another page exists
  return jsonb_build_object(
    'traces', case when v_count > v_limit then v_rows - v_limit else v_rows end,
    'has_more', v_count > v_limit
  );
end
$$;

-- One trace, its session, the conversation in order (each message with its vote),
-- the lifecycle events, the visitor's sessions, and every step of every turn.
create or replace function public.trace_detail(p_trace_id uuid)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
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
      'model_name', (select m.name from public.llm_models m where m.id = v_trace.model_id)),
    'session', public.session_json(v_trace.session_id),
    'messages', coalesce((select jsonb_agg(public.message_json(m) order by m.seq)
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
                            'arguments', o.arguments, 'result', o.result, 'payload_cap_bytes', o.payload_cap_bytes,
                            'truncated', o.truncated, 'error', o.error)
                          order by o.started_at, o.position, o.id)
                          from public.llm_observations o where o.trace_id = v_trace.id), '[]'::jsonb)
  );
end
$$;

-- The tools traces can be filtered by (the explorer's tool filter).
create or replace function public.operator_tools()
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('name', t.name, 'description', t.description) order by t.name), '[]'::jsonb)
    from public.agent_tools t
$$;

-- Dashboard: cost, tool calls and message votes join the headline figures and the
-- days (new result columns change the return type: drop, then create).
drop function if exists public.dashboard_totals(timestamptz, timestamptz);
drop function if exists public.dashboard_daily(timestamptz, timestamptz);

create function public.dashboard_totals(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  traces bigint, visitors bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
  latency_ms bigint, avg_llm_calls numeric, avg_tokens numeric, avg_latency_ms_per_call numeric,
  positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint,
  first_trace_at timestamptz, last_trace_at timestamptz,
  cost_usd numeric, avg_cost_usd numeric, tool_calls bigint, traces_with_errors bigint, votes_up bigint, votes_down bigint
)
language sql stable
security invoker
set search_path = ''
as $$
  select count(*), count(distinct t.user_id), coalesce(sum(t.llm_calls), 0)::bigint,
         coalesce(sum(t.input_tokens), 0)::bigint, coalesce(sum(t.output_tokens), 0)::bigint,
         coalesce(sum(t.total_tokens), 0)::bigint, coalesce(sum(t.latency_ms), 0)::bigint,
         round(avg(t.llm_calls), 2), round(avg(t.total_tokens), 1),
         round(sum(t.latency_ms)::numeric / nullif(sum(t.llm_calls), 0), 1),
         count(*) filter (where t.feedback = 'positive'), count(*) filter (where t.feedback = 'negative'),
         count(*) filter (where t.feedback = 'pending'),
         round((count(*) filter (where t.feedback = 'positive'))::numeric
               / nullif(count(*) filter (where t.feedback <> 'pending'), 0), 4),
         count(*) filter (where t.status = 'error'), min(t.created_at), max(t.created_at),
         coalesce(sum(t.cost_usd), 0), round(avg(t.cost_usd), 8), coalesce(sum(t.tool_calls), 0)::bigint,
         count(*) filter (where t.error_count > 0), coalesce(sum(t.votes_up), 0)::bigint, coalesce(sum(t.votes_down), 0)::bigint
    from public.llm_traces t
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
$$;

-- Traces, tokens and cost per day, every day of the range (at most the last 366), empty days as zeros.
create function public.dashboard_daily(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  day date, traces bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
  positive bigint, negative bigint, cost_usd numeric
)
language sql stable
security invoker
set search_path = ''
as $$
  with ranged as (
    select * from public.llm_traces t
     where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
  ),
  bounds as (
    select (coalesce(p_from, min(r.created_at)) at time zone 'UTC')::date as first_day,
           (coalesce(p_to - interval '1 microsecond', greatest(max(r.created_at), now())) at time zone 'UTC')::date as last_day
      from ranged r
  ),
  days as (
    select d::date as day
      from bounds b, generate_series(greatest(b.first_day, b.last_day - 365)::timestamp, b.last_day::timestamp, interval '1 day') d
  ),
  agg as (
    select (r.created_at at time zone 'UTC')::date as day, count(*) as traces, sum(r.llm_calls) as llm_calls,
           sum(r.input_tokens) as input_tokens, sum(r.output_tokens) as output_tokens, sum(r.total_tokens) as total_tokens,
           count(*) filter (where r.feedback = 'positive') as positive, count(*) filter (where r.feedback = 'negative') as negative,
           sum(r.cost_usd) as cost_usd
      from ranged r
     group by 1
  )
  select d.day, coalesce(a.traces, 0), coalesce(a.llm_calls, 0)::bigint, coalesce(a.input_tokens, 0)::bigint,
         coalesce(a.output_tokens, 0)::bigint, coalesce(a.total_tokens, 0)::bigint,
         coalesce(a.positive, 0), coalesce(a.negative, 0), coalesce(a.cost_usd, 0)
    from days d left join agg a on a.day = d.day
   order by d.day
$$;

-- Cost, calls, errors and message votes per agent (one scan of the range, like the feedback per agent).
create or replace function public.dashboard_usage_by_agent(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  agent_type text, traces bigint, llm_calls bigint, tool_calls bigint, traces_with_errors bigint,
  cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint
)
language sql stable
security invoker
set search_path = ''
as $$
  select t.agent_type, count(*), sum(t.llm_calls)::bigint, sum(t.tool_calls)::bigint,
         count(*) filter (where t.error_count > 0), sum(t.cost_usd), round(avg(t.cost_usd), 8),
         sum(t.votes_up)::bigint, sum(t.votes_down)::bigint
    from public.llm_traces t
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
   group by t.agent_type
   order by sum(t.cost_usd) desc, count(*) desc, t.agent_type
$$;

-- The same per model (grouped by model id first, the name joined after).
create or replace function public.dashboard_usage_by_model(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  model_key text, model_name text, traces bigint, llm_calls bigint, tool_calls bigint, traces_with_errors bigint,
  cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint
)
language sql stable
security invoker
set search_path = ''
as $$
  select m.key, m.name, u.traces, u.llm_calls, u.tool_calls, u.traces_with_errors, u.cost_usd, u.avg_cost_usd,
         u.votes_up, u.votes_down
    from (select t.model_id, count(*) as traces, sum(t.llm_calls)::bigint as llm_calls, sum(t.tool_calls)::bigint as tool_calls,
                 count(*) filter (where t.error_count > 0) as traces_with_errors, sum(t.cost_usd) as cost_usd,
                 round(avg(t.cost_usd), 8) as avg_cost_usd, sum(t.votes_up)::bigint as votes_up,
                 sum(t.votes_down)::bigint as votes_down
            from public.llm_traces t
           where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
           group by t.model_id) u
    join public.llm_models m on m.id = u.model_id
   order by u.cost_usd desc, u.traces desc, m.key
$$;

-- Everything the dashboard shows, in one document (as before, plus usage per agent and per model).
create or replace function public.dashboard_stats(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_experiment_a text default null,
  p_experiment_b text default null
) returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
declare
  v_experiments jsonb;
  v_a text := nullif(btrim(p_experiment_a), '');
  v_b text := nullif(btrim(p_experiment_b), '');
begin
  if p_from is not null and p_to is not null and p_from >= p_to then
    raise exception using errcode = 'PT400', message = 'bad_request:dashboard', detail = 'from must be before to.';
  end if;
  select coalesce(jsonb_agg(to_jsonb(x) order by x.traces desc, x.experiment_name), '[]'::jsonb) into v_experiments
    from public.dashboard_experiments(p_from, p_to) x;
  if v_a is null then
    select e ->> 'experiment_name' into v_a from jsonb_array_elements(v_experiments) with ordinality x(e, i)
     where e ->> 'experiment_name' is distinct from v_b order by i limit 1;
  end if;
  if v_b is null then
    select e ->> 'experiment_name' into v_b from jsonb_array_elements(v_experiments) with ordinality x(e, i)
     where e ->> 'experiment_name' is distinct from v_a order by i limit 1;
  end if;
  return jsonb_build_object(
    'from', p_from,
    'to', p_to,
    'totals', (select to_jsonb(x) from public.dashboard_totals(p_from, p_to) x),
    'per_day', coalesce((select jsonb_agg(to_jsonb(x) order by x.day) from public.dashboard_daily(p_from, p_to) x), '[]'::jsonb),
    'llm_calls_distribution', (select jsonb_agg(to_jsonb(x) order by x.min_calls) from public.dashboard_llm_calls_distribution(p_from, p_to) x),
    'feedback_by_agent', coalesce((select jsonb_agg(to_jsonb(x) order by x.traces desc, x.agent_type) from public.dashboard_feedback_by_agent(p_from, p_to) x), '[]'::jsonb),
    'feedback_by_model', coalesce((select jsonb_agg(to_jsonb(x) order by x.traces desc, x.model_key) from public.dashboard_feedback_by_model(p_from, p_to) x), '[]'::jsonb),
    'usage_by_agent', coalesce((select jsonb_agg(to_jsonb(x) order by x.cost_usd desc, x.traces desc, x.agent_type) from public.dashboard_usage_by_agent(p_from, p_to) x), '[]'::jsonb),
    'usage_by_model', coalesce((select jsonb_agg(to_jsonb(x) order by x.cost_usd desc, x.traces desc, x.model_key) from public.dashboard_usage_by_model(p_from, p_to) x), '[]'::jsonb),
    'experiments', v_experiments,
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

revoke execute on function public.search_traces, public.trace_detail, public.operator_tools, public.dashboard_totals,
  public.dashboard_daily, public.dashboard_usage_by_agent, public.dashboard_usage_by_model, public.dashboard_stats
  from public, anon, authenticated;
grant execute on function public.search_traces, public.trace_detail, public.operator_tools, public.dashboard_totals,
  public.dashboard_daily, public.dashboard_usage_by_agent, public.dashboard_usage_by_model, public.dashboard_stats
  to service_role;

-- The trace explorer: search by session tag (exact or substring, the latter
-- served by the trigram index), filters, keyset pagination; one trace with its
-- conversation and lifecycle; operator feedback.

-- Substring search: tags are generated (T3) as chat_model_{6 hex of the model}_{counter},
--    counter 1 … the model's highest counter in session_tag_counters, so the
--    distinct tags are few (models × highest counter: ~5,000 at 1M traces).
--    Match the pattern against those first; when at most 200 match, read each
--    matching tag's newest traces from the index above and merge them. When
--    more match, the matches are dense and walking llm_traces_created with the
--    filter (the previous plan) finds a page quickly.
--    Relies on: every trace's tag was made by start_session() and no counter
--    row is deleted or lowered while its traces remain.
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
  p_limit integer default 50
) returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
declare
  v_sort text := case when p_sort in ('created_at', 'updated_at', 'llm_calls', 'total_tokens', 'latency_ms') then p_sort else 'created_at' end;
  v_dir text := case when lower(p_dir) = 'asc' then 'asc' else 'desc' end;
  v_cast text;
  v_where text := 'true';
  v_match text := '';
  v_limit integer := least(greatest(coalesce(p_limit, 50), 1), 200);
  v_pattern text := '%' || replace(replace(replace(coalesce(p_q, ''), '\', '\\'), '%', '\%'), '_', '\_') || '%';
  v_tags text[];
  v_source text := 'public.llm_traces t';
  v_rows jsonb;
  v_count integer;
begin
  v_cast := case when v_sort in ('created_at', 'updated_at') then 'timestamptz' else 'bigint' end;
  -- each filter only when given; dynamic SQL so every search gets its own plan
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
  if p_after_id is not null and p_after_value is not null then
    v_where := v_where || format(' and (t.%I, t.id) %s ($9::%s, $10)', v_sort, case when v_dir = 'desc' then '<' else '>' end, v_cast);
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
             order by t.%2$I %3$s, t.id %3$s limit $11) l) t',
        v_where, v_sort, v_dir);
    end if;
  end if;

  execute format(
    $q$select coalesce(jsonb_agg(to_jsonb(r) - 'sort_key' order by r.sort_key %3$s, r.id %3$s), '[]'::jsonb), count(*)::int from (
         select t.id, t.session_id, t.session_tag, t.user_id, t.agent_type,
                m.key as model_key, m.name as model_name, t.experiment_name, t.llm_calls, t.input_tokens,
                t.output_tokens, t.total_tokens, t.latency_ms, t.status, t.last_error, t.feedback,
                t.feedback_comment, t.created_at, t.updated_at, t.%1$I as sort_key, t.%1$I::text as sort_value
           from (select * from %4$s where %2$s order by t.%1$I %3$s, t.id %3$s limit $11) t
           join public.llm_models m on m.id = t.model_id
       ) r$q$,
    v_sort, v_where || v_match, v_dir, v_source)
  into v_rows, v_count
  using p_session_tag, v_pattern, p_agent, p_model, p_user_id, p_feedback, p_from, p_to,
        p_after_value, p_after_id, v_limit + 1, v_tags;

  -- one row more than asked tells whether another page exists
  return jsonb_build_object(
    'traces', case when v_count > v_limit then v_rows - v_limit else v_rows end,
    'has_more', v_count > v_limit
  );
end
$$;

-- One trace, its session, the conversation in order and the lifecycle events.
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
                         where s.user_id = v_trace.user_id), '[]'::jsonb)
  );
end
$$;

-- An operator sets or clears (rating 'pending') the feedback of a trace.
create or replace function public.set_trace_feedback(p_trace_id uuid, p_rating text, p_comment text default null)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
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

revoke execute on function public.search_traces, public.trace_detail, public.set_trace_feedback from public, anon, authenticated;
grant execute on function public.search_traces, public.trace_detail, public.set_trace_feedback to service_role;

-- The channel a trace was served on (docs/channels.md, "Explorer and dashboard"): llm_traces
-- carries its session's channel (set when the trace is inserted, from the session, so
-- start_session and the turn functions are unchanged; a session's channel never changes),
-- the explorer filters and shows it. search_traces is the body of
-- 20261129010000_explorer_masking.sql with one more filter (p_channel, $15) and the
-- `channel` output column; its old signature is dropped so named calls stay unambiguous.
-- The masking setting is read once per call ($16) instead of twice per row.

alter table public.llm_traces
  add column channel text not null default 'web' check (channel ~ '^[a-z][a-z0-9_]{0,31}$');

update public.llm_traces t set channel = s.channel
  from public.conversation_sessions s
 where s.id = t.session_id and s.channel <> t.channel;

-- a channel's traces newest first (the explorer's filter, the default order)
create index llm_traces_channel_created on public.llm_traces (channel, created_at desc, id desc);

create function private.trace_channel()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  select s.channel into new.channel from public.conversation_sessions s where s.id = new.session_id;
  new.channel := coalesce(new.channel, 'web');
  return new;
end
$$;

create trigger llm_traces_channel before insert on public.llm_traces
  for each row execute function private.trace_channel();

revoke execute on function private.trace_channel() from public, anon, authenticated;
grant execute on function private.trace_channel() to service_role;

drop function public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text, text, uuid,
  integer, text, boolean, numeric);

create function public.search_traces(
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
  p_min_cost numeric default null,
  p_channel text default null
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
$$;

revoke execute on function public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text,
  text, uuid, integer, text, boolean, numeric, text) from public, anon, authenticated;
grant execute on function public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text,
  text, uuid, integer, text, boolean, numeric, text) to service_role;

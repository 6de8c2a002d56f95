-- Visitors: the operator's Visitors page and a visitor's page (list_visitors, visitor_detail),
-- read from conversation_sessions through its user_id indexes. docs/architecture.md, "SQL functions".

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- One visitor's figures over their sessions (experiments left out), read through the user_id
-- indexes: channel and tracking of the newest session, first and last seen, sessions, messages,
-- traces, cost, the visitor's own "helpful" answers and votes (the traces' counters) and how many
-- scores operators, evaluators and the API gave their traces. Null when nothing is stored.
CREATE FUNCTION private.visitor_summary(p_user_id text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object(
    'user_id', p_user_id, 'visitor_ref', left(p_user_id, 8),
    'channel', (array_agg(s.channel order by s.started_at desc, s.id desc))[1],
    'tracking_enabled', (array_agg(s.tracking_enabled order by s.started_at desc, s.id desc))[1],
    'first_seen', min(s.started_at), 'last_seen', max(s.last_activity_at), 'active', bool_or(s.is_active),
    'sessions', count(*), 'messages', coalesce(sum(m.n), 0), 'traces', count(t.id),
    'cost_usd', coalesce(sum(t.cost_usd), 0),
    'helpful_up', count(*) filter (where t.feedback = 'positive'),
    'helpful_down', count(*) filter (where t.feedback = 'negative'),
    'votes_up', coalesce(sum(t.votes_up), 0), 'votes_down', coalesce(sum(t.votes_down), 0),
    'operator_scores', coalesce(sum(o.n), 0))
  from public.conversation_sessions s
  left join public.llm_traces t on t.session_id = s.id
  cross join lateral (select count(*) as n from public.conversation_messages x where x.session_id = s.id) m
  cross join lateral (select count(*) as n from public.scores x where x.trace_id = t.id and x.source <> 'visitor') o
  where s.user_id = p_user_id and s.channel <> 'experiment'
  having count(*) > 0
$$;

REVOKE ALL ON FUNCTION private.visitor_summary(p_user_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.visitor_summary(p_user_id text) TO service_role;

-- The Visitors page: visitors by their newest session (newest first), keyset on that session's
-- (started_at, id). Each visitor is the session with no newer one of theirs: the walk reads
-- conversation_sessions_started, the check conversation_sessions_user_started; a search by id
-- prefix (a visitor reference is its first 8 characters) reads only that range of
-- conversation_sessions_user_prefix.
-- Erased visitors and experiment sessions are left out.
CREATE FUNCTION public.list_visitors(p_q text DEFAULT NULL::text, p_after_started timestamp with time zone DEFAULT NULL::timestamp with time zone, p_after_session uuid DEFAULT NULL::uuid, p_limit integer DEFAULT 50) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_limit integer := least(greatest(coalesce(p_limit, 50), 1), 200);
  v_q text := nullif(trim(p_q), '');
  v_heads jsonb;
begin
  -- EXECUTE plans with the values, so a search uses the prefix range of conversation_sessions_user_prefix
  execute format($q$
    select coalesce(jsonb_agg(jsonb_build_object('user_id', h.user_id, 'started_at', h.started_at, 'session_id', h.id)
                              order by h.started_at desc, h.id desc), '[]'::jsonb)
      from (select s.user_id, s.started_at, s.id
              from public.conversation_sessions s
             where (s.started_at, s.id) < ($1, $2) %s
               and s.channel <> 'experiment' and s.user_id not like 'erased\_%%'
               and not exists (select 1 from public.conversation_sessions n
                                where n.user_id = s.user_id and n.started_at >= s.started_at and n.channel <> 'experiment'
                                  and (n.started_at, n.id) > (s.started_at, s.id))
             order by s.started_at desc, s.id desc
             limit $4) h$q$,
    case when v_q is not null then 'and s.user_id ~>=~ $3 and s.user_id ~<~ ($3 || chr(1114111)) and starts_with(s.user_id, $3)' end)
    into v_heads
    using coalesce(p_after_started, 'infinity'), coalesce(p_after_session, 'ffffffff-ffff-ffff-ffff-ffffffffffff'), v_q, v_limit + 1;
  -- one row more than asked tells whether another page exists
  return jsonb_build_object(
    'visitors', coalesce((select jsonb_agg(private.visitor_summary(e ->> 'user_id')
                                           || jsonb_build_object('cursor_started_at', e -> 'started_at', 'cursor_session_id', e -> 'session_id')
                                           order by n)
                            from jsonb_array_elements(v_heads) with ordinality x(e, n) where n <= v_limit), '[]'::jsonb),
    'has_more', jsonb_array_length(v_heads) > v_limit);
end
$$;

COMMENT ON FUNCTION public.list_visitors(p_q text, p_after_started timestamp with time zone, p_after_session uuid, p_limit integer) IS 'The Visitors page: each visitor''s figures, newest session first, keyset paging, search by id prefix (operators only).';

REVOKE ALL ON FUNCTION public.list_visitors(p_q text, p_after_started timestamp with time zone, p_after_session uuid, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.list_visitors(p_q text, p_after_started timestamp with time zone, p_after_session uuid, p_limit integer) TO service_role;

-- A visitor's page: their figures and every session in order, with its tag, agent (and its name, or its
-- key when no agent has it any more), model, how it
-- ended (its last ended/expired event), its trace's figures and scores. 404 when nothing is stored.
CREATE FUNCTION public.visitor_detail(p_user_id text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_visitor jsonb := case when p_user_id not like 'erased\_%' then private.visitor_summary(p_user_id) end;
begin
  if v_visitor is null then
    raise exception using errcode = 'PT404', message = 'not_found:visitor', detail = 'Nothing is stored about this visitor.';
  end if;
  return jsonb_build_object('visitor', v_visitor, 'sessions', coalesce((
    select jsonb_agg(jsonb_build_object(
             'session_id', s.id, 'session_tag', s.session_tag, 'channel', s.channel, 'agent_type', s.agent_type,
             'agent_name', coalesce(a.name, s.agent_type), 'agent_version', s.agent_version, 'model_key', m.key, 'model_name', m.name, 'is_active', s.is_active,
             'started_at', s.started_at, 'last_activity_at', s.last_activity_at, 'ended_at', s.ended_at,
             'end_reason', s.end_reason, 'ending', e.ending, 'tracking_enabled', s.tracking_enabled,
             'messages', (select count(*) from public.conversation_messages x where x.session_id = s.id),
             'trace_id', t.id, 'cost_usd', t.cost_usd, 'feedback', t.feedback, 'votes_up', t.votes_up,
             'votes_down', t.votes_down, 'conversation_removed', t.conversation_removed_at is not null,
             'scores', coalesce((select jsonb_agg(jsonb_build_object('name', c.name, 'source', x.source, 'author', x.author,
                          'value', case c.data_type when 'boolean' then to_jsonb(x.value = 1)
                                                    when 'categorical' then to_jsonb(x.string_value) else to_jsonb(x.value) end)
                          order by c.name, x.source, x.author)
                        from public.scores x join public.score_configs c on c.id = x.config_id
                       where x.trace_id = t.id), '[]'::jsonb))
           order by s.started_at, s.id)
      from public.conversation_sessions s
      join public.llm_models m on m.id = s.model_id
      left join public.agents a on a.key = s.agent_type
      left join public.llm_traces t on t.session_id = s.id
      left join lateral (select jsonb_build_object('event', ev.event, 'reason', ev.reason, 'at', ev.created_at) as ending
                           from public.session_events ev
                          where ev.session_id = s.id and ev.event in ('ended', 'expired')
                          order by ev.id desc limit 1) e on true
     where s.user_id = p_user_id and s.channel <> 'experiment'), '[]'::jsonb));
end
$$;

COMMENT ON FUNCTION public.visitor_detail(p_user_id text) IS 'A visitor''s page: their figures and every session in order with its ending, trace figures and scores; 404 unknown (operators only).';

REVOKE ALL ON FUNCTION public.visitor_detail(p_user_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.visitor_detail(p_user_id text) TO service_role;

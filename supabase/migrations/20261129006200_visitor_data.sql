-- A visitor's data on request: everything stored about them as one jsonb, and
-- erasure (docs/privacy.md, "A visitor's data"). Both are what the operator API
-- and the widget's "Delete my chat history" call, and what an operator may run
-- in the SQL editor: select public.export_visitor('…'); select public.erase_visitor('…');

-- One row per erasure, without personal data: the opaque id the traces now carry, and counts.
create table public.erasures (
  id uuid primary key default gen_random_uuid(),
  opaque_id text not null unique check (opaque_id ~ '^erased_[0-9a-f]{32}$'),
  requested_by text not null check (requested_by in ('operator', 'visitor', 'sql')),
  counts jsonb not null default '{}'::jsonb,
  erased_at timestamptz not null default now()
);
alter table public.erasures enable row level security;
revoke all on public.erasures from anon, authenticated;
grant all on public.erasures to service_role;

-- Everything stored about one visitor. p_mask: null follows PII_MASKING (masked unless off),
-- true or false decides (an operator entitled to the raw data passes false).
create or replace function public.export_visitor(p_user_id text, p_mask boolean default null)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
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

-- Erases a visitor: their messages, flow state (contact details and orders), tool
-- arguments and results, request ids and pending exports are deleted; sessions,
-- traces, observations and tag counters are re-keyed to an opaque id, keeping only
-- anonymous counters and tags. Returns what was erased.
create or replace function public.erase_visitor(p_user_id text, p_requested_by text default 'sql')
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
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

revoke execute on function public.export_visitor(text, boolean), public.erase_visitor(text, text) from public, anon, authenticated;
grant execute on function public.export_visitor(text, boolean), public.erase_visitor(text, text) to service_role;

-- What a visitor may do with their own sessions, and the app's shared settings.

-- A visitor's session with its messages in order (404 unless they own it).
create or replace function public.session_messages(p_user_id text, p_session_id uuid)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
begin
  if not exists (select 1 from public.conversation_sessions s where s.id = p_session_id and s.user_id = p_user_id) then
    raise exception using errcode = 'PT404', message = 'not_found:session', detail = 'No such session.';
  end if;
  return jsonb_build_object(
    'session', public.session_json(p_session_id),
    'messages', coalesce((select jsonb_agg(public.message_json(m) order by m.seq)
                            from public.conversation_messages m where m.session_id = p_session_id), '[]'::jsonb)
  );
end
$$;

-- A visitor ends their session (R4's "end" by hand; the widget's new chat).
create or replace function public.end_session(
  p_user_id text, p_session_id uuid, p_reason text default 'user', p_request_id text default null
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_session public.conversation_sessions;
begin
  perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || p_user_id, 0));
  select * into v_session from public.conversation_sessions s where s.id = p_session_id for no key update;
  if v_session.id is null or v_session.user_id <> p_user_id then
    raise exception using errcode = 'PT404', message = 'not_found:session', detail = 'No such session.';
  end if;
  perform public.close_session(p_session_id, p_reason, 'ended', p_request_id);
  return jsonb_build_object('was_active', v_session.is_active, 'session', public.session_json(p_session_id));
end
$$;

-- Feedback on a session's trace: a visitor for their own session (p_user_id set),
-- an operator for any (p_user_id null). 'pending' clears it.
create or replace function public.set_feedback(
  p_session_id uuid, p_rating text, p_comment text default null, p_user_id text default null
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
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

-- A setting generated once and shared by every instance: the first writer wins.
create or replace function public.ensure_setting(p_key text, p_value text)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_created boolean;
begin
  insert into public.app_settings (key, value) values (p_key, p_value) on conflict (key) do nothing;
  v_created := found;
  return (select jsonb_build_object('value', a.value, 'created', v_created)
            from public.app_settings a where a.key = p_key);
end
$$;

-- Registers (or renames) a model; experiment_name is kept unless a new one is given.
create or replace function public.register_model(
  p_key text, p_name text, p_provider text, p_experiment_name text default null
) returns jsonb
language sql
security invoker
set search_path = ''
as $$
  insert into public.llm_models as m (key, name, provider, experiment_name)
  values (p_key, p_name, p_provider, p_experiment_name)
  on conflict (key) do update
     set name = excluded.name, provider = excluded.provider,
         experiment_name = coalesce(excluded.experiment_name, m.experiment_name)
  returning jsonb_build_object('id', m.id, 'key', m.key, 'name', m.name, 'provider', m.provider,
                               'experiment_name', m.experiment_name)
$$;

-- The demo catalog, for the agents' tools.
create or replace function public.catalog_products()
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
    'sku', p.sku, 'name', p.name, 'category', p.category, 'description', p.description,
    'price_cents', p.price_cents, 'tags', to_jsonb(p.tags), 'pickup_location', p.pickup_location
  ) order by p.sku), '[]'::jsonb)
  from public.products p
$$;

-- Liveness and the applied schema version.
create or replace function public.app_health()
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
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

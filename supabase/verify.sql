-- Threadline schema check. Paste into the Supabase SQL editor or run with
-- `psql -f supabase/verify.sql`. One row per check; every `ok` must be true.

with expected_columns(tbl, col) as (values
  ('llm_models','id'),('llm_models','key'),('llm_models','name'),('llm_models','provider'),('llm_models','experiment_name'),
  ('conversation_sessions','id'),('conversation_sessions','user_id'),('conversation_sessions','channel'),('conversation_sessions','agent_type'),
  ('conversation_sessions','model_id'),('conversation_sessions','session_tag'),('conversation_sessions','is_active'),('conversation_sessions','started_at'),
  ('conversation_sessions','last_activity_at'),('conversation_sessions','ended_at'),('conversation_sessions','duration_seconds'),
  ('conversation_sessions','tracking_enabled'),('conversation_sessions','metadata'),
  ('conversation_messages','id'),('conversation_messages','seq'),('conversation_messages','session_id'),('conversation_messages','user_id'),
  ('conversation_messages','role'),('conversation_messages','content'),('conversation_messages','audio_url'),('conversation_messages','metadata'),
  ('conversation_messages','client_message_id'),('conversation_messages','is_partial'),('conversation_messages','created_at'),
  ('llm_traces','id'),('llm_traces','session_id'),('llm_traces','session_tag'),('llm_traces','user_id'),('llm_traces','agent_type'),
  ('llm_traces','model_id'),('llm_traces','experiment_name'),('llm_traces','llm_calls'),('llm_traces','input_tokens'),('llm_traces','output_tokens'),
  ('llm_traces','total_tokens'),('llm_traces','latency_ms'),('llm_traces','status'),('llm_traces','feedback'),('llm_traces','feedback_comment'),
  ('llm_traces','created_at'),('llm_traces','updated_at'),
  ('session_events','session_id'),('session_events','previous_session_id'),('session_events','event'),('session_events','reason'),('session_events','request_id'),
  ('session_tag_counters','user_id'),('session_tag_counters','model_id'),('session_tag_counters','last_value'),
  ('flow_states','session_id'),('flow_states','flow'),('flow_states','state'),
  ('products','sku'),('products','name'),('products','pickup_location'),
  ('app_settings','key'),('rate_limit_buckets','bucket'),
  ('llm_models','input_price_per_million'),('llm_models','output_price_per_million'),('llm_models','cached_input_price_per_million'),
  ('conversation_sessions','agent_version'),('conversation_messages','vote'),
  ('llm_traces','agent_version'),('llm_traces','cost_usd'),('llm_traces','tool_calls'),('llm_traces','error_count'),('llm_traces','tools_used'),
  ('agent_tools','name'),
  ('agents','key'),('agents','name'),('agents','description'),('agents','instructions'),('agents','greeting'),('agents','model_key'),
  ('agents','tools'),('agents','handoffs'),('agents','version'),('agents','is_enabled'),('agents','menu_position'),
  ('agent_versions','agent_key'),('agent_versions','version'),('agent_versions','instructions'),('agent_versions','tools'),('agent_versions','handoffs'),
  ('llm_observations','trace_id'),('llm_observations','session_id'),('llm_observations','message_id'),('llm_observations','parent_id'),
  ('llm_observations','kind'),('llm_observations','name'),('llm_observations','status'),('llm_observations','duration_ms'),
  ('llm_observations','input_tokens'),('llm_observations','output_tokens'),('llm_observations','cached_input_tokens'),('llm_observations','cost_usd'),
  ('llm_observations','arguments'),('llm_observations','result'),('llm_observations','payload_cap_bytes'),('llm_observations','error'),
  ('products','search_vector'),('products','search_text')
),
expected_constraints(tbl, con) as (values
  ('conversation_messages','conversation_messages_role_check'),
  ('conversation_messages','conversation_messages_session_id_fkey'),
  ('conversation_messages','conversation_messages_client_id_per_session'),
  ('llm_traces','llm_traces_feedback_check'),
  ('llm_traces','llm_traces_session_id_key'),
  ('llm_traces','llm_traces_session_id_fkey'),
  ('llm_traces','llm_traces_user_tag'),
  ('conversation_sessions','conversation_sessions_user_tag'),
  ('conversation_sessions','conversation_sessions_active_not_ended'),
  ('session_events','session_events_session_id_fkey'),
  ('agent_versions','agent_versions_pkey'),
  ('llm_observations','llm_observations_trace_id_fkey'),
  ('llm_observations','llm_observations_generation_fields')
),
expected_indexes(idx) as (values
  ('conversation_sessions_one_active'),('conversation_messages_session_seq'),('conversation_messages_one_reply'),
  ('conversation_messages_client_id_per_user'),('llm_traces_session_tag'),('llm_traces_session_tag_trgm'),
  ('llm_traces_created'),('llm_traces_agent_created'),('llm_traces_model_created'),('llm_traces_user_created'),('llm_traces_feedback_created'),
  ('llm_observations_trace'),('llm_observations_message'),('llm_traces_tools_used'),('llm_traces_cost_created'),
  ('products_search_vector')
),
expected_triggers(tbl, trg) as (values
  ('agents','agents_check_tools'),('agents','agents_bump_version'),('agents','agents_check_handoffs'),
  ('agents','agents_continue_version'),('agents','agents_snapshot_version'),
  ('conversation_sessions','conversation_sessions_pin_agent_version'),('llm_traces','llm_traces_pin_agent_version')
),
expected_functions(fn) as (values
  ('begin_turn'),('finish_turn'),('start_session'),('close_session'),('end_session'),('session_messages'),
  ('set_feedback'),('ensure_setting'),('register_model'),('catalog_products'),('app_health'),('session_context'),
  ('search_catalog'),('message_json'),('session_json')
),
expected_private_functions(fn) as (values
  ('hit_rate_limit'),('over_rate_limits'),('model_id'),('resolve_session'),('menu_pick'),('choose_agent'),('open_session'),
  ('action_source'),('agent_json'),('handoff_agents'),('turn_kind'),('menu_reply'),('store_answer'),('turn_json'),('replayed_turn'),
  ('save_flows'),('record_steps'),('hand_off'),('handoff_json'),('finished_turn'),('tags_text'),('generic_lexemes'),('product_hit')
)
select 'column' as check, tbl || '.' || col as object,
       exists (select 1 from information_schema.columns c where c.table_schema = 'public' and c.table_name = tbl and c.column_name = col) as ok,
       null::text as detail
  from expected_columns
union all
select 'constraint', tbl || '.' || con,
       exists (select 1 from pg_constraint k join pg_class r on r.oid = k.conrelid join pg_namespace n on n.oid = r.relnamespace
                where n.nspname = 'public' and r.relname = tbl and k.conname = con), null
  from expected_constraints
union all
select 'foreign key cascades', k.conname, k.confdeltype in ('c', 'n'), 'on delete ' || k.confdeltype::text
  from pg_constraint k join pg_namespace n on n.oid = k.connamespace
 where n.nspname = 'public' and k.contype = 'f'
union all
select 'index', idx, exists (select 1 from pg_indexes i where i.schemaname = 'public' and i.indexname = idx), null
  from expected_indexes
union all
select 'trigger', tbl || '.' || trg,
       exists (select 1 from pg_trigger g join pg_class r on r.oid = g.tgrelid join pg_namespace n on n.oid = r.relnamespace
                where n.nspname = 'public' and r.relname = tbl and g.tgname = trg), null
  from expected_triggers
union all
select 'private helper (security invoker, fixed search_path)', fn,
       exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname = 'private' and p.proname = fn and not p.prosecdef
                  and exists (select 1 from unnest(p.proconfig) cfg where cfg like 'search_path=%')), null
  from expected_private_functions
union all
select 'private schema closed to API roles', r.rolname,
       not has_schema_privilege(r.rolname, 'private', 'USAGE')
       and not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                        where n.nspname = 'private' and has_function_privilege(r.rolname, p.oid, 'EXECUTE')), null
  from pg_roles r where r.rolname in ('anon', 'authenticated')
union all
select 'public functions closed to API roles', r.rolname,
       not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                    where n.nspname = 'public' and has_function_privilege(r.rolname, p.oid, 'EXECUTE')),
       (select string_agg(p.proname, ', ') from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' and has_function_privilege(r.rolname, p.oid, 'EXECUTE'))
  from pg_roles r where r.rolname in ('anon', 'authenticated')
union all
select 'row level security', c.relname, c.relrowsecurity, null
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where n.nspname = 'public' and c.relkind = 'r'
union all
select 'function (security invoker, fixed search_path)', fn,
       exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname = 'public' and p.proname = fn and not p.prosecdef
                  and exists (select 1 from unnest(p.proconfig) cfg where cfg like 'search_path=%')), null
  from expected_functions
union all
select 'timestamps are timestamptz', c.table_name || '.' || c.column_name, c.data_type = 'timestamp with time zone', c.data_type
  from information_schema.columns c
 where c.table_schema = 'public' and (c.column_name like '%\_at' or c.column_name = 'window_start')
union all
select 'visitors with more than one active session', 'conversation_sessions', count(*) = 0, count(*)::text
  from (select user_id, channel from public.conversation_sessions where is_active group by 1, 2 having count(*) > 1) dup
union all
select 'tracked sessions without a trace', 'llm_traces', count(*) = 0, count(*)::text
  from public.conversation_sessions s
 where s.tracking_enabled and not exists (select 1 from public.llm_traces t where t.session_id = s.id)
union all
select 'agents without a snapshot of their version', 'agent_versions', count(*) = 0, count(*)::text
  from public.agents a
 where not exists (select 1 from public.agent_versions v where v.agent_key = a.key and v.version = a.version)
union all
select 'migrations applied', 'supabase_migrations.schema_migrations', count(*) > 0, max(version)
  from supabase_migrations.schema_migrations
order by 1, 2;

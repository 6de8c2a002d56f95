-- Threadline schema check. Paste into the Supabase SQL editor or run with
-- `psql -f supabase/verify.sql`. One row per check; every `ok` must be true.
-- It runs where the migrations were pasted into the SQL editor too (no migration table there).
-- The lists below are the schema contract of supabase/tests/database/01_schema.test.sql;
-- tests/db/verify.test.ts fails when the two disagree.

with expected_columns(tbl, col) as (values
  ('agent_tools','name'),('agent_tools','description'),('agent_tools','created_at'),('agents','key'),('agents','name'),
  ('agents','description'),('agents','instructions'),('agents','greeting'),('agents','model_key'),('agents','tools'),
  ('agents','handoffs'),('agents','version'),('agents','is_enabled'),('agents','menu_position'),('agents','created_at'),
  ('agents','updated_at'),('app_settings','key'),('app_settings','value'),('app_settings','created_at'),('conversation_messages','id'),
  ('conversation_messages','seq'),('conversation_messages','session_id'),('conversation_messages','user_id'),('conversation_messages','role'),('conversation_messages','content'),
  ('conversation_messages','audio_url'),('conversation_messages','metadata'),('conversation_messages','client_message_id'),('conversation_messages','reply_to'),('conversation_messages','is_partial'),
  ('conversation_messages','created_at'),('conversation_messages','vote'),('conversation_messages','voted_at'),('conversation_sessions','id'),('conversation_sessions','user_id'),
  ('conversation_sessions','channel'),('conversation_sessions','agent_type'),('conversation_sessions','model_id'),('conversation_sessions','session_tag'),('conversation_sessions','is_active'),
  ('conversation_sessions','started_at'),('conversation_sessions','last_activity_at'),('conversation_sessions','ended_at'),('conversation_sessions','end_reason'),('conversation_sessions','duration_seconds'),
  ('conversation_sessions','tracking_enabled'),('conversation_sessions','metadata'),('conversation_sessions','agent_version'),('flow_states','session_id'),('flow_states','flow'),
  ('flow_states','state'),('flow_states','updated_at'),('llm_models','id'),('llm_models','key'),('llm_models','name'),
  ('llm_models','provider'),('llm_models','experiment_name'),('llm_models','created_at'),('llm_models','input_price_per_million'),('llm_models','output_price_per_million'),
  ('llm_models','cached_input_price_per_million'),('llm_observations','id'),('llm_observations','trace_id'),('llm_observations','session_id'),('llm_observations','user_id'),
  ('llm_observations','message_id'),('llm_observations','parent_id'),('llm_observations','position'),('llm_observations','kind'),('llm_observations','name'),
  ('llm_observations','status'),('llm_observations','started_at'),('llm_observations','ended_at'),('llm_observations','duration_ms'),('llm_observations','model'),
  ('llm_observations','input_tokens'),('llm_observations','output_tokens'),('llm_observations','cached_input_tokens'),('llm_observations','time_to_first_token_ms'),('llm_observations','finish_reason'),
  ('llm_observations','cost_usd'),('llm_observations','tool_call_id'),('llm_observations','arguments'),('llm_observations','result'),('llm_observations','payload_cap_bytes'),
  ('llm_observations','truncated'),('llm_observations','error'),('llm_observations','created_at'),('llm_traces','id'),('llm_traces','session_id'),
  ('llm_traces','session_tag'),('llm_traces','user_id'),('llm_traces','agent_type'),('llm_traces','model_id'),('llm_traces','experiment_name'),
  ('llm_traces','llm_calls'),('llm_traces','input_tokens'),('llm_traces','output_tokens'),('llm_traces','total_tokens'),('llm_traces','latency_ms'),
  ('llm_traces','status'),('llm_traces','last_error'),('llm_traces','feedback'),('llm_traces','feedback_comment'),('llm_traces','created_at'),
  ('llm_traces','updated_at'),('llm_traces','agent_version'),('llm_traces','cost_usd'),('llm_traces','tool_calls'),('llm_traces','error_count'),
  ('llm_traces','tools_used'),('llm_traces','votes_up'),('llm_traces','votes_down'),('products','sku'),('products','name'),
  ('products','category'),('products','description'),('products','price_cents'),('products','tags'),('products','pickup_location'),
  ('products','created_at'),('rate_limit_buckets','bucket'),('rate_limit_buckets','window_start'),('rate_limit_buckets','hits'),('session_events','id'),
  ('session_events','session_id'),('session_events','previous_session_id'),('session_events','user_id'),('session_events','event'),('session_events','reason'),
  ('session_events','request_id'),('session_events','detail'),('session_events','created_at'),('session_tag_counters','user_id'),('session_tag_counters','model_id'),
  ('session_tag_counters','last_value'),('session_tag_counters','updated_at')
),
expected_constraints(tbl, con) as (values
  ('agent_tools','agent_tools_name_check'),('agent_tools','agent_tools_pkey'),('agents','agents_check_handoffs'),
  ('agents','agents_description_check'),('agents','agents_greeting_check'),('agents','agents_instructions_check'),
  ('agents','agents_key_check'),('agents','agents_model_key_fkey'),('agents','agents_name_check'),
  ('agents','agents_pkey'),('agents','agents_version_check'),('app_settings','app_settings_key_check'),
  ('app_settings','app_settings_pkey'),('conversation_messages','conversation_messages_client_id_per_session'),('conversation_messages','conversation_messages_content_check'),
  ('conversation_messages','conversation_messages_pkey'),('conversation_messages','conversation_messages_reply_is_agent'),('conversation_messages','conversation_messages_reply_to_fkey'),
  ('conversation_messages','conversation_messages_role_check'),('conversation_messages','conversation_messages_session_id_fkey'),('conversation_messages','conversation_messages_vote_check'),
  ('conversation_messages','conversation_messages_vote_on_agent'),('conversation_sessions','conversation_sessions_active_not_ended'),('conversation_sessions','conversation_sessions_agent_type_check'),
  ('conversation_sessions','conversation_sessions_channel_check'),('conversation_sessions','conversation_sessions_duration_seconds_check'),('conversation_sessions','conversation_sessions_end_reason_check'),
  ('conversation_sessions','conversation_sessions_ended_has_duration'),('conversation_sessions','conversation_sessions_model_id_fkey'),('conversation_sessions','conversation_sessions_pkey'),
  ('conversation_sessions','conversation_sessions_user_id_check'),('conversation_sessions','conversation_sessions_user_tag'),('flow_states','flow_states_flow_check'),
  ('flow_states','flow_states_pkey'),('flow_states','flow_states_session_id_fkey'),('llm_models','llm_models_cached_input_price_per_million_check'),
  ('llm_models','llm_models_experiment_name_check'),('llm_models','llm_models_input_price_per_million_check'),('llm_models','llm_models_key_check'),
  ('llm_models','llm_models_key_key'),('llm_models','llm_models_name_check'),('llm_models','llm_models_output_price_per_million_check'),
  ('llm_models','llm_models_pkey'),('llm_models','llm_models_provider_check'),('llm_observations','llm_observations_cached_input_tokens_check'),
  ('llm_observations','llm_observations_cost_usd_check'),('llm_observations','llm_observations_duration_ms_check'),('llm_observations','llm_observations_ended_after_start'),
  ('llm_observations','llm_observations_error_check'),('llm_observations','llm_observations_generation_fields'),('llm_observations','llm_observations_input_tokens_check'),
  ('llm_observations','llm_observations_kind_check'),('llm_observations','llm_observations_message_id_fkey'),('llm_observations','llm_observations_name_check'),
  ('llm_observations','llm_observations_output_tokens_check'),('llm_observations','llm_observations_parent_id_fkey'),('llm_observations','llm_observations_pkey'),
  ('llm_observations','llm_observations_position_check'),('llm_observations','llm_observations_session_id_fkey'),('llm_observations','llm_observations_status_check'),
  ('llm_observations','llm_observations_time_to_first_token_ms_check'),('llm_observations','llm_observations_trace_id_fkey'),('llm_traces','llm_traces_cost_usd_check'),
  ('llm_traces','llm_traces_error_count_check'),('llm_traces','llm_traces_feedback_check'),('llm_traces','llm_traces_feedback_comment_check'),
  ('llm_traces','llm_traces_input_tokens_check'),('llm_traces','llm_traces_latency_ms_check'),('llm_traces','llm_traces_llm_calls_check'),
  ('llm_traces','llm_traces_model_id_fkey'),('llm_traces','llm_traces_output_tokens_check'),('llm_traces','llm_traces_pkey'),
  ('llm_traces','llm_traces_session_id_fkey'),('llm_traces','llm_traces_session_id_key'),('llm_traces','llm_traces_status_check'),
  ('llm_traces','llm_traces_tool_calls_check'),('llm_traces','llm_traces_user_tag'),('llm_traces','llm_traces_votes_down_check'),
  ('llm_traces','llm_traces_votes_up_check'),('products','products_pkey'),('products','products_price_cents_check'),
  ('products','products_sku_check'),('rate_limit_buckets','rate_limit_buckets_pkey'),('session_events','session_events_event_check'),
  ('session_events','session_events_pkey'),('session_events','session_events_previous_session_id_fkey'),('session_events','session_events_reason_check'),
  ('session_events','session_events_request_id_check'),('session_events','session_events_session_id_fkey'),('session_tag_counters','session_tag_counters_last_value_check'),
  ('session_tag_counters','session_tag_counters_model_id_fkey'),('session_tag_counters','session_tag_counters_pkey')
),
expected_indexes(idx) as (values
  ('agents_menu_position'),('conversation_messages_client_id_per_session'),('conversation_messages_client_id_per_user'),('conversation_messages_one_reply'),
  ('conversation_messages_seq'),('conversation_messages_session_seq'),('conversation_sessions_one_active'),('conversation_sessions_user_started'),
  ('conversation_sessions_user_tag'),('llm_models_key_key'),('llm_observations_message'),('llm_observations_session'),
  ('llm_observations_trace'),('llm_traces_agent_created'),('llm_traces_cost_created'),('llm_traces_created'),
  ('llm_traces_errors_created'),('llm_traces_feedback_created'),('llm_traces_model_created'),('llm_traces_session_id_key'),
  ('llm_traces_session_tag'),('llm_traces_session_tag_trgm'),('llm_traces_tools_used'),('llm_traces_user_created'),
  ('llm_traces_user_tag'),('session_events_session'),('session_tag_counters_model_last')
),
expected_functions(fn) as (values
  ('agents_bump_version'),('agents_check_handoffs'),('agents_check_tools'),('app_health'),('begin_turn'),('catalog_products'),
  ('close_idle_sessions'),('close_session'),('dashboard_daily'),('dashboard_experiments'),('dashboard_feedback_by_agent'),('dashboard_feedback_by_model'),
  ('dashboard_llm_calls_distribution'),('dashboard_stats'),('dashboard_totals'),('end_session'),('ensure_setting'),('finish_turn'),
  ('flow_is_open'),('maintenance_scheduler'),('message_json'),('operator_models'),('pin_agent_version'),('register_model'),
  ('run_maintenance'),('search_traces'),('session_context'),('session_json'),('session_messages'),('set_feedback'),
  ('set_trace_feedback'),('start_session'),('trace_detail'),('turn_endings')
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
-- who closes idle sessions: pg_cron in its own database (Supabase), the app's timer elsewhere
select 'idle sessions are closed by', 'run_maintenance', true, public.maintenance_scheduler() ->> 'scheduler'
union all
-- the CLI and `npm run db:migrate` record migrations; the SQL editor does not (then the checks above are the proof)
select 'migrations recorded', 'supabase_migrations.schema_migrations', true,
       case when to_regclass('supabase_migrations.schema_migrations') is null
            then 'no migration table: pasted into the SQL editor' else 'recorded by the Supabase CLI or db:migrate' end
order by 1, 2;

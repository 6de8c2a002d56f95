-- Row level security and grants per role (docs/architecture.md, "SQL tests"): what `anon`,
-- `authenticated` and `service_role` may read, write and execute, checked both as catalog
-- privileges and by acting as each role.
begin;
set local search_path = extensions, public;
select plan((select count(*)::int * 3 from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r') + 58);

-- Two visitors with a session, a message, a flow state and a trace each (their ids are auth.uid()s).
do $$
declare
  v_model uuid := (select m.id from public.llm_models m where m.key = 'offline');
  v_session uuid;
  v_user text;
begin
  foreach v_user in array array['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'] loop
    v_session := public.start_session(v_user, 'web', 'sales_pitch', v_model, true, 'first_message');
    insert into public.conversation_messages (session_id, user_id, role, content) values (v_session, v_user, 'user', 'hi');
    insert into public.flow_states (session_id, flow, state) values (v_session, 'bulk_order', '{"status": "collecting"}');
  end loop;
end
$$;

-- RLS is on for every table
select is_empty($$
  select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relrowsecurity
$$, 'every table in public has row level security enabled');

-- table privileges: the API roles read (RLS filters) the tables listed here, never write; every other
-- table (secrets, counters, agents' instructions, operator sessions, outbox, privacy) is not theirs at all.
-- A new table is closed until it is added to the readable list.
select table_privs_are('public', c.relname, r,
         case when r = 'service_role' then array['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE']
              when c.relname in ('conversation_messages', 'conversation_sessions', 'flow_states', 'llm_models',
                                 'llm_observations', 'llm_traces', 'products', 'session_events') then array['SELECT']
              else '{}'::text[] end,
         format('%s has exactly its privileges on %s', r, c.relname))
  from pg_class c
 cross join unnest(array['anon', 'authenticated', 'service_role']) r
 where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
 order by c.relname, r;

-- sequences, and what future objects get: nothing for the API roles (a Supabase project's own
-- defaults grant them everything in public: the migrations revoke that, tests/db/pgtap.test.ts)
select is_empty($$
  select c.relname from pg_class c
   where c.relnamespace in ('public'::regnamespace, 'private'::regnamespace) and c.relkind = 'S'
     and (has_sequence_privilege('anon', c.oid, 'USAGE, SELECT, UPDATE') or has_sequence_privilege('authenticated', c.oid, 'USAGE, SELECT, UPDATE'))
$$, 'anon and authenticated may use no sequence');
select is_empty($$
  select c.relname, p.privilege_type from pg_class c
   cross join lateral aclexplode(c.relacl) p
   where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
     and p.grantee in ('anon'::regrole, 'authenticated'::regrole) and p.privilege_type <> 'SELECT'
$$, 'anon and authenticated hold no table privilege but SELECT (on the tables their policies filter)');
select is_empty($$
  select d.defaclrole::regrole::text, d.defaclnamespace::regnamespace::text, d.defaclobjtype, p.privilege_type
    from pg_default_acl d cross join lateral aclexplode(d.defaclacl) p
   where d.defaclnamespace in ('public'::regnamespace, 'private'::regnamespace)
     and d.defaclrole = current_user::regrole
     and p.grantee in ('anon'::regrole, 'authenticated'::regrole)
$$, 'the migrating role''s default privileges give anon and authenticated nothing in public or private');

-- the policies: reading only, own rows only, nothing on the secrets
select policies_are('public', 'conversation_sessions', array['users read their own sessions']);
select policies_are('public', 'conversation_messages', array['users read their own messages']);
select policies_are('public', 'llm_traces', array['users read their own traces']);
select policies_are('public', 'llm_observations', array['users read their own observations']);
select policies_are('public', 'session_events', array['users read their own session events']);
select policies_are('public', 'flow_states', array['users read their own flow state']);
select policies_are('public', 'llm_models', array['models are readable by signed-in users']);
select policies_are('public', 'products', array['the catalog is public']);
select policies_are('public', t, '{}'::name[], format('%s has no policy', t))
  from unnest(array['agent_tools', 'agent_versions', 'agents', 'app_settings', 'erasures', 'operator_sessions', 'otlp_outbox', 'retired_visitors',
                    'privacy_settings', 'rate_limit_buckets', 'session_tag_counters', 'dashboard_visitor_gaps']) t;

-- the private schema (begin_turn's steps, the rate-limit counter, masking): the API cannot reach it
select ok(not has_schema_privilege(r, 'private', 'USAGE'), format('%s may not use the private schema', r))
  from unnest(array['anon', 'authenticated']) r;
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
   where p.pronamespace = 'private'::regnamespace
     and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))
$$, 'anon and authenticated may execute no function in private');

-- functions: only service_role executes them
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
   where p.pronamespace = 'public'::regnamespace and has_function_privilege('anon', p.oid, 'execute')
$$, 'anon may execute no function in public');
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
   where p.pronamespace = 'public'::regnamespace and has_function_privilege('authenticated', p.oid, 'execute')
$$, 'authenticated may execute no function in public');
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
   where p.pronamespace = 'public'::regnamespace and p.prorettype <> 'trigger'::regtype
     and not has_function_privilege('service_role', p.oid, 'execute')
$$, 'service_role may execute every function in public');

-- pgTAP's own functions may be run by the roles we act as (this transaction is rolled back)
grant usage on schema extensions to anon, authenticated, service_role;
grant execute on all functions in schema extensions to anon, authenticated, service_role;

-- acting as anon: the public catalog and enabled agents, nothing of anyone's conversations
set local role anon;
select isnt_empty('select sku from public.products', 'anon reads the catalog');
select throws_ok('select key from public.agents', '42501', null, 'anon cannot read the agents (their instructions are the team''s own)');
select throws_ok('select instructions from public.agent_versions', '42501', null, 'anon cannot read the agents'' snapshots');
select is_empty('select id from public.conversation_sessions', 'anon reads no session');
select is_empty('select id from public.conversation_messages', 'anon reads no message');
select is_empty('select id from public.llm_traces', 'anon reads no trace');
select is_empty('select session_id from public.flow_states', 'anon reads no flow state');
select is_empty('select id from public.llm_models', 'anon reads no model');
select throws_ok('select value from public.app_settings', '42501', null, 'anon cannot read the app settings');
select throws_ok($$insert into public.products (sku, name, category, description, price_cents, pickup_location)
                   values ('X-1', 'x', 'x', 'x', 1, 'x')$$, '42501', null, 'anon cannot write the catalog');
select throws_ok($$select public.begin_turn(p_user_id => 'anon-visitor')$$, '42501', null, 'anon cannot start a turn');
select throws_ok('select public.run_maintenance()', '42501', null, 'anon cannot run maintenance');
reset role;

-- acting as a signed-in user: their own rows only, read only
set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-00000000000a"}';
select results_eq('select distinct user_id from public.conversation_sessions', $$values ('00000000-0000-4000-8000-00000000000a'::text)$$,
                  'a signed-in user reads only their own sessions');
select results_eq('select distinct user_id from public.conversation_messages', $$values ('00000000-0000-4000-8000-00000000000a'::text)$$,
                  'a signed-in user reads only their own messages');
select results_eq('select distinct user_id from public.llm_traces', $$values ('00000000-0000-4000-8000-00000000000a'::text)$$,
                  'a signed-in user reads only their own traces');
select results_eq('select distinct user_id from public.session_events', $$values ('00000000-0000-4000-8000-00000000000a'::text)$$,
                  'a signed-in user reads only their own session events');
select results_eq($$select count(*)::int from public.flow_states$$, $$values (1)$$, 'a signed-in user reads only their own flow state');
select isnt_empty('select id from public.llm_models', 'a signed-in user reads the models');
select throws_ok($$update public.conversation_sessions set is_active = false$$, '42501', null, 'a signed-in user cannot end sessions by hand');
select throws_ok($$delete from public.conversation_messages$$, '42501', null, 'a signed-in user cannot delete messages');
select throws_ok($$insert into public.llm_traces (session_id, session_tag, user_id, agent_type, model_id)
                   select s.id, 'x', s.user_id, 'x', s.model_id from public.conversation_sessions s limit 1$$,
                 '42501', null, 'a signed-in user cannot write traces');
select throws_ok('select last_value from public.session_tag_counters', '42501', null, 'a signed-in user cannot read the tag counters');
select throws_ok('select hits from public.rate_limit_buckets', '42501', null, 'a signed-in user cannot read the rate-limit counters');
select throws_ok($$select public.end_session('00000000-0000-4000-8000-00000000000a', gen_random_uuid())$$, '42501', null,
                 'a signed-in user cannot call the app''s functions');
reset role;

-- acting as service_role (the app on Supabase): everything, past RLS
set local role service_role;
select results_eq($$select count(distinct user_id)::int from public.conversation_sessions
                     where user_id like '00000000-0000-4000-8000-00000000000_'$$, $$values (2)$$, 'service_role reads every visitor''s sessions');
select lives_ok($$select public.begin_turn(p_user_id => 'service-visitor', p_message => 'hello')$$, 'service_role runs a turn');
select lives_ok($$select public.run_maintenance()$$, 'service_role runs maintenance');
select lives_ok($$insert into public.app_settings (key, value) values ('pgtap_probe', 'x')$$, 'service_role writes the app settings');
reset role;

select * from finish();
rollback;

-- Review queues (docs/architecture.md, "Review queues"), each rule proven by the constraint or trigger
-- itself: a trace enters a queue once (review_queue_items_once, also when its turn is stored twice),
-- a leased item names its reviewer, and the tables and functions are closed to the API roles.
-- tests/db/pgtap.test.ts drops review_queue_items_once and sees this file fail.
begin;
set local search_path = extensions, public;
select plan(14);

create temp table fx as
select public.start_session('pgtap-review', 'web', 'sales_pitch', (select m.id from public.llm_models m where m.key = 'offline'),
                            true, 'first_message') as session_id;
alter table fx add column trace_id uuid;
alter table fx add column queue_id uuid;
update fx set trace_id = (select t.id from public.llm_traces t where t.session_id = fx.session_id);
insert into public.review_queues (name, created_by, feed_failed_step) values ('pgtap failed steps', 'pgtap', true);
update fx set queue_id = (select q.id from public.review_queues q where q.name = 'pgtap failed steps');
grant select on fx to public;

select has_table('public', 'review_queue_items', 'review_queue_items exists');
select col_is_unique('public', 'review_queue_items', array['queue_id', 'trace_id'], 'a trace is in a queue at most once: a unique constraint');

-- the feed: a turn that stores a failed step, twice
select lives_ok($$update public.llm_traces t set error_count = t.error_count + 1 from fx where t.id = fx.trace_id$$,
                'a failed step stored on the trace');
select lives_ok($$update public.llm_traces t set error_count = t.error_count + 1, llm_calls = t.llm_calls + 1 from fx where t.id = fx.trace_id$$,
                'another failed step on the same trace');
select is((select count(*)::int from public.review_queue_items i join fx on fx.queue_id = i.queue_id and fx.trace_id = i.trace_id), 1,
          'the trace entered the queue fed by failed steps exactly once');
select throws_ok($$insert into public.review_queue_items (queue_id, trace_id, reason) select fx.queue_id, fx.trace_id, 'sample' from fx$$,
                 '23505', 'duplicate key value violates unique constraint "review_queue_items_once"',
                 'a second row for the same queue and trace is refused by review_queue_items_once');
select throws_ok($$update public.review_queue_items i set status = 'in_review' from fx where i.queue_id = fx.queue_id$$,
                 '23514', null, 'an item in review names its reviewer and lease (review_queue_items_lease)');
select throws_ok($$insert into public.review_queues (name, created_by) values ('pgtap fed by nothing', 'pgtap')$$,
                 '23514', null, 'a queue without a feed rule is refused (review_queues_fed)');

-- closed to the API roles
select is((select bool_and(c.relrowsecurity) from pg_catalog.pg_class c
            where c.oid in ('public.review_queues'::regclass, 'public.review_queue_items'::regclass, 'public.review_queue_configs'::regclass)),
          true, 'row level security is on for the three tables');
select table_privs_are('public', 'review_queue_items', 'anon', array[]::text[], 'anon holds nothing on review_queue_items');
select table_privs_are('public', 'review_queues', 'authenticated', array[]::text[], 'authenticated holds nothing on review_queues');
select function_privs_are('public', 'review_queue_next', array['uuid', 'text', 'integer'], 'anon', array[]::text[],
                          'anon cannot lease an item');
select function_privs_are('public', 'review_queue_complete', array['uuid', 'uuid', 'text', 'text', 'text', 'jsonb'], 'authenticated', array[]::text[],
                          'authenticated cannot complete an item');
select function_privs_are('public', 'review_queue_next', array['uuid', 'text', 'integer'], 'service_role', array['EXECUTE'],
                          'the app''s role leases items');

select * from finish();
rollback;

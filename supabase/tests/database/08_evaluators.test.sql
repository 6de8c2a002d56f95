-- Online evaluation (docs/architecture.md, "Evaluators"): one evaluation job per trace and evaluator
-- (evaluation_jobs_once), proven by direct inserts; the trigger queues an attached evaluator once, when
-- the trace's first turn is stored, and never for a sample rate of 0. tests/db/pgtap.test.ts drops
-- evaluation_jobs_once and sees this file fail.
begin;
set local search_path = extensions, public;
select plan(7);

create temp table fx as
select public.start_session('pgtap-evaluators', 'web', 'sales_pitch', (select m.id from public.llm_models m where m.key = 'offline'),
                            true, 'first_message') as session_id;
alter table fx add column trace_id uuid;
update fx set trace_id = (select t.id from public.llm_traces t where t.session_id = fx.session_id);
grant select on fx to public;

select col_is_unique('public', 'evaluation_jobs', array['trace_id', 'evaluator_id'],
                     'one job per trace and evaluator is a unique constraint');
select lives_ok($$insert into public.evaluation_jobs (trace_id, evaluator_id)
                  select fx.trace_id, e.id from fx, public.evaluators e where e.name = 'reply_under_chars'$$,
                'a job for a trace and an evaluator');
select throws_ok($$insert into public.evaluation_jobs (trace_id, evaluator_id)
                   select fx.trace_id, e.id from fx, public.evaluators e where e.name = 'reply_under_chars'$$,
                 '23505', 'duplicate key value violates unique constraint "evaluation_jobs_once"',
                 'a second job of the same trace and evaluator is refused by evaluation_jobs_once');
select lives_ok($$insert into public.evaluation_jobs (trace_id, evaluator_id)
                  select fx.trace_id, e.id from fx, public.evaluators e where e.name = 'helpfulness_judge'$$,
                'another evaluator''s job on the same trace coexists');

-- attached at rate 1 (the judge) and 0 (the order rule): the first stored turn queues the judge only, once
delete from public.evaluation_jobs;
insert into public.agent_evaluators (agent_key, evaluator_id, sample_rate, created_by)
select 'sales_pitch', e.id, case e.name when 'helpfulness_judge' then 1 else 0 end, 'pgtap'
  from public.evaluators e where e.name in ('helpfulness_judge', 'order_confirmed_with_contact');
update public.llm_traces t set status = 'ok' from fx where t.id = fx.trace_id;
select results_eq($$select e.name from public.evaluation_jobs j join public.evaluators e on e.id = j.evaluator_id$$,
                  array['helpfulness_judge'], 'the first stored turn queues each attached, sampled evaluator (rate 0: none)');
update public.llm_traces t set status = 'error' from fx where t.id = fx.trace_id;
update public.llm_traces t set status = 'ok' from fx where t.id = fx.trace_id;
select is((select count(*)::int from public.evaluation_jobs), 1, 'later turns queue nothing again');
select throws_ok($$insert into public.agent_evaluators (agent_key, evaluator_id, sample_rate, created_by)
                   select 'sales_pitch', e.id, 1.5, 'pgtap' from public.evaluators e where e.name = 'reply_under_chars'$$,
                 '23514', null, 'a sample rate above 1 is refused');

select * from finish();
rollback;

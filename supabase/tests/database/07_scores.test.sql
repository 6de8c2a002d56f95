-- Scores and comments (docs/rules.md, "Scores and comments"), each rule proven by the constraint or
-- trigger itself: direct inserts, no function in between. One score per target, config, source and
-- author (scores_one_per_author, nulls not distinct); exactly one target; a value that fits its config;
-- a comment keeps its author. tests/db/pgtap.test.ts drops scores_one_per_author and sees this file fail.
begin;
set local search_path = extensions, public;
select plan(11);

create temp table fx as
select public.start_session('pgtap-scores', 'web', 'sales_pitch', (select m.id from public.llm_models m where m.key = 'offline'),
                            true, 'first_message') as session_id;
alter table fx add column trace_id uuid;
update fx set trace_id = (select t.id from public.llm_traces t where t.session_id = fx.session_id);
grant select on fx to public;

select has_table('public', 'scores', 'scores exists');
select col_is_unique('public', 'scores', array['trace_id', 'message_id', 'observation_id', 'config_id', 'source', 'author'],
                     'one score per target, config, source and author is a unique constraint');
select is((select i.indnullsnotdistinct from pg_catalog.pg_constraint c join pg_catalog.pg_index i on i.indexrelid = c.conindid
            where c.conname = 'scores_one_per_author'), true,
          'its nulls (the other targets) are not distinct');

select lives_ok($$insert into public.scores (trace_id, config_id, value, source, author)
                  select fx.trace_id, c.id, 1, 'operator', 'op-a' from fx, public.score_configs c where c.name = 'helpful'$$,
                'an operator''s score');
select throws_ok($$insert into public.scores (trace_id, config_id, value, source, author)
                   select fx.trace_id, c.id, 0, 'operator', 'op-a' from fx, public.score_configs c where c.name = 'helpful'$$,
                 '23505', 'duplicate key value violates unique constraint "scores_one_per_author"',
                 'a second score of the same author, source, config and target is refused by scores_one_per_author');
select lives_ok($$insert into public.scores (trace_id, config_id, value, source, author)
                  select fx.trace_id, c.id, 0, 'operator', 'op-b' from fx, public.score_configs c where c.name = 'helpful'$$,
                'another operator''s score on the same trace coexists');
select lives_ok($$insert into public.scores (trace_id, config_id, value, source, author)
                  select fx.trace_id, c.id, 0, 'visitor', 'pgtap-scores' from fx, public.score_configs c where c.name = 'helpful'$$,
                'the visitor''s score on the same trace coexists');
select is((select t.feedback from public.llm_traces t join fx on fx.trace_id = t.id), 'negative',
          'the trace''s feedback follows the visitor''s helpful score in the same transaction');
select throws_ok($$insert into public.scores (config_id, value, source, author)
                   select c.id, 1, 'operator', 'op-c' from public.score_configs c where c.name = 'helpful'$$,
                 '23514', null, 'a score without a target is refused (scores_one_target)');
select throws_ok($$insert into public.scores (trace_id, config_id, value, string_value, source, author)
                   select fx.trace_id, c.id, 7, 'superb', 'operator', 'op-c' from fx, public.score_configs c where c.name = 'quality'$$,
                 'PT400', 'bad_request:score', 'a value outside its config is refused (scores_check)');

insert into public.trace_comments (trace_id, author, content) select fx.trace_id, 'op-a', 'mine' from fx;
select throws_ok($$update public.trace_comments set author = 'op-b' where author = 'op-a'$$,
                 'PT403', 'forbidden:comment', 'a comment keeps its author (trace_comments_keep_author)');

select * from finish();
rollback;

-- "Try again" in SQL (docs/architecture.md, "Try again"): one current reply per question, any
-- number of superseded ones beside it; only an agent reply can be superseded.
begin;
set local search_path = extensions, public;
select plan(7);

create temp table rg as
select public.start_session('pgtap-again', 'web', 'product_recommendation', (select m.id from public.llm_models m where m.key = 'offline'),
                            true, 'first_message') as session_id;
insert into public.conversation_messages (session_id, user_id, role, content) select rg.session_id, 'pgtap-again', 'user', 'a tent' from rg;
insert into public.conversation_messages (session_id, user_id, role, content, reply_to)
select m.session_id, m.user_id, 'agent', 'first answer', m.id from public.conversation_messages m where m.user_id = 'pgtap-again' and m.role = 'user';

select has_column('public', 'conversation_messages', 'superseded_at', 'conversation_messages has superseded_at');
select has_column('public', 'conversation_messages', 'superseded_by', 'conversation_messages has superseded_by');
select throws_ok($$insert into public.conversation_messages (session_id, user_id, role, content, reply_to)
                   select m.session_id, m.user_id, 'agent', 'second answer', m.id from public.conversation_messages m
                    where m.user_id = 'pgtap-again' and m.role = 'user'$$,
                 '23505', 'duplicate key value violates unique constraint "conversation_messages_one_reply"',
                 'a second current reply to one question is refused');
select lives_ok($$update public.conversation_messages set superseded_at = now() where user_id = 'pgtap-again' and content = 'first answer';
                  insert into public.conversation_messages (session_id, user_id, role, content, reply_to)
                  select m.session_id, m.user_id, 'agent', 'second answer', m.id from public.conversation_messages m
                   where m.user_id = 'pgtap-again' and m.role = 'user'$$,
                'a new reply is stored beside a superseded one');
select results_eq($$select count(*)::int from public.conversation_messages where user_id = 'pgtap-again' and reply_to is not null$$,
                  $$values (2)$$, 'both answers are kept');
select throws_ok($$update public.conversation_messages set superseded_at = now() where user_id = 'pgtap-again' and role = 'user'$$,
                 '23514', null, 'only an agent reply can be superseded (conversation_messages_superseded_is_reply)');
select throws_ok($$update public.conversation_messages set superseded_at = null
                    where user_id = 'pgtap-again' and content = 'first answer'$$,
                 '23505', null, 'a superseded reply cannot come back beside the current one');

select * from finish();
rollback;

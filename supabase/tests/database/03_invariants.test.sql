-- The invariants, each proven by the constraint itself (docs/architecture.md, "SQL tests"):
-- direct inserts that would break them fail, without the functions' advisory locks to hide a
-- missing index. One active session per visitor and channel, one trace per session, one tag per
-- visitor, the tag sequence, exactly-once messages and replies, ended sessions have a duration.
-- tests/db/pgtap.test.ts drops each of these constraints in turn and sees this file fail.
begin;
set local search_path = extensions, public;
select plan(22);

create temp table fx as
select (select m.id from public.llm_models m where m.key = 'offline') as model_id,
       public.start_session('pgtap-visitor', 'web', 'sales_pitch', (select m.id from public.llm_models m where m.key = 'offline'),
                            true, 'first_message') as session_id;
insert into public.conversation_messages (session_id, user_id, role, content, client_message_id)
select fx.session_id, 'pgtap-visitor', 'user', 'question', '00000000-0000-4000-8000-0000000000c1' from fx;
grant select on fx to public;

-- one active session per (visitor, channel)
select throws_ok($$insert into public.conversation_sessions (user_id, channel, agent_type, model_id, session_tag)
                   select 'pgtap-visitor', 'web', 'sales_pitch', fx.model_id, 'direct_tag_1' from fx$$,
                 '23505', 'duplicate key value violates unique constraint "conversation_sessions_one_active"',
                 'a second active session for a visitor and channel is refused by conversation_sessions_one_active');
select lives_ok($$insert into public.conversation_sessions (user_id, channel, agent_type, model_id, session_tag)
                  select 'pgtap-visitor', 'whatsapp', 'sales_pitch', fx.model_id, 'direct_tag_2' from fx$$,
                'an active session on another channel is allowed');
select lives_ok($$insert into public.conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, ended_at, duration_seconds)
                  select 'pgtap-visitor', 'web', 'sales_pitch', fx.model_id, 'direct_tag_3', false, now(), 0 from fx$$,
                'ended sessions on the same channel are allowed');

-- ended means not active, with a duration
select throws_ok($$insert into public.conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, ended_at)
                   select 'pgtap-other', 'web', 'sales_pitch', fx.model_id, 'direct_tag_4', true, now() from fx$$,
                 '23514', null, 'an active session with an end time is refused (conversation_sessions_active_not_ended)');
select throws_ok($$insert into public.conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, ended_at)
                   select 'pgtap-other', 'web', 'sales_pitch', fx.model_id, 'direct_tag_5', false, now() from fx$$,
                 '23514', null, 'an ended session without a duration is refused (conversation_sessions_ended_has_duration)');
select throws_ok($$insert into public.conversation_sessions (user_id, agent_type, model_id, session_tag, end_reason)
                   select 'pgtap-other', 'sales_pitch', fx.model_id, 'direct_tag_6', 'bored' from fx$$,
                 '23514', null, 'an unknown end reason is refused');

-- one trace per session, one tag per visitor
select throws_ok($$insert into public.llm_traces (session_id, session_tag, user_id, agent_type, model_id)
                   select fx.session_id, 'another_tag', 'pgtap-visitor', 'sales_pitch', fx.model_id from fx$$,
                 '23505', 'duplicate key value violates unique constraint "llm_traces_session_id_key"',
                 'a second trace for a session is refused');
select throws_ok($$insert into public.conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, ended_at, duration_seconds)
                   select 'pgtap-visitor', 'web', 'sales_pitch', fx.model_id, s.session_tag, false, now(), 0
                     from fx join public.conversation_sessions s on s.id = fx.session_id$$,
                 '23505', 'duplicate key value violates unique constraint "conversation_sessions_user_tag"',
                 'a duplicate session tag for a visitor is refused');
select throws_ok($$insert into public.llm_traces (session_id, session_tag, user_id, agent_type, model_id)
                   select s.id, t.session_tag, 'pgtap-visitor', 'sales_pitch', fx.model_id
                     from fx join public.llm_traces t on t.session_id = fx.session_id
                     join public.conversation_sessions s on s.session_tag = 'direct_tag_2'$$,
                 '23505', 'duplicate key value violates unique constraint "llm_traces_user_tag"',
                 'a duplicate trace tag for a visitor is refused');
select lives_ok($$insert into public.conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, ended_at, duration_seconds)
                  select 'pgtap-other', 'web', 'sales_pitch', fx.model_id, s.session_tag, false, now(), 0
                    from fx join public.conversation_sessions s on s.id = fx.session_id$$,
                'another visitor may have the same tag');

-- the tag sequence: one counter per (visitor, model), counting from 1, each start takes the next
select throws_ok($$insert into public.session_tag_counters (user_id, model_id, last_value)
                   select 'pgtap-visitor', fx.model_id, 7 from fx$$,
                 '23505', 'duplicate key value violates unique constraint "session_tag_counters_pkey"',
                 'a second tag counter for a visitor and model is refused');
select throws_ok($$insert into public.session_tag_counters (user_id, model_id, last_value)
                   select 'pgtap-counter', fx.model_id, 0 from fx$$,
                 '23514', null, 'a tag counter below 1 is refused');
create temp table seq as
select public.start_session('pgtap-seq', 'web', 'sales_pitch', fx.model_id, true, 'first_message') as first_id from fx;
alter table seq add column second_id uuid;
update seq set second_id = public.start_session('pgtap-seq', 'web', 'sales_pitch', (select model_id from fx), true, 'new_chat');
select results_eq(
  $$select right(s.session_tag, 4), s.is_active from seq join public.conversation_sessions s on s.id in (seq.first_id, seq.second_id)
     order by s.session_tag$$,
  $$values ('_001', false), ('_002', true)$$,
  'start_session numbers a visitor''s sessions 001, 002 per model and supersedes the first');

-- messages exactly once: one client_message_id per visitor, one reply per question
select throws_ok($$insert into public.conversation_messages (session_id, user_id, role, content, client_message_id)
                   select s.id, 'pgtap-visitor', 'user', 'again', '00000000-0000-4000-8000-0000000000c1'
                     from public.conversation_sessions s where s.session_tag = 'direct_tag_2'$$,
                 '23505', 'duplicate key value violates unique constraint "conversation_messages_client_id_per_user"',
                 'a duplicate client_message_id of a visitor is refused, even in another session');
-- another writer's row in the same session: only the per-session constraint stands in the way
select throws_ok($$insert into public.conversation_messages (session_id, user_id, role, content, client_message_id)
                   select fx.session_id, 'pgtap-intruder', 'user', 'again', '00000000-0000-4000-8000-0000000000c1' from fx$$,
                 '23505', 'duplicate key value violates unique constraint "conversation_messages_client_id_per_session"',
                 'a duplicate client_message_id in one session is refused');
select lives_ok($$insert into public.conversation_messages (session_id, user_id, role, content, client_message_id)
                  select s.id, 'pgtap-other', 'user', 'same id, other visitor', '00000000-0000-4000-8000-0000000000c1'
                    from public.conversation_sessions s where s.user_id = 'pgtap-other'$$,
                'another visitor may use the same client_message_id');
select lives_ok($$insert into public.conversation_messages (session_id, user_id, role, content, reply_to)
                  select m.session_id, m.user_id, 'agent', 'answer', m.id from public.conversation_messages m
                   where m.user_id = 'pgtap-visitor' and m.content = 'question'$$,
                'the first reply to a question is stored');
select throws_ok($$insert into public.conversation_messages (session_id, user_id, role, content, reply_to)
                   select m.session_id, m.user_id, 'agent', 'second answer', m.id from public.conversation_messages m
                    where m.user_id = 'pgtap-visitor' and m.content = 'question'$$,
                 '23505', 'duplicate key value violates unique constraint "conversation_messages_one_reply"',
                 'a second reply to one question is refused');
select throws_ok($$insert into public.conversation_messages (session_id, user_id, role, content, reply_to)
                   select m.session_id, m.user_id, 'user', 'not a reply', m.id from public.conversation_messages m
                    where m.user_id = 'pgtap-visitor' and m.content = 'question'$$,
                 '23514', null, 'only an agent message is a reply (conversation_messages_reply_is_agent)');
select throws_ok($$update public.conversation_messages set vote = 'up' where user_id = 'pgtap-visitor' and role = 'user'$$,
                 '23514', null, 'only an agent message takes a vote');

-- flow state: one per (session, flow)
select throws_ok($$insert into public.flow_states (session_id, flow, state) select fx.session_id, 'bulk_order', '{}'::jsonb from fx
                   union all select fx.session_id, 'bulk_order', '{}'::jsonb from fx$$,
                 '23505', null, 'one state per session and flow');

-- the advisory lock is not what keeps one session active: the index alone refuses the second
select is((select count(*)::int from public.conversation_sessions where user_id = 'pgtap-visitor' and channel = 'web' and is_active), 1,
          'the visitor still has exactly one active web session');

select * from finish();
rollback;

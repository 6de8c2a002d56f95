-- Session lifecycle in SQL (docs/architecture.md, "Session lifecycle"): an idle session is closed
-- at its last activity with one `expired` event carrying its figures, an open flow carries over
-- the idle expiry, and the ending is reported to the turn that caused it.
begin;
set local search_path = extensions, public;
select plan(12);

create temp table lc as
select public.start_session('pgtap-idle', 'web', 'order_assistant', (select m.id from public.llm_models m where m.key = 'offline'),
                            true, 'first_message') as first_id,
       null::uuid as second_id, null::jsonb as run;
insert into public.conversation_messages (session_id, user_id, role, content) select lc.first_id, 'pgtap-idle', 'user', '25 headlamps' from lc;
insert into public.flow_states (session_id, flow, state)
select lc.first_id, 'bulk_order', '{"status": "collecting"}'::jsonb from lc
union all select lc.first_id, 'old_quiz', '{"status": "done"}'::jsonb from lc;
update public.conversation_sessions set started_at = now() - interval '3 days', last_activity_at = now() - interval '2 days'
 where id = (select first_id from lc);

update lc set run = public.close_idle_sessions(60, 1);
select ok((select (lc.run ->> 'closed')::int >= 1 from lc), 'close_idle_sessions reports what it closed');
select results_eq(
  $$select s.is_active, s.end_reason, s.ended_at = s.last_activity_at, s.duration_seconds
      from public.conversation_sessions s where s.id = (select first_id from lc)$$,
  $$values (false, 'idle'::text, true, 86400)$$,
  'an idle session ends at its last activity, reason idle, with its duration');
select results_eq(
  $$select e.reason, (e.detail ->> 'message_count')::int, (e.detail ->> 'duration_seconds')::int
      from public.session_events e where e.session_id = (select first_id from lc) and e.event = 'expired'$$,
  $$values ('idle'::text, 1, 86400)$$,
  'one expired event, with the figures of the ending');
select is((select s ->> 'session_id' from lc, jsonb_array_elements(lc.run -> 'sessions') s
            where s ->> 'session_id' = lc.first_id::text), (select first_id::text from lc),
          'the closed session is in the result, for the log');
select is((public.close_idle_sessions(60) -> 'sessions') @> jsonb_build_array(jsonb_build_object('session_id', (select first_id from lc))), false,
          'a second run does not close it again');
select is(public.close_session((select first_id from lc), 'user', 'ended'), null, 'closing an ended session returns null and records nothing');
select is((select count(*)::int from public.session_events e where e.session_id = (select first_id from lc) and e.event in ('ended', 'expired')), 1,
          'still one ending event');

update lc set second_id = public.start_session('pgtap-idle', 'web', 'order_assistant', (select m.id from public.llm_models m where m.key = 'offline'),
                                                true, 'expired_previous', lc.first_id);
select results_eq($$select f.flow, f.state ->> 'status' from public.flow_states f where f.session_id = (select second_id from lc)$$,
                  $$values ('bulk_order'::text, 'collecting'::text)$$, 'the open order carries over an idle expiry; the finished flow does not');
select is((select e.detail -> 'carried_flows' from public.session_events e where e.session_id = (select second_id from lc) and e.event = 'started'),
          '["bulk_order"]'::jsonb, 'the started event says which flows carried over');

-- a session that starts by switching agents reports the ending it caused
select lives_ok($$select public.close_session((select second_id from lc), 'agent_switch', 'ended')$$, 'the switch ends the session');
update lc set first_id = public.start_session('pgtap-idle', 'web', 'sales_pitch', (select m.id from public.llm_models m where m.key = 'offline'),
                                               true, 'agent_switch', lc.second_id);
select is((select public.turn_endings(lc.first_id) -> 0 ->> 'session_id' from lc), (select second_id::text from lc),
          'turn_endings reports the session the switch ended');
select throws_ok($$select public.close_idle_sessions(0)$$, 'PT400', 'bad_request:maintenance', 'a limit under a minute is refused');

select * from finish();
rollback;

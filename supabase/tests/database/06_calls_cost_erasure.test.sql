-- What a turn counts and costs, and what erasing a visitor leaves (docs/rules.md; docs/privacy.md,
-- "Erasure"): llm_calls counts generations only (a failed one too), once per turn; each
-- generation's cost comes from its model's prices and the trace's cost is their sum; erase_visitor
-- removes the visitor's words and keeps the figures under an opaque id.
begin;
set local search_path = extensions, public;
select plan(16);

-- a priced model: $2 per million input tokens, $0.50 per million cached, $8 per million output
insert into public.llm_models (key, name, provider, input_price_per_million, cached_input_price_per_million, output_price_per_million)
values ('pgtap-priced', 'Priced', 'openai_compatible', 2, 0.5, 8);

create temp table t6 as
select public.start_session('pgtap-calls', 'web', 'product_recommendation', (select m.id from public.llm_models m where m.key = 'pgtap-priced'),
                            true, 'first_message') as session_id;
insert into public.conversation_messages (session_id, user_id, role, content, client_message_id)
select t6.session_id, 'pgtap-calls', 'user', 'a tent for two, call me at +1 555 123 4567', gen_random_uuid() from t6;

-- a turn of two generations around one tool call
select lives_ok($$
  select public.finish_turn(
    p_user_message_id => (select m.id from public.conversation_messages m where m.user_id = 'pgtap-calls' and m.role = 'user'),
    p_content => 'The Ridge 2 is a good fit.', p_latency_ms => 40,
    p_observations => '[
      {"kind": "generation", "name": "product_recommendation", "input_tokens": 1000, "cached_input_tokens": 400, "output_tokens": 50},
      {"kind": "tool", "name": "search_catalog", "arguments": {"query": "tent"}, "result": {"products": []}},
      {"kind": "generation", "name": "product_recommendation", "input_tokens": 1200, "output_tokens": 100}
    ]'::jsonb)$$, 'a turn with two generations and a tool call is stored');

select results_eq($$select llm_calls, tool_calls, error_count, input_tokens::int, output_tokens::int from public.llm_traces where user_id = 'pgtap-calls'$$,
                  $$values (2, 1, 0, 2200, 150)$$, 'llm_calls counts the generations only; tokens are the generations'' sum');
-- (600 × 2 + 400 × 0.5 + 50 × 8) / 1e6 = 0.0018; (1200 × 2 + 100 × 8) / 1e6 = 0.0032
select results_eq($$select cost_usd from public.llm_observations where user_id = 'pgtap-calls' and kind = 'generation' order by position$$,
                  $$values (0.0018::numeric), (0.0032::numeric)$$, 'each generation costs its tokens at its model''s prices, cached input at the cached price');
select is((select cost_usd from public.llm_observations where user_id = 'pgtap-calls' and kind = 'tool'), null::numeric, 'a tool call costs nothing');
select is((select cost_usd from public.llm_traces where user_id = 'pgtap-calls'), 0.005::numeric, 'the trace''s cost is the sum of its generations''');

-- the same question finished again: nothing is counted twice
select is((select public.finish_turn(
             p_user_message_id => (select m.id from public.conversation_messages m where m.user_id = 'pgtap-calls' and m.role = 'user'),
             p_content => 'again', p_observations => '[{"kind": "generation", "input_tokens": 9, "output_tokens": 9}]'::jsonb) ->> 'status'),
          'duplicate', 'a second finish of one question is a duplicate');
select results_eq($$select llm_calls, cost_usd from public.llm_traces where user_id = 'pgtap-calls'$$,
                  $$values (2, 0.005::numeric)$$, 'a duplicate finish adds no call and no cost');

-- a failed model call on the next question: its generation counts as a call, and as an error
insert into public.conversation_messages (session_id, user_id, role, content) select t6.session_id, 'pgtap-calls', 'user', 'and a stove?' from t6;
select is((select public.finish_turn(
             p_user_message_id => (select m.id from public.conversation_messages m where m.user_id = 'pgtap-calls' and m.content = 'and a stove?'),
             p_error => 'provider answered 503',
             p_observations => '[{"kind": "generation", "status": "error", "error": "provider answered 503", "input_tokens": 100, "output_tokens": 0}]'::jsonb) ->> 'status'),
          'error_recorded', 'a failed model call is recorded');
select results_eq($$select llm_calls, error_count, status, last_error, cost_usd from public.llm_traces where user_id = 'pgtap-calls'$$,
                  $$values (3, 1, 'error'::text, 'provider answered 503'::text, 0.0052::numeric)$$,
                  'the failed generation is a call and an error; its input is priced');

-- erasure: the visitor's words go, the figures stay under an opaque id
create temp table erased as select public.erase_visitor('pgtap-calls', 'operator') as r;
select ok((select (r ->> 'found')::boolean and r ->> 'opaque_id' like 'erased\_%' from erased), 'erase_visitor finds the visitor and answers an opaque id');
select is((select count(*)::int from public.conversation_messages where user_id = 'pgtap-calls'), 0, 'no message of the visitor is left');
select is((select count(*)::int from public.conversation_sessions where user_id = 'pgtap-calls')
          + (select count(*)::int from public.llm_traces where user_id = 'pgtap-calls')
          + (select count(*)::int from public.llm_observations where user_id = 'pgtap-calls')
          + (select count(*)::int from public.session_events where user_id = 'pgtap-calls'), 0,
          'no session, trace, step or event carries the visitor id');
select results_eq($$select t.llm_calls, t.cost_usd, t.is_erased from (select llm_calls, cost_usd, user_id like 'erased\_%' as is_erased
                      from public.llm_traces where user_id = (select r ->> 'opaque_id' from erased)) t$$,
                  $$values (3, 0.0052::numeric, true)$$, 'the trace keeps its calls and cost under the opaque id');
select is((select count(*)::int from public.llm_observations
            where user_id = (select r ->> 'opaque_id' from erased) and (arguments is not null or result is not null or error is not null)), 0,
          'the steps keep no arguments, results or errors');
select results_eq($$select requested_by, (counts ->> 'messages')::int, (counts ->> 'traces')::int from public.erasures
                     where opaque_id = (select r ->> 'opaque_id' from erased)$$,
                  $$values ('operator'::text, 3, 1)$$, 'the erasure is recorded with who asked and what it removed');
select is((select public.erase_visitor('pgtap-calls') ->> 'found'), 'false', 'erasing again finds nothing');

select * from finish();
rollback;

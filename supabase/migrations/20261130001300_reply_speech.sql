-- The spoken reply as a step of its turn (docs/channels.md, "Voice"): speech is made after
-- finish_turn stored the reply, so one call sets the reply's audio_url and, when the session
-- has a trace, records a 'speech' observation under the visitor message the reply answers
-- (its duration, the characters spoken, and a cost when llm_models prices the speech model:
-- input_price_per_million is then read per million characters, the way speech models are
-- priced) and adds that cost to the trace. A reply already spoken is left alone.

create function public.record_reply_speech(
  p_message_id uuid, p_audio_url text, p_model text, p_started_at timestamptz, p_ended_at timestamptz, p_characters integer
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_message public.conversation_messages;
  v_trace_id uuid;
  v_cost numeric;
  v_step uuid;
begin
  if p_ended_at < p_started_at or p_characters < 0 then
    raise exception using errcode = 'PT400', message = 'bad_request:voice', detail = 'The speech step ends before it starts.';
  end if;
  update public.conversation_messages m set audio_url = p_audio_url
   where m.id = p_message_id and m.role = 'agent' and m.audio_url is null
  returning * into v_message;
  if v_message.id is null then
    return jsonb_build_object('set', false, 'observation_id', null, 'cost_usd', null);
  end if;
  select t.id into v_trace_id from public.llm_traces t where t.session_id = v_message.session_id;
  if v_trace_id is null then
    return jsonb_build_object('set', true, 'observation_id', null, 'cost_usd', null);
  end if;
  select round(p_characters * m.input_price_per_million / 1000000, 8) into v_cost
    from public.llm_models m where m.key = p_model and m.input_price_per_million > 0;
  insert into public.llm_observations (trace_id, session_id, user_id, message_id, position, kind, name, status,
                                       started_at, ended_at, duration_ms, model, cost_usd, arguments)
  values (v_trace_id, v_message.session_id, v_message.user_id, v_message.reply_to,
          coalesce((select max(o.position) + 1 from public.llm_observations o
                     where o.trace_id = v_trace_id and o.message_id is not distinct from v_message.reply_to), 0),
          'speech', left(p_model, 200), 'ok', p_started_at, p_ended_at,
          least(floor(extract(epoch from p_ended_at - p_started_at) * 1000), 2147483647)::integer, p_model, v_cost,
          jsonb_build_object('characters', p_characters))
  returning id into v_step;
  if v_cost is not null then
    update public.llm_traces t set cost_usd = t.cost_usd + v_cost, updated_at = now() where t.id = v_trace_id;
  end if;
  return jsonb_build_object('set', true, 'observation_id', v_step, 'cost_usd', v_cost);
end
$$;

revoke execute on function public.record_reply_speech(uuid, text, text, timestamptz, timestamptz, integer) from public, anon, authenticated;
grant execute on function public.record_reply_speech(uuid, text, text, timestamptz, timestamptz, integer) to service_role;

-- A regenerated turn ("Try again") exports the answer the visitor sees: the reply that is not superseded.
-- Same function as in 20261129006100_otlp_outbox.sql, with that one filter added.

create or replace function private.otlp_enqueue_turn(p_session_id uuid, p_message_id uuid)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_cfg public.privacy_settings;
  v_q public.conversation_messages;
  v_r public.conversation_messages;
  v_s public.conversation_sessions;
  v_t public.llm_traces;
  v_m public.llm_models;
  v_agent public.agents;
  v_prev uuid;
  v_key text;
  v_trace text;
  v_root text;
  v_mask boolean;
  v_content boolean;
  v_common jsonb;
  v_children jsonb;
  v_in bigint;
  v_out bigint;
  v_first timestamptz;
  v_last timestamptz;
  v_err_type text;
  v_err_msg text;
  v_root_attrs jsonb;
  v_obs public.llm_observations[];
begin
  select * into v_cfg from public.privacy_settings s where s.id;
  if not coalesce(v_cfg.otlp_enabled, false) then
    return;
  end if;
  -- the visitor's question in this session: the message, or its copy made by a handoff
  select * into v_q from public.conversation_messages m
   where m.session_id = p_session_id and m.role = 'user'
     and (m.id = p_message_id or m.metadata ->> 'handoff_from' = p_message_id::text)
   order by (m.id = p_message_id) desc, m.seq
   limit 1;
  if v_q.id is null then
    return;
  end if;
  v_key := 'turn:' || v_q.id || ':' || txid_current();
  if exists (select 1 from public.otlp_outbox o where o.dedupe_key = v_key) then
    return;
  end if;
  select * into v_s from public.conversation_sessions s where s.id = v_q.session_id;
  select * into v_t from public.llm_traces t where t.session_id = v_s.id;
  -- untracked sessions leave no trace anywhere
  if v_t.id is null or not v_s.tracking_enabled then
    return;
  end if;
  select * into v_r from public.conversation_messages r where r.reply_to = v_q.id and r.superseded_at is null;
  select * into v_m from public.llm_models m where m.id = v_s.model_id;
  select * into v_agent from public.agents a where a.key = v_s.agent_type;
  select e.previous_session_id into v_prev from public.session_events e
   where e.session_id = v_s.id and e.event = 'switched' order by e.id limit 1;

  v_mask := v_cfg.pii_masking <> 'off';
  v_content := v_cfg.otlp_capture_content;
  v_trace := md5(v_key);
  v_root := left(md5('root:' || v_key), 16);
  v_common := jsonb_build_object('gen_ai.conversation.id', v_s.id, 'session.id', v_s.id);

  -- the turn's observations: stored in this transaction (a failed attempt of the same question was
  -- exported on its own) for the question, or for the original question of a handoff
  select coalesce(array_agg(o), '{}') into v_obs from public.llm_observations o
   where o.trace_id = v_t.id
     and o.created_at = now()
     and o.message_id is not null
     and o.message_id::text in (v_q.id::text, v_q.metadata ->> 'handoff_from');

  select coalesce(sum(o.input_tokens) filter (where o.kind = 'generation'), 0),
         coalesce(sum(o.output_tokens) filter (where o.kind = 'generation'), 0),
         min(o.started_at), max(o.ended_at)
    into v_in, v_out, v_first, v_last
    from unnest(v_obs) o;
  select case o.kind when 'tool' then 'tool_error' else o.kind || '_error' end, o.error
    into v_err_type, v_err_msg
    from unnest(v_obs) o where o.status = 'error' order by o.position, o.started_at limit 1;
  if v_err_type is null and v_r.id is null and v_t.status = 'error' then
    v_err_type := 'model_error';
    v_err_msg := v_t.last_error;
  end if;
  if v_mask then
    v_err_msg := private.mask_pii(v_err_msg);
  end if;

  select coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
      'span_id', left(md5('obs:' || v_key || ':' || o.id), 16),
      'parent_span_id', case when o.parent_id is not null
                               and exists (select 1 from unnest(v_obs) p where p.id = o.parent_id)
                             then left(md5('obs:' || v_key || ':' || o.parent_id), 16) else v_root end,
      'name', case o.kind when 'generation' then 'chat ' || coalesce(o.model, o.name)
                          when 'tool' then 'execute_tool ' || o.name
                          else o.kind || ' ' || o.name end,
      'start_ms', private.epoch_ms(o.started_at),
      'end_ms', private.epoch_ms(o.ended_at),
      'status', case when o.status = 'error' then jsonb_build_object(
                  'code', 'error',
                  'message', case when v_mask then private.mask_pii(coalesce(o.error, '')) else coalesce(o.error, '') end) end,
      'attributes', jsonb_strip_nulls(v_common || case o.kind
        when 'generation' then jsonb_build_object(
          'gen_ai.operation.name', 'chat',
          'gen_ai.provider.name', v_m.provider,
          'gen_ai.request.model', coalesce(o.model, v_m.key),
          'gen_ai.response.model', coalesce(o.model, v_m.key),
          'gen_ai.response.finish_reasons', case when o.finish_reason is not null then jsonb_build_array(o.finish_reason) end,
          'gen_ai.usage.input_tokens', o.input_tokens,
          'gen_ai.usage.output_tokens', o.output_tokens,
          'gen_ai.usage.cache_read.input_tokens', o.cached_input_tokens,
          'gen_ai.response.time_to_first_chunk', round(o.time_to_first_token_ms / 1000.0, 3),
          'gen_ai.usage.cost', o.cost_usd,
          'error.type', case when o.status = 'error' then 'generation_error' end)
        when 'tool' then jsonb_build_object(
          'gen_ai.operation.name', 'execute_tool',
          'gen_ai.tool.name', o.name,
          'gen_ai.tool.type', 'function',
          'gen_ai.tool.call.id', o.tool_call_id,
          'gen_ai.tool.call.arguments', case when v_content and o.arguments is not null then
            (case when v_mask then private.mask_pii_jsonb(o.arguments) else o.arguments end)::text end,
          'gen_ai.tool.call.result', case when v_content and o.result is not null then
            (case when v_mask then private.mask_pii_jsonb(o.result) else o.result end)::text end,
          'error.type', case when o.status = 'error' then 'tool_error' end)
        else jsonb_build_object('gen_ai.operation.name', o.kind) end)
    )) order by o.position, o.started_at), '[]'::jsonb)
    into v_children
    from unnest(v_obs) o;

  v_root_attrs := jsonb_strip_nulls(v_common || jsonb_build_object(
    'gen_ai.operation.name', 'invoke_agent',
    'gen_ai.provider.name', v_m.provider,
    'gen_ai.agent.id', v_s.agent_type,
    'gen_ai.agent.name', coalesce(v_agent.name, v_s.agent_type),
    'gen_ai.agent.version', coalesce(v_s.agent_version, v_t.agent_version)::text,
    'gen_ai.request.model', v_m.key,
    'session.previous_id', v_prev,
    'user.id', v_s.user_id,
    'threadline.session.tag', v_s.session_tag,
    'threadline.agent.version', coalesce(v_s.agent_version, v_t.agent_version),
    'threadline.trace.id', v_t.id,
    'threadline.channel', v_s.channel,
    'threadline.reply.partial', case when v_r.is_partial then true end,
    'langfuse.session.id', v_s.id,
    'langfuse.user.id', v_s.user_id,
    'langfuse.trace.name', 'invoke_agent ' || v_s.agent_type,
    'langfuse.trace.tags', jsonb_build_array(v_s.session_tag, v_s.agent_type,
                                             'agent_version:' || coalesce(v_s.agent_version, v_t.agent_version, 0)),
    'gen_ai.usage.input_tokens', case when v_first is not null then v_in end,
    'gen_ai.usage.output_tokens', case when v_first is not null then v_out end,
    'error.type', v_err_type,
    'gen_ai.input.messages', case when v_content then jsonb_build_array(jsonb_build_object(
      'role', 'user', 'parts', jsonb_build_array(jsonb_build_object('type', 'text',
        'content', case when v_mask then private.mask_pii(v_q.content) else v_q.content end))))::text end,
    'gen_ai.output.messages', case when v_content and v_r.id is not null then jsonb_build_array(jsonb_build_object(
      'role', 'assistant', 'parts', jsonb_build_array(jsonb_build_object('type', 'text',
        'content', case when v_mask then private.mask_pii(v_r.content) else v_r.content end))))::text end
  ));

  perform private.otlp_append(v_key, 'turn', v_s.user_id, v_s.id, jsonb_build_object(
    'trace_id', v_trace,
    'spans', jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
      'span_id', v_root,
      'parent_span_id', null,
      'name', 'invoke_agent ' || v_s.agent_type,
      'start_ms', private.epoch_ms(least(v_q.created_at, v_first)),
      'end_ms', private.epoch_ms(greatest(coalesce(v_r.created_at, v_q.created_at), v_last)),
      'status', case when v_err_type is not null then jsonb_build_object('code', 'error', 'message', coalesce(v_err_msg, '')) end,
      'attributes', v_root_attrs
    ))) || v_children
  ), v_cfg.otlp_outbox_cap);
end
$$;

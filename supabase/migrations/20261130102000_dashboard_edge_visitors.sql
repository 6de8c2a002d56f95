-- The visitors of a range's partial edge days are read from llm_traces by created_at. Written as
-- a join with the window's row, the bound was a join clause the planner could not estimate: at
-- 10,000,000 traces it chose a sequential scan of the whole table for a 24-hour range (4.9 s;
-- docs/performance.md, "10,000,000 traces"). As scalar subqueries the bounds are parameters of
-- one index range on created_at, as in dashboard_rollup_of.
create or replace function public.dashboard_visitor_pairs(p_from timestamptz, p_to timestamptz)
  returns table (user_id text, experiment_name text)
  language sql stable
  set search_path = ''
as $$
  with every_trace as (
    select (p_from is null or p_from <= (select min(t.created_at) from public.llm_traces t))
       and (p_to is null or p_to > (select max(t.created_at) from public.llm_traces t)) as yes
  ),
  w as (select * from public.dashboard_window(p_from, p_to))
  select v.user_id, v.experiment_name from public.dashboard_visitors v where (select e.yes from every_trace e)
  union all
  select d.user_id, d.experiment_name from public.dashboard_visitor_days d, w
   where not (select e.yes from every_trace e)
     and d.day >= coalesce(w.first_day, '-infinity'::date) and d.day < coalesce(w.end_day, 'infinity'::date)
  union all
  select t.user_id, t.experiment_name from public.llm_traces t
   where not (select e.yes from every_trace e)
     and t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < (select w.edge_lo from w)
  union all
  select t.user_id, t.experiment_name from public.llm_traces t
   where not (select e.yes from every_trace e)
     and t.created_at >= (select w.edge_hi from w) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
$$;

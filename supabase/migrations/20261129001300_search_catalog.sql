-- Catalog search for the search_catalog tool: full-text search with ranking
-- (name first, then category and tags, then the description) plus trigram
-- similarity for typos ("hedlamp"); a generic question gets a featured
-- selection instead of nothing (docs/architecture.md).

-- Tags as one text (array_to_string is only stable; a generated column needs immutable).
create or replace function private.tags_text(p_tags text[])
returns text
language sql immutable parallel safe
security invoker
set search_path = ''
as $$
  select coalesce(array_to_string(p_tags, ' '), '')
$$;

alter table public.products
  add column search_vector tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, name), 'A')
    || setweight(to_tsvector('english'::regconfig, category), 'B')
    || setweight(to_tsvector('english'::regconfig, private.tags_text(tags)), 'B')
    || setweight(to_tsvector('english'::regconfig, description), 'C')
  ) stored,
  -- what a misspelt word is compared with
  add column search_text text generated always as (lower(name || ' ' || category || ' ' || private.tags_text(tags))) stored;
create index products_search_vector on public.products using gin (search_vector);

-- Words that ask for "anything" rather than for something (stemmed like the query).
create or replace function private.generic_lexemes()
returns text[]
language sql immutable
security invoker
set search_path = ''
as $$
  select array(select v.lexeme from unnest(to_tsvector('english'::regconfig,
    'sell product item thing stuff something anything everything recommend recommendation show catalog catalogue offer '
    || 'got need want buy looking help store shop carry available suggest suggestion idea ideas option options')) v)
$$;

create or replace function public.search_catalog(p_query text, p_limit integer default 5)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
declare
  v_limit integer := least(greatest(coalesce(p_limit, 5), 1), 50);
  v_words text[];
  v_query tsquery;
  v_word text;
  v_result jsonb;
begin
  -- the content words of the question: no stop words, no numbers, no "anything"
  select array_agg(v.lexeme) into v_words
    from unnest(to_tsvector('english'::regconfig, coalesce(p_query, ''))) v
   where v.lexeme !~ '^[0-9.,]+$' and not v.lexeme = any (private.generic_lexemes());

  -- a generic question: one product per category (the cheapest), as a featured selection
  if v_words is null then
    select coalesce(jsonb_agg(private.product_hit(p, 0, true) order by p.category), '[]'::jsonb) into v_result
      from (select distinct on (c.category) c.* from public.products c order by c.category, c.price_cents, c.sku limit v_limit) p;
    return v_result;
  end if;

  -- any of the words may match: each word found counts 1 (a misspelt one its similarity),
  -- then full-text rank (name, then category and tags, then description) orders equals
  foreach v_word in array v_words loop
    v_query := case when v_query is null then plainto_tsquery('simple', v_word)
                    else v_query || plainto_tsquery('simple', v_word) end;
  end loop;

  select coalesce(jsonb_agg(private.product_hit(h.p, h.rank, false) order by h.rank desc, (h.p).sku), '[]'::jsonb) into v_result
    from (
      select p, s.words + ts_rank_cd(p.search_vector, v_query, 32) as rank
        from public.products p
        cross join lateral (
          select sum(case when p.search_vector @@ plainto_tsquery('simple', w) then 1
                          when length(w) >= 4 and extensions.word_similarity(w, p.search_text) >= 0.5
                            then extensions.word_similarity(w, p.search_text)
                          else 0 end) as words
            from unnest(v_words) w
        ) s
       where s.words > 0
       order by rank desc, p.sku
       limit v_limit
    ) h;
  return v_result;
end
$$;

-- One product as the tool returns it.
create or replace function private.product_hit(p public.products, p_rank real, p_featured boolean)
returns jsonb
language sql immutable
security invoker
set search_path = ''
as $$
  select jsonb_build_object('sku', p.sku, 'name', p.name, 'category', p.category, 'description', p.description,
                            'price_cents', p.price_cents, 'tags', to_jsonb(p.tags), 'pickup_location', p.pickup_location,
                            'rank', round(p_rank::numeric, 4), 'featured', p_featured)
$$;

revoke all on all functions in schema private from public, anon, authenticated;
grant execute on all functions in schema private to service_role;
revoke execute on function public.search_catalog(text, integer) from public, anon, authenticated;
grant execute on function public.search_catalog(text, integer) to service_role;

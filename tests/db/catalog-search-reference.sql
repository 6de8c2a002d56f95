-- search_catalog as it was before the stored trigrams (migration 20261210110000): word_similarity on
-- every product for every word the full text misses. tests/db/catalog-search.test.ts compares the two.
-- One product as the tool returned it (private.product_hit, which search_catalog now writes inline).
CREATE OR REPLACE FUNCTION public.product_hit_reference(p public.products, p_rank real, p_featured boolean) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('sku', p.sku, 'name', p.name, 'category', p.category, 'description', p.description,
                            'price_cents', p.price_cents, 'tags', to_jsonb(p.tags), 'pickup_location', p.pickup_location,
                            'rank', round(p_rank::numeric, 4), 'featured', p_featured)
$$;

-- statement
CREATE OR REPLACE FUNCTION public.search_catalog_reference(p_query text, p_limit integer DEFAULT 5) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $_$
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
    select coalesce(jsonb_agg(public.product_hit_reference(p, 0, true) order by p.category), '[]'::jsonb) into v_result
      from (select distinct on (c.category) c.* from public.products c order by c.category, c.price_cents, c.sku limit v_limit) p;
    return v_result;
  end if;

  -- any of the words may match: each word found counts 1 (a misspelt one its similarity),
  -- then full-text rank (name, then category and tags, then description) orders equals
  foreach v_word in array v_words loop
    v_query := case when v_query is null then plainto_tsquery('simple', v_word)
                    else v_query || plainto_tsquery('simple', v_word) end;
  end loop;

  select coalesce(jsonb_agg(public.product_hit_reference(h.p, h.rank, false) order by h.rank desc, (h.p).sku), '[]'::jsonb) into v_result
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
$_$;

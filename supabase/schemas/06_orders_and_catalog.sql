-- The product catalog and its search (full text plus trigrams), and the product cards the
-- widget shows.

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- Tags as one text (array_to_string is only stable; a generated column needs immutable).
CREATE FUNCTION private.tags_text(p_tags text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select coalesce(array_to_string(p_tags, ' '), '')
$$;

REVOKE ALL ON FUNCTION private.tags_text(p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.tags_text(p_tags text[]) TO service_role;

-- The demo product catalog.
CREATE TABLE public.products (
    sku text NOT NULL,
    name text NOT NULL,
    category text NOT NULL,
    description text NOT NULL,
    price_cents integer NOT NULL,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    pickup_location text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS ((((setweight(to_tsvector('english'::regconfig, name), 'A'::"char") || setweight(to_tsvector('english'::regconfig, category), 'B'::"char")) || setweight(to_tsvector('english'::regconfig, private.tags_text(tags)), 'B'::"char")) || setweight(to_tsvector('english'::regconfig, description), 'C'::"char"))) STORED,
    search_text text GENERATED ALWAYS AS (lower(((((name || ' '::text) || category) || ' '::text) || private.tags_text(tags)))) STORED,
    search_trigrams text[] GENERATED ALWAYS AS (extensions.show_trgm(lower(((((name || ' '::text) || category) || ' '::text) || private.tags_text(tags))))) STORED,
    CONSTRAINT products_price_cents_check CHECK ((price_cents >= 0)),
    CONSTRAINT products_sku_check CHECK ((sku ~ '^[A-Z0-9-]{1,32}$'::text))
);

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_pkey PRIMARY KEY (sku);

CREATE INDEX products_search_vector ON public.products USING gin (search_vector);

ALTER TABLE public.products ENABLE ROW LEVEL SECURITY;

CREATE POLICY "the catalog is public" ON public.products FOR SELECT TO anon, authenticated USING (true);

GRANT SELECT ON TABLE public.products TO anon;
GRANT SELECT ON TABLE public.products TO authenticated;
GRANT ALL ON TABLE public.products TO service_role;

-- Words that ask for "anything" rather than for something (stemmed like the query).
CREATE FUNCTION private.generic_lexemes() RETURNS text[]
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select array(select v.lexeme from unnest(to_tsvector('english'::regconfig,
    'sell product item thing stuff something anything everything recommend recommendation show catalog catalogue offer '
    || 'got need want buy looking help store shop carry available suggest suggestion idea ideas option options')) v)
$$;

REVOKE ALL ON FUNCTION private.generic_lexemes() FROM PUBLIC;
GRANT ALL ON FUNCTION private.generic_lexemes() TO service_role;

-- The demo catalog, for the agents' tools.
CREATE FUNCTION public.catalog_products() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(jsonb_agg(jsonb_build_object(
    'sku', p.sku, 'name', p.name, 'category', p.category, 'description', p.description,
    'price_cents', p.price_cents, 'tags', to_jsonb(p.tags), 'pickup_location', p.pickup_location
  ) order by p.sku), '[]'::jsonb)
  from public.products p
$$;

REVOKE ALL ON FUNCTION public.catalog_products() FROM PUBLIC;
GRANT ALL ON FUNCTION public.catalog_products() TO service_role;

-- Name, price and description of the catalog products with these SKUs (unknown SKUs are left out).
-- p_skus is a jsonb array of strings (the data-access interface passes arrays as jsonb).
CREATE FUNCTION public.product_cards(p_skus jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with wanted as (
    select s.sku, min(s.n) as n
      from jsonb_array_elements_text(case when jsonb_typeof(p_skus) = 'array' then p_skus else '[]'::jsonb end)
           with ordinality as s (sku, n)
     group by s.sku
  )
  select coalesce(jsonb_agg(jsonb_build_object('sku', p.sku, 'name', p.name, 'priceCents', p.price_cents,
                                               'summary', p.description)
                            order by w.n), '[]'::jsonb)
    from wanted w
    join public.products p on p.sku = w.sku
$$;

REVOKE ALL ON FUNCTION public.product_cards(p_skus jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.product_cards(p_skus jsonb) TO service_role;

-- The catalog search the agents call: products matching any content word of the question (a
-- misspelt word by trigram similarity), ranked by words found, then full-text rank; a generic
-- question gets the cheapest product of each category. At most p_limit (1..50) hits.
-- word_similarity is the cost (a product's text made into trigrams per call), so it runs only where
-- it can reach 0.5: that needs half the word's trigrams in the product's (search_trigrams, stored),
-- so some of any more than half of them; the first and the last more than half are tested first
-- (docs/performance.md, "The catalog search and begin_turn").
CREATE FUNCTION public.search_catalog(p_query text, p_limit integer DEFAULT 5) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $_$
declare
  v_limit integer := least(greatest(coalesce(p_limit, 5), 1), 50);
  v_words text[];
  v_queries tsquery[];  -- each word's query
  v_query tsquery;      -- their OR, for the rank
  v_word text;
  v_result jsonb;
begin
  -- the content words of the question: no stop words, no numbers, no "anything"
  select array_agg(v.lexeme) into v_words
    from unnest(to_tsvector('english'::regconfig, coalesce(p_query, ''))) v
   where v.lexeme !~ '^[0-9.,]+$' and not v.lexeme = any (private.generic_lexemes());
  -- a generic question: one product per category (the cheapest), as a featured selection
  if v_words is null then
    select coalesce(jsonb_agg(jsonb_build_object('sku', p.sku, 'name', p.name, 'category', p.category,
             'description', p.description, 'price_cents', p.price_cents, 'tags', to_jsonb(p.tags),
             'pickup_location', p.pickup_location, 'rank', round(0::real::numeric, 4), 'featured', true)
             order by p.category), '[]'::jsonb) into v_result
      from (select distinct on (c.category) c.* from public.products c order by c.category, c.price_cents, c.sku limit v_limit) p;
    return v_result;
  end if;
  foreach v_word in array v_words loop
    v_queries := v_queries || plainto_tsquery('simple', v_word);
    v_query := case when v_query is null then plainto_tsquery('simple', v_word)
                    else v_query || plainto_tsquery('simple', v_word) end;
  end loop;
  -- each word found counts 1 (a misspelt one its similarity), then full-text rank orders equals; a
  -- word's more than half first and last trigrams (head, tail) must each meet the product's for 0.5
  with w as materialized (
    select x.word, x.q, length(x.word) >= 4 as fuzzy, t.trgm[1:cardinality(t.trgm) / 2 + 1] as head,
           t.trgm[cardinality(t.trgm) - cardinality(t.trgm) / 2:] as tail
      from unnest(v_words, v_queries) with ordinality x (word, q, n)
      cross join lateral (select extensions.show_trgm(x.word) as trgm) t order by x.n
  )
  select coalesce(jsonb_agg(jsonb_build_object('sku', h.sku, 'name', h.name, 'category', h.category,
           'description', h.description, 'price_cents', h.price_cents, 'tags', to_jsonb(h.tags),
           'pickup_location', h.pickup_location, 'rank', round(h.rank::numeric, 4), 'featured', false)
           order by h.rank desc, h.sku), '[]'::jsonb) into v_result
    from (
      select p.sku, p.name, p.category, p.description, p.price_cents, p.tags, p.pickup_location,
             s.words + ts_rank_cd(p.search_vector, v_query, 32) as rank
        from public.products p
        cross join lateral (
          select sum(case when p.search_vector @@ w.q then 1
                          when w.fuzzy and p.search_trigrams && w.head and p.search_trigrams && w.tail
                               and extensions.word_similarity(w.word, p.search_text) >= 0.5
                            then extensions.word_similarity(w.word, p.search_text)
                          else 0 end) as words from w
        ) s
       where s.words > 0
       order by rank desc, p.sku
       limit v_limit
    ) h;
  return v_result;
end
$_$;

REVOKE ALL ON FUNCTION public.search_catalog(p_query text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.search_catalog(p_query text, p_limit integer) TO service_role;

-- Communications store and Signal: FORCE RLS, least-privilege grants, language-aware full-text search with
-- unaccent, the API-key resolver, and the optional pgvector column (ADR 0006).
-- unaccent and pg_trgm are trusted extensions: the database owner may create them without superuser.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- One configuration per supported language: the language's stemmer after unaccent, so "réunion" finds "reunion".
-- Japanese and Chinese have no stemmer; the app segments their words (Intl.Segmenter) before indexing.
DO $$
DECLARE
  pair text[];
BEGIN
  FOREACH pair SLICE 1 IN ARRAY ARRAY[
    ['panops_en', 'english'], ['panops_es', 'spanish'], ['panops_fr', 'french'], ['panops_de', 'german'],
    ['panops_pt', 'portuguese'], ['panops_it', 'italian'], ['panops_nl', 'dutch'], ['panops_ar', 'arabic'],
    ['panops_simple', 'simple']
  ] LOOP
    EXECUTE format('CREATE TEXT SEARCH CONFIGURATION public.%I (COPY = pg_catalog.%I)', pair[1], pair[2]);
    EXECUTE format(
      'ALTER TEXT SEARCH CONFIGURATION public.%I ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, %s',
      pair[1], CASE WHEN pair[2] = 'simple' THEN 'simple' ELSE pair[2] || '_stem' END);
  END LOOP;
END
$$;--> statement-breakpoint
ALTER TABLE "communications" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "communication_purges" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "api_keys" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "api_auth_failures" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "signal_sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "signal_turns" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Communications are deleted when consent is withdrawn (the purge), never edited.
GRANT SELECT, INSERT, DELETE ON "communications" TO panops_app;--> statement-breakpoint
GRANT SELECT, INSERT ON "communication_purges" TO panops_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "api_keys", "signal_sessions", "signal_turns" TO panops_app;--> statement-breakpoint
-- Failed ingestion sign-ins: the app adds rows and cannot read them (insert-only policy); operators read them
-- with database access.
GRANT INSERT ON "api_auth_failures" TO panops_app;--> statement-breakpoint
-- Before the tenant is known, an ingestion request's key goes through this one narrow function: the SHA-256 of an
-- exact key in, its customer and key id out; revoked and unknown keys both yield no row.
GRANT SELECT ON "api_keys" TO panops_resolver;--> statement-breakpoint
CREATE POLICY "api_keys_resolver_read" ON "api_keys" FOR SELECT TO panops_resolver USING (true);--> statement-breakpoint
CREATE FUNCTION resolve_api_key(p_key_hash text)
RETURNS TABLE (customer_id uuid, api_key_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT k.customer_id, k.id FROM public.api_keys k WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL
$$;--> statement-breakpoint
ALTER FUNCTION resolve_api_key(text) OWNER TO panops_resolver;--> statement-breakpoint
REVOKE ALL ON FUNCTION resolve_api_key(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION resolve_api_key(text) TO panops_app;--> statement-breakpoint
-- Semantic retrieval where pgvector is installed; without it the product runs on full-text search alone.
-- The column has no fixed dimension because the embedding model is chosen by configuration.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector')
     AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    BEGIN
      CREATE EXTENSION vector;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pgvector is installed but this role may not create it; Signal uses full-text search only';
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    EXECUTE 'ALTER TABLE "communications" ADD COLUMN "embedding" vector';
  END IF;
END
$$;

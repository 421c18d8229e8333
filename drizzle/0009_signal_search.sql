-- Signal's full-text search under row-level security (RLS stays forced on communications).
-- PostgreSQL never uses an index for a non-LEAKPROOF operator ahead of an RLS policy, and tsvector's @@ is not
-- leakproof (only a superuser could mark it so), so under the tenant policy every search read the whole table:
-- seconds over a million records. This function is the one narrow way around it, like resolve_access_token: owned
-- by panops_search, whose policy on communications is `true`, it applies the tenant filter itself from the same
-- transaction-local `app.customer_id` the policy reads, so the GIN index serves the match. Callers pass values only;
-- they cannot add predicates of their own inside it (a SECURITY DEFINER function is never inlined), so nothing can
-- run over another tenant's rows — unlike a view, whose caller-supplied conditions could be evaluated before the
-- tenant filter. It returns ids and what ranking needs, never content; records are read through the table's policy.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'panops_search') THEN
    CREATE ROLE panops_search NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  -- Needed to hand the function to panops_search (PostgreSQL 16+ requires SET on the new owner).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT panops_search TO %I', current_user);
  END IF;
END
$$;--> statement-breakpoint
GRANT USAGE, CREATE ON SCHEMA public TO panops_search;--> statement-breakpoint
GRANT SELECT ON "communications" TO panops_search;--> statement-breakpoint
CREATE POLICY "communications_search_read" ON "communications" FOR SELECT TO panops_search USING (true);--> statement-breakpoint
-- The newest p_limit records of the current tenant matching p_query within the optional scope. Dynamic SQL over
-- fixed fragments so each call is planned for its own terms (a rare word uses the GIN index, a common one walks
-- the time index backwards); every value goes through USING.
CREATE FUNCTION communication_matches(
  p_query tsquery, p_channels text[], p_from timestamptz, p_to timestamptz, p_employee_ids uuid[], p_limit integer
) RETURNS TABLE (id uuid, occurred_at timestamptz, fts_config regconfig, fts tsvector)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
DECLARE
  v_tenant uuid := nullif(current_setting('app.customer_id', true), '')::uuid;
  v_sql text := 'SELECT c.id, c.occurred_at, c.fts_config, c.fts FROM public.communications c '
             || 'WHERE c.customer_id = $1 AND c.fts @@ $2';
BEGIN
  IF v_tenant IS NULL THEN
    RETURN;
  END IF;
  IF p_channels IS NOT NULL THEN v_sql := v_sql || ' AND c.channel = ANY ($3)'; END IF;
  IF p_from IS NOT NULL THEN v_sql := v_sql || ' AND c.occurred_at >= $4'; END IF;
  IF p_to IS NOT NULL THEN v_sql := v_sql || ' AND c.occurred_at < $5'; END IF;
  IF p_employee_ids IS NOT NULL THEN v_sql := v_sql || ' AND c.employee_id = ANY ($6)'; END IF;
  v_sql := v_sql || ' ORDER BY c.occurred_at DESC LIMIT $7';
  RETURN QUERY EXECUTE v_sql USING v_tenant, p_query, p_channels, p_from, p_to, p_employee_ids, least(greatest(p_limit, 0), 5000);
END
$fn$;--> statement-breakpoint
ALTER FUNCTION communication_matches(tsquery, text[], timestamptz, timestamptz, uuid[], integer) OWNER TO panops_search;--> statement-breakpoint
REVOKE ALL ON FUNCTION communication_matches(tsquery, text[], timestamptz, timestamptz, uuid[], integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION communication_matches(tsquery, text[], timestamptz, timestamptz, uuid[], integer) TO panops_app;

-- Custom SQL migration file, put your code below! --
-- Roles, FORCE RLS, least-privilege grants, the append-only guard on the consent ledger, the one narrow
-- token resolver and the point-in-time consent function. drizzle-kit emits none of these (see ADR 0002).
DO $$
BEGIN
  -- Roles are cluster-wide; a DBA may pre-create panops_app WITH LOGIN PASSWORD, and then this leaves it alone.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'panops_app') THEN
    CREATE ROLE panops_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'panops_resolver') THEN
    CREATE ROLE panops_resolver NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  -- Needed to hand the resolver functions to panops_resolver (PostgreSQL 16+ requires SET on the new owner).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT panops_resolver TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
ALTER TABLE "customers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "employees" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_links" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "consent_manage_tokens" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "consent_notices" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "consent_notice_versions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notice_views" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "consent_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "employee_consent" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "identity_confirmations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "identity_corrections" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO panops_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "customers", "employees", "enrollment_links", "consent_manage_tokens",
  "employee_consent", "identity_corrections" TO panops_app;--> statement-breakpoint
-- Immutable records: no UPDATE, no DELETE for the application.
GRANT SELECT, INSERT ON "consent_notices", "consent_notice_versions", "notice_views", "consent_events",
  "identity_confirmations" TO panops_app;--> statement-breakpoint
CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;--> statement-breakpoint
CREATE TRIGGER consent_events_no_update_delete BEFORE UPDATE OR DELETE ON "consent_events"
  FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();--> statement-breakpoint
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON "consent_events"
  FOR EACH STATEMENT EXECUTE FUNCTION consent_events_append_only();--> statement-breakpoint
-- The resolver may read exactly the columns needed to turn a secret into (customer, employee), in any tenant.
GRANT USAGE, CREATE ON SCHEMA public TO panops_resolver;--> statement-breakpoint
GRANT SELECT ON "enrollment_links", "consent_manage_tokens", "customers" TO panops_resolver;--> statement-breakpoint
CREATE POLICY "enrollment_links_resolver_read" ON "enrollment_links" FOR SELECT TO panops_resolver USING (true);--> statement-breakpoint
CREATE POLICY "consent_manage_tokens_resolver_read" ON "consent_manage_tokens" FOR SELECT TO panops_resolver USING (true);--> statement-breakpoint
CREATE POLICY "customers_resolver_read" ON "customers" FOR SELECT TO panops_resolver USING (true);--> statement-breakpoint
-- Before the tenant is known, this is the only way in: an exact secret in, its owner's ids out.
-- Unknown and malformed tokens both yield no row, so callers cannot tell them apart.
CREATE FUNCTION resolve_access_token(p_kind text, p_token text)
RETURNS TABLE (customer_id uuid, employee_id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF p_kind = 'enroll' AND p_token ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' THEN
    RETURN QUERY SELECT l.customer_id, l.employee_id FROM public.enrollment_links l WHERE l.token = p_token::uuid;
  ELSIF p_kind = 'manage' AND p_token ~ '^[0-9a-f]{64}$' THEN
    RETURN QUERY SELECT m.customer_id, m.employee_id FROM public.consent_manage_tokens m
      WHERE m.token_hash = p_token AND m.revoked_at IS NULL;
  END IF;
END
$$;--> statement-breakpoint
-- For operator scripts (ledger check, first-start seeding) that must visit every tenant one at a time.
CREATE FUNCTION list_tenant_ids() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT id FROM public.customers ORDER BY created_at, id
$$;--> statement-breakpoint
ALTER FUNCTION resolve_access_token(text, text) OWNER TO panops_resolver;--> statement-breakpoint
ALTER FUNCTION list_tenant_ids() OWNER TO panops_resolver;--> statement-breakpoint
REVOKE ALL ON FUNCTION resolve_access_token(text, text) FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION list_tenant_ids() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION resolve_access_token(text, text) TO panops_app;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION list_tenant_ids() TO panops_app;--> statement-breakpoint
-- Point in time: which channels had valid consent for an employee at T. SECURITY INVOKER, so RLS scopes it.
CREATE FUNCTION consented_channels_at(p_employee_id uuid, p_at timestamptz) RETURNS text[]
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, public AS $$
  SELECT coalesce(array_agg(latest.channel ORDER BY latest.channel), '{}')
  FROM (
    SELECT DISTINCT ON (e.channel) e.channel, e.decision
    FROM public.consent_events e
    WHERE e.employee_id = p_employee_id AND e.occurred_at <= p_at
    ORDER BY e.channel, e.occurred_at DESC, e.seq DESC
  ) latest
  WHERE latest.decision = 'grant'
$$;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION consented_channels_at(uuid, timestamptz) TO panops_app;

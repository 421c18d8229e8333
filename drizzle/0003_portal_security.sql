-- Custom SQL migration file, put your code below! --
-- Portal and sign-in tables: FORCE RLS, least-privilege grants, the append-only audit log and the one narrow
-- function through which an operator lists customers before choosing one (see ADR 0005).
ALTER TABLE "auth_users" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "auth_sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "auth_accounts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "auth_verifications" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "auth_rate_limits" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "auth_login_failures" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "customer_users" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "onboarding_sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "checklist_items" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "session_step_marks" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "roster_mappings" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "roster_imports" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "roster_import_rows" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "email_messages" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "post_onboarding_checks" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Sign-in tables: visible only to connections opened with app.auth_context=on (the policy), i.e. the auth pool.
GRANT SELECT, INSERT, UPDATE, DELETE ON "auth_users", "auth_sessions", "auth_accounts", "auth_verifications",
  "auth_rate_limits", "auth_login_failures" TO panops_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "customer_users", "onboarding_sessions", "checklist_items", "roster_mappings",
  "roster_imports", "email_messages", "post_onboarding_checks" TO panops_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "session_step_marks" TO panops_app;--> statement-breakpoint
-- Staged upload rows are deleted once the import is applied or discarded.
GRANT SELECT, INSERT, DELETE ON "roster_import_rows" TO panops_app;--> statement-breakpoint
-- The audit log is append-only for the application, like the consent ledger.
GRANT SELECT, INSERT ON "audit_log" TO panops_app;--> statement-breakpoint
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();--> statement-breakpoint
-- Operators see every customer's name before choosing one to work on; nothing else crosses tenants.
CREATE FUNCTION operator_customer_list()
RETURNS TABLE (id uuid, name varchar, ceo_name varchar, output_language varchar, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT c.id, c.name, c.ceo_name, c.output_language, c.created_at FROM public.customers c ORDER BY c.created_at DESC, c.id
$$;--> statement-breakpoint
ALTER FUNCTION operator_customer_list() OWNER TO panops_resolver;--> statement-breakpoint
REVOKE ALL ON FUNCTION operator_customer_list() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION operator_customer_list() TO panops_app;

-- Signal's full-text search under row-level security (ADR 0006 keeps RLS forced on communications).
-- PostgreSQL never uses an index for a non-LEAKPROOF operator ahead of an RLS policy, and tsvector's @@ is not
-- leakproof (only a superuser could mark it so), so under the tenant policy every search read the whole table:
-- seconds over a million records. This view is the one way around it: owned by panops_search, whose policy on
-- communications is `true`, it applies the tenant filter itself — the same `app.customer_id` setting the policy
-- reads — so the GIN index serves the match. It exposes no content (ids, channel, time, language configuration,
-- tsvector); the records themselves are still read through the table and its policy. Not a security_barrier view on
-- purpose: that would bring the same restriction back. The app role cannot create functions to abuse that.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'panops_search') THEN
    CREATE ROLE panops_search NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  -- Needed to hand the view to panops_search (PostgreSQL 16+ requires SET on the new owner).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT panops_search TO %I', current_user);
  END IF;
END
$$;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO panops_search;--> statement-breakpoint
GRANT SELECT ON "communications" TO panops_search;--> statement-breakpoint
CREATE POLICY "communications_search_read" ON "communications" FOR SELECT TO panops_search USING (true);--> statement-breakpoint
CREATE VIEW "communications_search" AS
  SELECT c.id, c.customer_id, c.employee_id, c.channel, c.occurred_at, c.fts_config, c.fts
  FROM public.communications c
  WHERE c.customer_id = nullif(current_setting('app.customer_id', true), '')::uuid;--> statement-breakpoint
ALTER VIEW "communications_search" OWNER TO panops_search;--> statement-breakpoint
GRANT SELECT ON "communications_search" TO panops_app;

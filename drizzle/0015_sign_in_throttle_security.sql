-- Custom SQL migration file, put your code below! --
-- The sign-in throttle (ADR 0012) is a sign-in table like the others of ADR 0005: FORCE RLS, and the policy admits
-- only the auth pool's connections (app.auth_context=on). Counters are reset and forgotten, so the app may delete.
ALTER TABLE "auth_sign_in_throttle" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "auth_sign_in_throttle" TO panops_app;

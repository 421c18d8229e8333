DROP POLICY "auth_login_failures_auth_context" ON "auth_login_failures" CASCADE;--> statement-breakpoint
DROP TABLE "auth_login_failures" CASCADE;
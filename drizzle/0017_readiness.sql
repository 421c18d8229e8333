-- Custom SQL migration file, put your code below! --
-- /readyz answers ready only when the database has exactly the migrations this build ships, which it reads from
-- drizzle's own bookkeeping table as the runtime role. Read access to that one table; nothing else in its schema.
GRANT USAGE ON SCHEMA drizzle TO panops_app;--> statement-breakpoint
GRANT SELECT ON drizzle.__drizzle_migrations TO panops_app;

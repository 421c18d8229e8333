CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"actor_user_id" text NOT NULL,
	"actor_email" text NOT NULL,
	"actor_role" text NOT NULL,
	"action" varchar(60) NOT NULL,
	"target" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ip_address" text,
	"user_agent" text,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "auth_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"user_id" text NOT NULL,
	"access_token" text,
	"refresh_token" text,
	"id_token" text,
	"access_token_expires_at" timestamp with time zone,
	"refresh_token_expires_at" timestamp with time zone,
	"scope" text,
	"password" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "auth_accounts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "auth_login_failures" (
	"email" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_failure_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "auth_login_failures" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "auth_rate_limits" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"count" integer NOT NULL,
	"last_request" bigint NOT NULL,
	CONSTRAINT "auth_rate_limits_key_unique" UNIQUE("key")
);
--> statement-breakpoint
ALTER TABLE "auth_rate_limits" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "auth_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"token" text NOT NULL,
	"ip_address" text,
	"user_agent" text,
	"user_id" text NOT NULL,
	"active_customer_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auth_sessions_token_unique" UNIQUE("token")
);
--> statement-breakpoint
ALTER TABLE "auth_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "auth_users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"email_verified" boolean DEFAULT false NOT NULL,
	"image" text,
	"role" text NOT NULL,
	"customer_id" uuid,
	"language" varchar(2),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auth_users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "auth_users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "auth_verifications" (
	"id" text PRIMARY KEY NOT NULL,
	"identifier" text NOT NULL,
	"value" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "auth_verifications" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "checklist_items" (
	"customer_id" uuid NOT NULL,
	"item" varchar(40) NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"note" text,
	"updated_at" timestamp with time zone,
	"updated_by" text,
	CONSTRAINT "checklist_items_customer_id_item_pk" PRIMARY KEY("customer_id","item")
);
--> statement-breakpoint
ALTER TABLE "checklist_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "customer_users" (
	"user_id" text PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"role" text NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"invited_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "email_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" varchar(40) NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text,
	"status" text NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "email_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "onboarding_sessions" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"scheduled_for" timestamp with time zone,
	"started_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"checklist_sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "onboarding_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "post_onboarding_checks" (
	"customer_id" uuid NOT NULL,
	"check" varchar(40) NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"result" jsonb,
	"evaluated_at" timestamp with time zone,
	CONSTRAINT "post_onboarding_checks_customer_id_check_pk" PRIMARY KEY("customer_id","check")
);
--> statement-breakpoint
ALTER TABLE "post_onboarding_checks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "roster_import_rows" (
	"import_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"values" jsonb NOT NULL,
	CONSTRAINT "roster_import_rows_import_id_row_number_pk" PRIMARY KEY("import_id","row_number")
);
--> statement-breakpoint
ALTER TABLE "roster_import_rows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "roster_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_hash" varchar(64) NOT NULL,
	"headers" jsonb NOT NULL,
	"delimiter" varchar(1) NOT NULL,
	"row_count" integer NOT NULL,
	"status" text DEFAULT 'uploaded' NOT NULL,
	"mapping" jsonb,
	"summary" jsonb,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "roster_imports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "roster_mappings" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"mapping" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "roster_mappings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "session_step_marks" (
	"customer_id" uuid NOT NULL,
	"step" integer NOT NULL,
	"done_at" timestamp with time zone NOT NULL,
	"done_by" text NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "session_step_marks_customer_id_step_pk" PRIMARY KEY("customer_id","step")
);
--> statement-breakpoint
ALTER TABLE "session_step_marks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "left_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrollment_links" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrollment_links" ADD COLUMN "sent_via" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auth_accounts" ADD CONSTRAINT "auth_accounts_user_id_auth_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."auth_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_auth_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."auth_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_users" ADD CONSTRAINT "customer_users_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "onboarding_sessions" ADD CONSTRAINT "onboarding_sessions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_onboarding_checks" ADD CONSTRAINT "post_onboarding_checks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_import_rows" ADD CONSTRAINT "roster_import_rows_import_id_roster_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."roster_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_import_rows" ADD CONSTRAINT "roster_import_rows_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_imports" ADD CONSTRAINT "roster_imports_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_mappings" ADD CONSTRAINT "roster_mappings_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_step_marks" ADD CONSTRAINT "session_step_marks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_customer_time" ON "audit_log" USING btree ("customer_id","occurred_at");--> statement-breakpoint
CREATE INDEX "auth_accounts_user" ON "auth_accounts" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "auth_sessions_user" ON "auth_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "auth_verifications_identifier" ON "auth_verifications" USING btree ("identifier");--> statement-breakpoint
CREATE INDEX "customer_users_customer" ON "customer_users" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "email_messages_customer" ON "email_messages" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "post_onboarding_checks_due" ON "post_onboarding_checks" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "roster_imports_customer" ON "roster_imports" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE POLICY "audit_log_tenant_isolation" ON "audit_log" AS PERMISSIVE FOR ALL TO public USING ("audit_log"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("audit_log"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "auth_accounts_auth_context" ON "auth_accounts" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.auth_context', true) = 'on') WITH CHECK (current_setting('app.auth_context', true) = 'on');--> statement-breakpoint
CREATE POLICY "auth_login_failures_auth_context" ON "auth_login_failures" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.auth_context', true) = 'on') WITH CHECK (current_setting('app.auth_context', true) = 'on');--> statement-breakpoint
CREATE POLICY "auth_rate_limits_auth_context" ON "auth_rate_limits" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.auth_context', true) = 'on') WITH CHECK (current_setting('app.auth_context', true) = 'on');--> statement-breakpoint
CREATE POLICY "auth_sessions_auth_context" ON "auth_sessions" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.auth_context', true) = 'on') WITH CHECK (current_setting('app.auth_context', true) = 'on');--> statement-breakpoint
CREATE POLICY "auth_users_auth_context" ON "auth_users" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.auth_context', true) = 'on') WITH CHECK (current_setting('app.auth_context', true) = 'on');--> statement-breakpoint
CREATE POLICY "auth_verifications_auth_context" ON "auth_verifications" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.auth_context', true) = 'on') WITH CHECK (current_setting('app.auth_context', true) = 'on');--> statement-breakpoint
CREATE POLICY "checklist_items_tenant_isolation" ON "checklist_items" AS PERMISSIVE FOR ALL TO public USING ("checklist_items"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("checklist_items"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "customer_users_tenant_isolation" ON "customer_users" AS PERMISSIVE FOR ALL TO public USING ("customer_users"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("customer_users"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "email_messages_tenant_isolation" ON "email_messages" AS PERMISSIVE FOR ALL TO public USING ("email_messages"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("email_messages"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "onboarding_sessions_tenant_isolation" ON "onboarding_sessions" AS PERMISSIVE FOR ALL TO public USING ("onboarding_sessions"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("onboarding_sessions"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "post_onboarding_checks_tenant_isolation" ON "post_onboarding_checks" AS PERMISSIVE FOR ALL TO public USING ("post_onboarding_checks"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("post_onboarding_checks"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "roster_import_rows_tenant_isolation" ON "roster_import_rows" AS PERMISSIVE FOR ALL TO public USING ("roster_import_rows"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("roster_import_rows"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "roster_imports_tenant_isolation" ON "roster_imports" AS PERMISSIVE FOR ALL TO public USING ("roster_imports"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("roster_imports"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "roster_mappings_tenant_isolation" ON "roster_mappings" AS PERMISSIVE FOR ALL TO public USING ("roster_mappings"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("roster_mappings"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "session_step_marks_tenant_isolation" ON "session_step_marks" AS PERMISSIVE FOR ALL TO public USING ("session_step_marks"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("session_step_marks"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);
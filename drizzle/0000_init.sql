CREATE TABLE "consent_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"employee_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"channel" text NOT NULL,
	"decision" text NOT NULL,
	"notice_version_id" uuid NOT NULL,
	"language" varchar(2) NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"ip_address" varchar(64),
	"user_agent" varchar(512),
	"idempotency_key" varchar(100) NOT NULL,
	"prev_hash" varchar(64) NOT NULL,
	"hash" varchar(64) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consent_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "consent_manage_tokens" (
	"token_hash" varchar(64) PRIMARY KEY NOT NULL,
	"employee_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "consent_manage_tokens" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "consent_notice_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"notice_id" uuid NOT NULL,
	"language" varchar(2) NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"content_hash" varchar(64) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consent_notice_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "consent_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"slug" varchar(100) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consent_notices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" varchar(200) NOT NULL,
	"ceo_name" varchar(200) NOT NULL,
	"output_language" varchar(2) NOT NULL,
	"channels" jsonb NOT NULL,
	"contact_email" varchar(320),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "employee_consent" (
	"employee_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"email" varchar(320) NOT NULL,
	"display_name" varchar(200) NOT NULL,
	"enrollment_timestamp" timestamp with time zone NOT NULL,
	"consent_version" varchar(50) NOT NULL,
	"channels_consented" jsonb NOT NULL,
	"ip_address" varchar(64),
	"user_agent" varchar(512),
	"revoked" boolean DEFAULT false NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "employee_consent" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "employees" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"email" varchar(320) NOT NULL,
	"display_name" varchar(200) NOT NULL,
	"location" varchar(200),
	"role" varchar(200),
	"department" varchar(200),
	"platform_ids" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "employees" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "enrollment_links" (
	"token" uuid PRIMARY KEY NOT NULL,
	"employee_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"opened_at" timestamp with time zone,
	"used_at" timestamp with time zone,
	"status" text DEFAULT 'active' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "enrollment_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "identity_confirmations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"employee_id" uuid NOT NULL,
	"directory" jsonb NOT NULL,
	"confirmed" jsonb NOT NULL,
	"corrected" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identity_confirmations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "identity_corrections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"employee_id" uuid NOT NULL,
	"confirmation_id" uuid NOT NULL,
	"field" varchar(50) NOT NULL,
	"old_value" text,
	"new_value" text NOT NULL,
	"status" text DEFAULT 'pending_review' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identity_corrections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "notice_views" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"employee_id" uuid NOT NULL,
	"notice_version_id" uuid NOT NULL,
	"language" varchar(2) NOT NULL,
	"shown_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notice_views" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_notice_version_id_consent_notice_versions_id_fk" FOREIGN KEY ("notice_version_id") REFERENCES "public"."consent_notice_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_manage_tokens" ADD CONSTRAINT "consent_manage_tokens_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_manage_tokens" ADD CONSTRAINT "consent_manage_tokens_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_notice_versions" ADD CONSTRAINT "consent_notice_versions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_notice_versions" ADD CONSTRAINT "consent_notice_versions_notice_id_consent_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."consent_notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_notices" ADD CONSTRAINT "consent_notices_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employee_consent" ADD CONSTRAINT "employee_consent_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employee_consent" ADD CONSTRAINT "employee_consent_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employees" ADD CONSTRAINT "employees_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_links" ADD CONSTRAINT "enrollment_links_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_links" ADD CONSTRAINT "enrollment_links_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_confirmations" ADD CONSTRAINT "identity_confirmations_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_confirmations" ADD CONSTRAINT "identity_confirmations_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_corrections" ADD CONSTRAINT "identity_corrections_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_corrections" ADD CONSTRAINT "identity_corrections_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_corrections" ADD CONSTRAINT "identity_corrections_confirmation_id_identity_confirmations_id_fk" FOREIGN KEY ("confirmation_id") REFERENCES "public"."identity_confirmations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_views" ADD CONSTRAINT "notice_views_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_views" ADD CONSTRAINT "notice_views_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_views" ADD CONSTRAINT "notice_views_notice_version_id_consent_notice_versions_id_fk" FOREIGN KEY ("notice_version_id") REFERENCES "public"."consent_notice_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "consent_events_idempotency" ON "consent_events" USING btree ("customer_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "consent_events_employee_seq" ON "consent_events" USING btree ("employee_id","seq");--> statement-breakpoint
CREATE INDEX "consent_events_employee_channel_time" ON "consent_events" USING btree ("customer_id","employee_id","channel","occurred_at");--> statement-breakpoint
CREATE INDEX "consent_manage_tokens_employee" ON "consent_manage_tokens" USING btree ("customer_id","employee_id");--> statement-breakpoint
CREATE UNIQUE INDEX "consent_notice_versions_notice_lang_version" ON "consent_notice_versions" USING btree ("notice_id","language","version");--> statement-breakpoint
CREATE UNIQUE INDEX "consent_notice_versions_notice_lang_hash" ON "consent_notice_versions" USING btree ("notice_id","language","content_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "consent_notices_customer_slug" ON "consent_notices" USING btree ("customer_id","slug");--> statement-breakpoint
CREATE INDEX "employee_consent_customer" ON "employee_consent" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "employees_customer_email_ci" ON "employees" USING btree ("customer_id",lower("email"));--> statement-breakpoint
CREATE INDEX "enrollment_links_customer_employee" ON "enrollment_links" USING btree ("customer_id","employee_id");--> statement-breakpoint
CREATE INDEX "identity_confirmations_employee" ON "identity_confirmations" USING btree ("customer_id","employee_id");--> statement-breakpoint
CREATE INDEX "identity_corrections_customer_status" ON "identity_corrections" USING btree ("customer_id","status");--> statement-breakpoint
CREATE INDEX "notice_views_employee" ON "notice_views" USING btree ("customer_id","employee_id");--> statement-breakpoint
CREATE POLICY "consent_events_tenant_isolation" ON "consent_events" AS PERMISSIVE FOR ALL TO public USING ("consent_events"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("consent_events"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "consent_manage_tokens_tenant_isolation" ON "consent_manage_tokens" AS PERMISSIVE FOR ALL TO public USING ("consent_manage_tokens"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("consent_manage_tokens"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "consent_notice_versions_tenant_isolation" ON "consent_notice_versions" AS PERMISSIVE FOR ALL TO public USING ("consent_notice_versions"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("consent_notice_versions"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "consent_notices_tenant_isolation" ON "consent_notices" AS PERMISSIVE FOR ALL TO public USING ("consent_notices"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("consent_notices"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "customers_tenant_isolation" ON "customers" AS PERMISSIVE FOR ALL TO public USING ("customers"."id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("customers"."id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "employee_consent_tenant_isolation" ON "employee_consent" AS PERMISSIVE FOR ALL TO public USING ("employee_consent"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("employee_consent"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "employees_tenant_isolation" ON "employees" AS PERMISSIVE FOR ALL TO public USING ("employees"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("employees"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "enrollment_links_tenant_isolation" ON "enrollment_links" AS PERMISSIVE FOR ALL TO public USING ("enrollment_links"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("enrollment_links"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "identity_confirmations_tenant_isolation" ON "identity_confirmations" AS PERMISSIVE FOR ALL TO public USING ("identity_confirmations"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("identity_confirmations"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "identity_corrections_tenant_isolation" ON "identity_corrections" AS PERMISSIVE FOR ALL TO public USING ("identity_corrections"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("identity_corrections"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "notice_views_tenant_isolation" ON "notice_views" AS PERMISSIVE FOR ALL TO public USING ("notice_views"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("notice_views"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);
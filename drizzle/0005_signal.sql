CREATE TABLE "api_auth_failures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ip_address" varchar(64),
	"user_agent" varchar(512),
	"key_prefix" varchar(20),
	"reason" varchar(40) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_auth_failures" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"label" varchar(100) NOT NULL,
	"prefix" varchar(20) NOT NULL,
	"key_hash" varchar(64) NOT NULL,
	"created_by_user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "communication_purges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"employee_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"consent_event_id" uuid NOT NULL,
	"removed_count" integer NOT NULL,
	"purged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "communication_purges" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "communications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"employee_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"platform" varchar(40) NOT NULL,
	"external_id" varchar(300) NOT NULL,
	"thread_id" varchar(300),
	"occurred_at" timestamp with time zone NOT NULL,
	"participants" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"language" varchar(2) NOT NULL,
	"fts_config" "regconfig" NOT NULL,
	"fts" "tsvector" NOT NULL,
	"consent_event_id" uuid NOT NULL,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "communications" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signal_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"title" varchar(200) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "signal_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signal_turns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"turn_index" integer NOT NULL,
	"query" text NOT NULL,
	"response" text NOT NULL,
	"retrieved_record_ids" uuid[] NOT NULL,
	"scope" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"model_used" varchar(200) NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"error_code" varchar(60),
	"language" varchar(2) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "signal_turns" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "communication_purges" ADD CONSTRAINT "communication_purges_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "communication_purges" ADD CONSTRAINT "communication_purges_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "communication_purges" ADD CONSTRAINT "communication_purges_consent_event_id_consent_events_id_fk" FOREIGN KEY ("consent_event_id") REFERENCES "public"."consent_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "communications" ADD CONSTRAINT "communications_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "communications" ADD CONSTRAINT "communications_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "communications" ADD CONSTRAINT "communications_consent_event_id_consent_events_id_fk" FOREIGN KEY ("consent_event_id") REFERENCES "public"."consent_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_sessions" ADD CONSTRAINT "signal_sessions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_turns" ADD CONSTRAINT "signal_turns_session_id_signal_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."signal_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_turns" ADD CONSTRAINT "signal_turns_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_auth_failures_time" ON "api_auth_failures" USING btree ("occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_customer" ON "api_keys" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "communication_purges_event" ON "communication_purges" USING btree ("consent_event_id");--> statement-breakpoint
CREATE INDEX "communication_purges_employee" ON "communication_purges" USING btree ("customer_id","employee_id");--> statement-breakpoint
CREATE UNIQUE INDEX "communications_external" ON "communications" USING btree ("customer_id","platform","external_id");--> statement-breakpoint
CREATE INDEX "communications_customer_time" ON "communications" USING btree ("customer_id","occurred_at");--> statement-breakpoint
CREATE INDEX "communications_employee_channel" ON "communications" USING btree ("customer_id","employee_id","channel");--> statement-breakpoint
CREATE INDEX "communications_fts" ON "communications" USING gin ("fts");--> statement-breakpoint
CREATE INDEX "signal_sessions_user" ON "signal_sessions" USING btree ("customer_id","user_id","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "signal_turns_session_index" ON "signal_turns" USING btree ("session_id","turn_index");--> statement-breakpoint
CREATE INDEX "signal_turns_customer_time" ON "signal_turns" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE POLICY "api_auth_failures_insert_only" ON "api_auth_failures" AS PERMISSIVE FOR INSERT TO public WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "api_keys_tenant_isolation" ON "api_keys" AS PERMISSIVE FOR ALL TO public USING ("api_keys"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("api_keys"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "communication_purges_tenant_isolation" ON "communication_purges" AS PERMISSIVE FOR ALL TO public USING ("communication_purges"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("communication_purges"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "communications_tenant_isolation" ON "communications" AS PERMISSIVE FOR ALL TO public USING ("communications"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("communications"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "signal_sessions_tenant_isolation" ON "signal_sessions" AS PERMISSIVE FOR ALL TO public USING ("signal_sessions"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("signal_sessions"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "signal_turns_tenant_isolation" ON "signal_turns" AS PERMISSIVE FOR ALL TO public USING ("signal_turns"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("signal_turns"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);
CREATE TABLE "enrollment_cell_tallies" (
	"customer_id" uuid NOT NULL,
	"department" varchar(200),
	"location" varchar(200),
	"employees" integer NOT NULL,
	"respondents" integer NOT NULL,
	"allowed_email" integer NOT NULL,
	"allowed_messaging" integer NOT NULL,
	"allowed_video" integer NOT NULL,
	"allowed_sms_voice" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "enrollment_cell_tallies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "enrollment_link_tallies" (
	"customer_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"opened" boolean NOT NULL,
	"sent" boolean NOT NULL,
	"links" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "enrollment_link_tallies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "enrollment_response_tallies" (
	"customer_id" uuid NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"respondents" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "enrollment_response_tallies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "employee_consent_customer";--> statement-breakpoint
ALTER TABLE "enrollment_cell_tallies" ADD CONSTRAINT "enrollment_cell_tallies_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_link_tallies" ADD CONSTRAINT "enrollment_link_tallies_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_response_tallies" ADD CONSTRAINT "enrollment_response_tallies_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enrollment_cell_tallies_customer" ON "enrollment_cell_tallies" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "enrollment_link_tallies_customer" ON "enrollment_link_tallies" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "enrollment_response_tallies_customer" ON "enrollment_response_tallies" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "employee_consent_customer_time" ON "employee_consent" USING btree ("customer_id","enrollment_timestamp");--> statement-breakpoint
CREATE INDEX "employees_current_search" ON "employees" USING gin (("display_name" || ' ' || "email") gin_trgm_ops) WHERE "employees"."left_at" is null;--> statement-breakpoint
CREATE POLICY "enrollment_cell_tallies_tenant_isolation" ON "enrollment_cell_tallies" AS PERMISSIVE FOR ALL TO public USING ("enrollment_cell_tallies"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("enrollment_cell_tallies"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "enrollment_link_tallies_tenant_isolation" ON "enrollment_link_tallies" AS PERMISSIVE FOR ALL TO public USING ("enrollment_link_tallies"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("enrollment_link_tallies"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "enrollment_response_tallies_tenant_isolation" ON "enrollment_response_tallies" AS PERMISSIVE FOR ALL TO public USING ("enrollment_response_tallies"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid) WITH CHECK ("enrollment_response_tallies"."customer_id" = nullif(current_setting('app.customer_id', true), '')::uuid);
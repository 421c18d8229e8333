CREATE INDEX "employees_current_name" ON "employees" USING btree ("customer_id","display_name","email") WHERE "employees"."left_at" is null;--> statement-breakpoint
CREATE INDEX "employees_current" ON "employees" USING btree ("customer_id") WHERE "employees"."left_at" is null;--> statement-breakpoint
CREATE INDEX "employees_left" ON "employees" USING btree ("customer_id","id") WHERE "employees"."left_at" is not null;--> statement-breakpoint
CREATE INDEX "enrollment_links_active_employee" ON "enrollment_links" USING btree ("employee_id") WHERE "enrollment_links"."status" = 'active';--> statement-breakpoint
CREATE INDEX "enrollment_links_customer_created" ON "enrollment_links" USING btree ("customer_id","created_at");
CREATE TABLE "auth_sign_in_throttle" (
	"account" text NOT NULL,
	"scope" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"attempts" integer NOT NULL,
	"last_attempt_at" timestamp with time zone NOT NULL,
	"next_attempt_at" timestamp with time zone,
	CONSTRAINT "auth_sign_in_throttle_account_scope_subject_pk" PRIMARY KEY("account","scope","subject")
);
--> statement-breakpoint
ALTER TABLE "auth_sign_in_throttle" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "auth_sign_in_throttle_last_attempt" ON "auth_sign_in_throttle" USING btree ("last_attempt_at");--> statement-breakpoint
CREATE POLICY "auth_sign_in_throttle_auth_context" ON "auth_sign_in_throttle" AS PERMISSIVE FOR ALL TO public USING (current_setting('app.auth_context', true) = 'on') WITH CHECK (current_setting('app.auth_context', true) = 'on');
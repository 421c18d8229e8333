ALTER TABLE "onboarding_sessions" ADD COLUMN "started_not_ready_reason" text;--> statement-breakpoint
ALTER TABLE "onboarding_sessions" ADD COLUMN "closed_not_ready_reason" text;
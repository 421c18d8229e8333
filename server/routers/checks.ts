import { router } from '../trpc.ts';

/** Post-onboarding checks: status, result and the runbook's action on failure; one-click resend at 48 h. */
export const checksRouter = router({});

import { router } from '../trpc.ts';

/** Pre-onboarding checklist and the session tracker. */
export const onboardingRouter = router({});

import { createCallerFactory, router } from '../trpc.ts';
import { adminRouter } from './admin.ts';
import { apiKeysRouter } from './api-keys.ts';
import { archiveRouter } from './archive.ts';
import { checksRouter } from './checks.ts';
import { consentRouter } from './consent.ts';
import { customersRouter } from './customers.ts';
import { enrollmentRouter } from './enrollment.ts';
import { insightsRouter } from './insights.ts';
import { linksRouter } from './links.ts';
import { onboardingRouter } from './onboarding.ts';
import { rosterRouter } from './roster.ts';
import { sessionRouter } from './session.ts';
import { signalRouter } from './signal.ts';

export const appRouter = router({
  enrollment: enrollmentRouter,
  consent: consentRouter,
  session: sessionRouter,
  customers: customersRouter,
  onboarding: onboardingRouter,
  roster: rosterRouter,
  links: linksRouter,
  admin: adminRouter,
  checks: checksRouter,
  signal: signalRouter,
  apiKeys: apiKeysRouter,
  archive: archiveRouter,
  insights: insightsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

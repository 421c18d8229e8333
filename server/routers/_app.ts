import { createCallerFactory, router } from '../trpc.ts';
import { consentRouter } from './consent.ts';
import { enrollmentRouter } from './enrollment.ts';

export const appRouter = router({
  enrollment: enrollmentRouter,
  consent: consentRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

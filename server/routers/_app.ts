import { createCallerFactory, router } from '../trpc.ts';
import { consentRouter } from './consent.ts';
import { customersRouter } from './customers.ts';
import { enrollmentRouter } from './enrollment.ts';
import { sessionRouter } from './session.ts';

export const appRouter = router({
  enrollment: enrollmentRouter,
  consent: consentRouter,
  session: sessionRouter,
  customers: customersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

import { z } from 'zod';
import { ZMe, ZSelectCustomerInput, ZSetLanguageInput } from '../../shared/schemas/portal.ts';
import { describeMe, requireServices, selectCustomer, setUserLanguage } from '../services/portal.ts';
import { authedProcedure, operatorProcedure, publicProcedure, router } from '../trpc.ts';

export const sessionRouter = router({
  /** Null when signed out, so the client can route to the login page without an error. */
  me: publicProcedure
    .input(z.void())
    .output(ZMe.nullable())
    .query(({ ctx }) => (ctx.user ? describeMe({ db: ctx.db, ...requireServices(ctx.services) }, ctx.user) : null)),

  selectCustomer: operatorProcedure
    .input(ZSelectCustomerInput)
    .output(ZMe)
    .mutation(({ ctx, input }) => selectCustomer({ db: ctx.db, ...requireServices(ctx.services) }, { user: ctx.user, meta: ctx.meta }, input.customerId)),

  setLanguage: authedProcedure
    .input(ZSetLanguageInput)
    .output(ZMe)
    .mutation(({ ctx, input }) => setUserLanguage({ db: ctx.db, ...requireServices(ctx.services) }, ctx.user, input.language)),
});

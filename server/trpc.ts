/**
 * The one initTRPC. Procedures: `publicProcedure`, and the token procedures that resolve an employee's secret
 * through the SECURITY DEFINER resolver and hand the resolver a tenant-scoped transaction (`ctx.tx`), never the
 * root db. Error shapes carry `appCode` and, for validation failures, the i18n keys of each field's problem.
 */
import { initTRPC } from '@trpc/server';
import { z, ZodError } from 'zod';
import { ZEnrollmentTokenInput } from '../shared/schemas/enrollment.ts';
import { ZManageTokenInput } from '../shared/schemas/consent.ts';
import type { Context } from './context.ts';
import { resolveAccessToken, withTenant } from './db/tenant.ts';
import type { Tx } from './db/client.ts';
import { AppError, appCodeOf, sqlStateOf } from './errors.ts';

const t = initTRPC.context<Context>().create({
  isDev: process.env.NODE_ENV === 'development',
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      message: zodError ? 'INVALID_INPUT' : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: appCodeOf(error),
        fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : undefined,
        issues: zodError?.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/**
 * A failing database (connection lost, statement refused, injected fault) is a "not saved, try again" for the
 * user, not an anonymous 500. The transaction has already rolled back when this runs.
 */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR' && sqlStateOf(result.error.cause)) {
    throw new AppError('NOT_SAVED', undefined, result.error.cause);
  }
  return result;
});

/**
 * Runs the rest of the chain inside one tenant transaction. tRPC hands middlewares a failed result instead of
 * throwing, so rethrow inside the callback to roll back, then return that same result to tRPC.
 */
async function runInTenant<R extends { ok: boolean }>(
  db: Context['db'],
  customerId: string,
  run: (tx: Tx) => Promise<R>,
): Promise<R> {
  let failure: R | undefined;
  try {
    return await withTenant(db, customerId, async (tx) => {
      const result = await run(tx);
      if (!result.ok) {
        failure = result;
        throw (result as unknown as { error: Error }).error;
      }
      return result;
    });
  } catch (error) {
    if (failure) return failure;
    throw error;
  }
}

/** Employee procedures: the tenant comes from the enrollment token, never from client input. */
export const enrollmentProcedure = publicProcedure.input(ZEnrollmentTokenInput).use(async ({ ctx, input, next }) => {
  const owner = await resolveAccessToken(ctx.db, 'enroll', input.token);
  if (!owner) throw new AppError('LINK_INVALID');
  return runInTenant(ctx.db, owner.customerId, (tx) => next({ ctx: { tx, owner } }));
});

/** The durable "manage my consent" secret. */
export const manageProcedure = publicProcedure.input(ZManageTokenInput).use(async ({ ctx, input, next }) => {
  const owner = await resolveAccessToken(ctx.db, 'manage', input.manageToken);
  if (!owner) throw new AppError('MANAGE_LINK_INVALID');
  return runInTenant(ctx.db, owner.customerId, (tx) => next({ ctx: { tx, owner } }));
});

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
import { withTokenTenant, type TokenKind, type TokenOwner } from './db/tenant.ts';
import type { Tx } from './db/client.ts';
import type { AppErrorCode } from '../shared/errors.ts';
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
 * Resolves the token and runs the rest of the chain inside that tenant's transaction. tRPC hands middlewares a
 * failed result instead of throwing, so rethrow inside the callback to roll back, then return that same result.
 */
async function runForToken<R extends { ok: boolean }>(
  db: Context['db'],
  kind: TokenKind,
  token: string,
  invalid: AppErrorCode,
  run: (tx: Tx, owner: TokenOwner) => Promise<R>,
): Promise<R> {
  let failure: R | undefined;
  try {
    return await withTokenTenant(db, kind, token, async (tx, owner) => {
      if (!owner) throw new AppError(invalid);
      const result = await run(tx, owner);
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
export const enrollmentProcedure = publicProcedure
  .input(ZEnrollmentTokenInput)
  .use(({ ctx, input, next }) =>
    runForToken(ctx.db, 'enroll', input.token, 'LINK_INVALID', (tx, owner) => next({ ctx: { tx, owner } })),
  );

/** The durable "manage my consent" secret. */
export const manageProcedure = publicProcedure
  .input(ZManageTokenInput)
  .use(({ ctx, input, next }) =>
    runForToken(ctx.db, 'manage', input.manageToken, 'MANAGE_LINK_INVALID', (tx, owner) => next({ ctx: { tx, owner } })),
  );

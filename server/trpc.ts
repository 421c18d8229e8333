/**
 * The one initTRPC. Procedures: `publicProcedure`; the token procedures that resolve an employee's secret through
 * the SECURITY DEFINER resolver; `authedProcedure`, role procedures and `tenantProcedure` for signed-in users. Every
 * tenant procedure hands its resolver a tenant-scoped transaction (`ctx.tx`), never the root db. Error shapes carry `appCode` and, for validation failures, the i18n keys of each field's problem.
 */
import { initTRPC } from '@trpc/server';
import { z, ZodError } from 'zod';
import { ZEnrollmentTokenInput } from '../shared/schemas/enrollment.ts';
import { ZManageTokenInput } from '../shared/schemas/consent.ts';
import type { Context } from './context.ts';
import { withTenant, withTokenTenant, type TokenKind, type TokenOwner } from './db/tenant.ts';
import type { Tx } from './db/client.ts';
import type { AppErrorCode } from '../shared/errors.ts';
import { allows, type Capability } from '../shared/access.ts';
import type { SessionUser } from './auth/auth.ts';
import { AppError, appCodeOf, isDatabaseError, toAppError } from './errors.ts';

/** Every signed-in procedure records the capability it requires (shared/access.ts), for the role-matrix test. */
export type ProcedureMeta = { capability?: Capability };

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
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
 * A failing database is a 503 for the user, never an anonymous 500: UNAVAILABLE when it is out of reach (connection
 * refused or lost, no connection in time, statement timeout), NOT_SAVED when it refused a statement (an injected
 * fault). The transaction has already rolled back when this runs.
 */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR' && isDatabaseError(result.error.cause)) {
    throw toAppError(result.error.cause);
  }
  return result;
});

/**
 * Runs the rest of the middleware chain (`run`) inside a transaction that `open` starts. tRPC hands middlewares a
 * failed result instead of throwing, so rethrow inside the transaction to roll back, then return that same result.
 */
async function inTransaction<A, R extends { ok: boolean }>(
  open: (work: (scope: A) => Promise<unknown>) => Promise<unknown>,
  run: (scope: A) => Promise<R>,
): Promise<R> {
  let failure: R | undefined;
  try {
    return (await open(async (scope) => {
      const result = await run(scope);
      if (!result.ok) {
        failure = result;
        throw (result as unknown as { error: Error }).error;
      }
      return result;
    })) as R;
  } catch (error) {
    if (failure) return failure;
    throw error;
  }
}

type TokenScope = { tx: Tx; owner: TokenOwner };
const openForToken =
  (db: Context['db'], kind: TokenKind, token: string, invalid: AppErrorCode) =>
  (work: (scope: TokenScope) => Promise<unknown>) =>
    withTokenTenant(db, kind, token, (tx, owner) => {
      if (!owner) throw new AppError(invalid);
      return work({ tx, owner });
    });

/** Employee procedures: the tenant comes from the enrollment token, never from client input. */
export const enrollmentProcedure = publicProcedure
  .input(ZEnrollmentTokenInput)
  .use(({ ctx, input, next }) =>
    inTransaction(openForToken(ctx.db, 'enroll', input.token, 'LINK_INVALID'), (scope) => next({ ctx: scope })),
  );

/** The durable "manage my consent" secret. */
export const manageProcedure = publicProcedure
  .input(ZManageTokenInput)
  .use(({ ctx, input, next }) =>
    inTransaction(openForToken(ctx.db, 'manage', input.manageToken, 'MANAGE_LINK_INVALID'), (scope) =>
      next({ ctx: scope }),
    ),
  );

/** A signed-in user (session cookie, resolved by better-auth in the HTTP context), any role. */
export const authedProcedure = publicProcedure.meta({ capability: 'account' }).use(({ ctx, next }) => {
  if (!ctx.user) throw new AppError('UNAUTHENTICATED');
  return next({ ctx: { user: ctx.user } });
});

/** Signed in with a role that has `capability` in the role matrix (shared/access.ts); anyone else gets FORBIDDEN. */
export function roleProcedure(capability: Capability) {
  return authedProcedure.meta({ capability }).use(({ ctx, next }) => {
    if (!allows(capability, ctx.user.role)) throw new AppError('FORBIDDEN');
    return next();
  });
}

/**
 * The tenant of a signed-in user: their own customer, or for an operator the customer stored in their session.
 * Also used by the plain HTTP routes (roster upload), so the rule exists once.
 */
export function tenantOf(user: SessionUser): string {
  const tenantId = user.role === 'operator' ? user.activeCustomerId : user.customerId;
  if (!tenantId) throw new AppError('NO_CUSTOMER_SELECTED');
  return tenantId;
}

/**
 * Signed in with `capability`, inside a transaction scoped to the user's tenant. Resolvers get `ctx.tx` and
 * `ctx.tenantId`, never the root db.
 */
export function tenantProcedure(capability: Capability) {
  return roleProcedure(capability).use(({ ctx, next }) => {
    const tenantId = tenantOf(ctx.user);
    return inTransaction(
      (work: (tx: Tx) => Promise<unknown>) => withTenant(ctx.db, tenantId, work),
      (tx) => next({ ctx: { tx, tenantId } }),
    );
  });
}

/**
 * Like tenantProcedure, for workflows that also talk to the outside (sign-in service, SMTP) and must not hold a
 * transaction open meanwhile: `ctx.inTenant(fn)` runs each database step in its own tenant-scoped transaction.
 */
export function tenantWorkflowProcedure(capability: Capability) {
  return roleProcedure(capability).use(({ ctx, next }) => {
    const tenantId = tenantOf(ctx.user);
    const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(ctx.db, tenantId, fn);
    return next({ ctx: { tenantId, inTenant } });
  });
}

/** The onboarding team, across customers (no tenant yet). */
export const operatorProcedure = roleProcedure('customers');
/** Onboarding portal work on one customer: the operator, with the customer's admin. */
export const onboardingProcedure = tenantProcedure('onboarding');
/** Admin panel (read): enrollment rates, people's link status, corrections, checks, audit. */
export const adminPanelProcedure = tenantProcedure('adminPanel');
export const signalProcedure = tenantProcedure('signal');
export const archiveProcedure = tenantProcedure('archive');

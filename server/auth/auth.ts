/**
 * Sign-in with better-auth (email + password, server sessions in the database through its Drizzle adapter).
 * Password hashing, session cookies, reset tokens and rate limiting are the library's; what is ours is the role
 * model, the lockout after repeated failures, and where emails go. See ADR 0005.
 */
import { randomUUID } from 'node:crypto';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { eq, sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client.ts';
import {
  authAccounts,
  authLoginFailures,
  authRateLimits,
  authSessions,
  authUsers,
  authVerifications,
  type UserRole,
} from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { renderEmail } from '../mail/templates.ts';
import { log } from '../app/logger.ts';

/** After this many wrong passwords in a row (within LOCKOUT_MS of each other) the account is locked for LOCKOUT_MS. */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 12;
const SESSION_SECONDS = 7 * 24 * 60 * 60;

export type AuthEmailHook = (email: {
  user: { id: string; email: string; name: string; customerId: string | null; language: string | null };
  kind: 'invite' | 'password_reset';
  to: string;
  subject: string;
  text: string;
}) => Promise<void>;

export type AuthOptions = {
  db: DbHandle;
  secret: string;
  baseUrl: string;
  mailer: Mailer;
  /** Keeps a copy of tenant users' auth emails in the tenant's outbox log. */
  onEmail?: AuthEmailHook;
  /** The customer's output language: the language of a tenant user's emails when their login has none. */
  customerLanguage?: (customerId: string) => Promise<string | null>;
  now?: () => Date;
  /** Called after every successful sign-in (the audit log of the user's customer). */
  onSignIn?: (user: SessionUser, meta: { ipAddress: string | null; userAgent: string | null }) => Promise<void>;
  /** Sign-in attempts per client address per minute (better-auth rate limit). */
  signInPerMinute?: number;
};

/**
 * better-auth reads the client address from a request header only. The HTTP server sets this one from the socket
 * (or a trusted proxy's X-Forwarded-For) and drops whatever a client sent under that name.
 */
export const CLIENT_IP_HEADER = 'x-panops-client-ip';

/** The better-auth endpoints the portal calls (paths under /api/auth); server/auth/routes.ts exposes only these. */
export const AUTH_PUBLIC_PATHS: readonly { method: 'GET' | 'POST'; path: RegExp }[] = [
  { method: 'POST', path: /^\/sign-in\/email$/ },
  { method: 'POST', path: /^\/sign-out$/ },
  { method: 'POST', path: /^\/request-password-reset$/ },
  { method: 'POST', path: /^\/reset-password$/ },
  // The link in a reset or invitation email: checks the token and redirects to the portal's page.
  { method: 'GET', path: /^\/reset-password\/[^/]+$/ },
];

export function createAuth(opts: AuthOptions) {
  const now = opts.now ?? (() => new Date());
  const authDb = opts.db.authDb;

  async function lockedUntil(email: string): Promise<Date | null> {
    const [row] = await authDb.select().from(authLoginFailures).where(eq(authLoginFailures.email, email));
    return row?.lockedUntil && row.lockedUntil > now() ? row.lockedUntil : null;
  }

  async function recordFailure(email: string) {
    const at = now();
    const atSql = sql`${at.toISOString()}::timestamptz`;
    const lockSql = sql`${new Date(at.getTime() + LOCKOUT_MS).toISOString()}::timestamptz`;
    // Failures count while they come in a run: after a lock has run out, or a quiet spell as long as a lock, the
    // count starts again, so an occasional typo over months never adds up to a lockout.
    const windowStart = sql`${new Date(at.getTime() - LOCKOUT_MS).toISOString()}::timestamptz`;
    const nextCount = sql`case when ${authLoginFailures.lockedUntil} <= ${atSql} or ${authLoginFailures.lastFailureAt} < ${windowStart} then 1 else ${authLoginFailures.failures} + 1 end`;
    await authDb
      .insert(authLoginFailures)
      .values({ email, failures: 1, lastFailureAt: at })
      .onConflictDoUpdate({
        target: authLoginFailures.email,
        set: {
          // A lock that has run out starts a fresh count.
          failures: nextCount,
          lastFailureAt: at,
          lockedUntil: sql`case when ${nextCount} >= ${LOCKOUT_THRESHOLD} then ${lockSql} else null end`,
        },
      });
  }

  const emailOf = (body: unknown) =>
    typeof (body as { email?: unknown })?.email === 'string' ? (body as { email: string }).email.trim().toLowerCase() : '';

  const auth = betterAuth({
    appName: 'PanOps',
    baseURL: opts.baseUrl,
    basePath: '/api/auth',
    secret: opts.secret,
    trustedOrigins: [opts.baseUrl],
    database: drizzleAdapter(authDb, {
      provider: 'pg',
      schema: {
        user: authUsers,
        session: authSessions,
        account: authAccounts,
        verification: authVerifications,
        rateLimit: authRateLimits,
      },
    }),
    user: {
      additionalFields: {
        role: { type: 'string', required: true, input: false },
        customerId: { type: 'string', required: false, input: false },
        language: { type: 'string', required: false, input: false },
      },
    },
    session: {
      expiresIn: SESSION_SECONDS,
      additionalFields: { activeCustomerId: { type: 'string', required: false, input: false } },
    },
    emailAndPassword: {
      enabled: true,
      // Logins are created by operators (and the demo seed), never by self-service sign-up.
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 72 * 60 * 60,
      async sendResetPassword({ user, url }) {
        const ctx = await auth.$context;
        const hasPassword = (await ctx.internalAdapter.findAccounts(user.id)).some((a: { providerId: string }) => a.providerId === 'credential');
        const full = user as typeof user & { customerId?: string | null; language?: string | null; role?: UserRole };
        const kind = hasPassword ? 'password_reset' : 'invite';
        const language = full.language ?? (full.customerId ? await opts.customerLanguage?.(full.customerId) : null);
        const rendered = renderEmail(kind, language, { name: user.name, url });
        await opts.mailer.send({ to: user.email, subject: rendered.subject, text: rendered.text });
        await opts.onEmail?.({
          user: {
            id: user.id,
            email: user.email,
            name: user.name,
            customerId: full.customerId ?? null,
            language: full.language ?? null,
          },
          kind,
          to: user.email,
          ...rendered,
        });
      },
    },
    rateLimit: {
      enabled: true,
      storage: 'database',
      window: 60,
      max: 100,
      customRules: {
        '/sign-in/email': { window: 60, max: opts.signInPerMinute ?? 10 },
        '/request-password-reset': { window: 60, max: 5 },
        '/reset-password': { window: 60, max: 10 },
      },
    },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // Secure cookies wherever the app is served over TLS (production); plain http://localhost keeps working.
      useSecureCookies: opts.baseUrl.startsWith('https:'),
      defaultCookieAttributes: { sameSite: 'lax', httpOnly: true },
      database: { generateId: () => randomUUID() },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-in/email') return;
        const until = await lockedUntil(emailOf(ctx.body));
        if (until) {
          throw new APIError('TOO_MANY_REQUESTS', {
            code: 'ACCOUNT_LOCKED',
            message: `Too many failed sign-ins. Try again after ${until.toISOString()}.`,
          });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-in/email') return;
        const email = emailOf(ctx.body);
        if (!email) return;
        const returned = ctx.context.returned;
        if (returned instanceof APIError) {
          if (returned.status === 'UNAUTHORIZED') await recordFailure(email);
        } else {
          await authDb.delete(authLoginFailures).where(eq(authLoginFailures.email, email));
          const signedIn = ctx.context.newSession;
          if (signedIn && opts.onSignIn) {
            await opts.onSignIn(toSessionUser(signedIn.user, signedIn.session), {
              ipAddress: ctx.headers?.get(CLIENT_IP_HEADER) || null,
              userAgent: ctx.headers?.get('user-agent')?.slice(0, 512) ?? null,
            });
          }
        }
      }),
    },
    telemetry: { enabled: false },
    // Errors leave better-auth's router instead of becoming its bare 500 response, so the HTTP layer maps them
    // like any other (a database out of reach → 503). Its own refusals (wrong password, 429) stay answers.
    onAPIError: { throw: true },
    // Wrong passwords are expected traffic (and are counted for the lockout); only errors are worth a log line,
    // and it goes through our logger, whose error serializer keeps SQL parameters and tokens out.
    logger: {
      level: 'error',
      log: (level, message, ...args) => {
        const err = args.find((a) => a instanceof Error);
        log[level]({ err, component: 'better-auth' }, message);
      },
    },
  });
  return auth;
}

export type Auth = ReturnType<typeof createAuth>;

/** What the rest of the server knows about a signed-in user. */
export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  customerId: string | null;
  language: string | null;
  /** The customer an operator chose to work on. */
  activeCustomerId: string | null;
  sessionToken: string;
};

export async function sessionFromHeaders(auth: Auth, headers: Headers): Promise<SessionUser | null> {
  const found = await auth.api.getSession({ headers });
  return found ? toSessionUser(found.user, found.session) : null;
}

function toSessionUser(
  rawUser: { id: string; email: string; name: string },
  rawSession: { token: string },
): SessionUser {
  const user = rawUser as typeof rawUser & { role: UserRole; customerId?: string | null; language?: string | null };
  const session = rawSession as typeof rawSession & { activeCustomerId?: string | null };
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    customerId: user.customerId ?? null,
    language: user.language ?? null,
    activeCustomerId: session.activeCustomerId ?? null,
    sessionToken: session.token,
  };
}

export type NewLogin = {
  email: string;
  name: string;
  role: UserRole;
  customerId: string | null;
  language?: string | null;
  /** Without a password the user sets one from the invitation email. */
  password?: string;
};

/** Creates a login through better-auth's own adapter and password hashing. Refuses an email that exists. */
export async function createLogin(auth: Auth, login: NewLogin): Promise<{ id: string; created: boolean }> {
  const ctx = await auth.$context;
  const email = login.email.trim().toLowerCase();
  const existing = await ctx.internalAdapter.findUserByEmail(email);
  if (existing) return { id: existing.user.id, created: false };
  const user = await ctx.internalAdapter.createUser({
    email,
    name: login.name,
    role: login.role,
    customerId: login.customerId,
    language: login.language ?? null,
    emailVerified: false,
  }, { method: 'admin' });
  if (login.password) {
    await ctx.internalAdapter.linkAccount({
      userId: user.id,
      providerId: 'credential',
      accountId: user.id,
      password: await ctx.password.hash(login.password),
    });
  }
  return { id: user.id, created: true };
}

/** A login as the server-side actor it would be when signed in (for scripted work such as the demo seed). */
export async function sessionUserByEmail(auth: Auth, email: string): Promise<SessionUser | null> {
  const ctx = await auth.$context;
  const found = await ctx.internalAdapter.findUserByEmail(email);
  return found ? toSessionUser(found.user, { token: '' }) : null;
}

/** Sends the "set your password" invitation (a reset token under the hood, 72 h valid). */
export async function sendInvitation(auth: Auth, email: string, redirectTo: string) {
  await auth.api.requestPasswordReset({ body: { email, redirectTo } });
}

/** Stores which customer an operator works on in their server-side session. */
export async function setActiveCustomer(auth: Auth, sessionToken: string, customerId: string | null) {
  const ctx = await auth.$context;
  await ctx.internalAdapter.updateSession(sessionToken, { activeCustomerId: customerId });
}

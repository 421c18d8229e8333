/**
 * Sign-in with better-auth (email + password, server sessions in the database through its Drizzle adapter).
 * Password hashing, session cookies, reset tokens and rate limiting are the library's; what is ours is the role
 * model, sign-in throttling with device cookies and unlock links (sign-in-protection.ts, ADR 0012), and where
 * emails go. See ADR 0005.
 */
import { randomUUID } from 'node:crypto';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { log } from '../app/logger.ts';
import type { DbHandle } from '../db/client.ts';
import {
  authAccounts,
  authRateLimits,
  authSessions,
  authUsers,
  authVerifications,
  type UserRole,
} from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { renderEmail } from '../mail/templates.ts';
import {
  signInProtection,
  UNLOCK_CONFIRM_PATH,
  UNLOCK_REQUEST_PATH,
  type ClientMeta,
  type UnlockEvent,
} from './sign-in-protection.ts';

export const MIN_PASSWORD_LENGTH = 12;
const SESSION_SECONDS = 7 * 24 * 60 * 60;

export type AuthEmailHook = (email: {
  user: { id: string; email: string; name: string; customerId: string | null; language: string | null };
  kind: 'invite' | 'password_reset' | 'sign_in_unlock';
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
  onSignIn?: (user: SessionUser, meta: ClientMeta) => Promise<void>;
  /** Called when a login asks for an unlock link and when the link is used (the audit log of the user's customer). */
  onUnlock?: (user: SessionUser, event: UnlockEvent, meta: ClientMeta) => Promise<void>;
  /** Sign-in attempts per client address per minute (better-auth rate limit). */
  signInPerMinute?: number;
  /** Unlock emails one client address may ask for per 15 minutes (better-auth rate limit). */
  unlockRequestsPerClient?: number;
};

/**
 * Every /api/auth route the browser uses; the HTTP layer exposes these and no other better-auth endpoint. Paths are
 * route patterns (`:token` is a path parameter).
 */
export const AUTH_PUBLIC_PATHS = [
  { method: 'POST', path: '/api/auth/sign-in/email' },
  { method: 'POST', path: '/api/auth/sign-out' },
  { method: 'POST', path: '/api/auth/request-password-reset' },
  { method: 'POST', path: '/api/auth/reset-password' },
  // The link in reset and invitation emails: checks the token and redirects to the portal's reset page.
  { method: 'GET', path: '/api/auth/reset-password/:token' },
  { method: 'POST', path: `/api/auth${UNLOCK_REQUEST_PATH}` },
  { method: 'POST', path: `/api/auth${UNLOCK_CONFIRM_PATH}` },
] as const satisfies ReadonlyArray<{ method: 'GET' | 'POST'; path: string }>;

/**
 * better-auth reads the client address from a request header only. The HTTP server sets this one from the socket
 * (or a trusted proxy's X-Forwarded-For) and drops whatever a client sent under that name.
 */
export const CLIENT_IP_HEADER = 'x-panops-client-ip';

export function createAuth(opts: AuthOptions) {
  const now = opts.now ?? (() => new Date());
  const authDb = opts.db.authDb;

  /** An email about the login itself (invitation, reset, unlock link), in its language, copied to the tenant's outbox. */
  async function sendAuthEmail(
    user: { id: string; email: string; name: string },
    kind: 'invite' | 'password_reset' | 'sign_in_unlock',
    url: string,
  ) {
    const full = user as typeof user & { customerId?: string | null; language?: string | null };
    const language = full.language ?? (full.customerId ? await opts.customerLanguage?.(full.customerId) : null);
    const rendered = renderEmail(kind, language, { name: user.name, url });
    await opts.mailer.send({ to: user.email, subject: rendered.subject, text: rendered.text });
    await opts.onEmail?.({
      user: { id: user.id, email: user.email, name: user.name, customerId: full.customerId ?? null, language: full.language ?? null },
      kind,
      to: user.email,
      ...rendered,
    });
  }

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
        await sendAuthEmail(user, hasPassword ? 'password_reset' : 'invite', url);
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
        [UNLOCK_REQUEST_PATH]: { window: 15 * 60, max: opts.unlockRequestsPerClient ?? 5 },
        [UNLOCK_CONFIRM_PATH]: { window: 60, max: 10 },
      },
    },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // Secure cookies wherever the app is served over TLS (production); plain http://localhost keeps working.
      useSecureCookies: opts.baseUrl.startsWith('https:'),
      defaultCookieAttributes: { sameSite: 'lax', httpOnly: true },
      database: { generateId: () => randomUUID() },
    },
    // The account's own unlock tokens are stored hashed (better-auth's reset tokens keep their own format).
    verification: { storeIdentifier: { default: 'plain', overrides: { 'sign-in-unlock:': 'hashed' } } },
    plugins: [
      signInProtection({
        authDb,
        now,
        baseUrl: opts.baseUrl,
        sendUnlockEmail: (user, url) => sendAuthEmail(user, 'sign_in_unlock', url),
        onEvent: async (user, event, meta) => opts.onUnlock?.(toSessionUser(user, { token: '' }), event, meta),
      }),
    ],
    hooks: {
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-in/email' || ctx.context.returned instanceof APIError) return;
        const signedIn = ctx.context.newSession;
        if (signedIn && opts.onSignIn) {
          await opts.onSignIn(toSessionUser(signedIn.user, signedIn.session), {
            ipAddress: ctx.headers?.get(CLIENT_IP_HEADER) || null,
            userAgent: ctx.headers?.get('user-agent')?.slice(0, 512) ?? null,
          });
        }
      }),
    },
    telemetry: { enabled: false },
    // Errors leave better-auth's router instead of becoming its bare 500 response, so the HTTP layer maps them
    // like any other (a database out of reach → 503). Its own refusals (wrong password, 429) stay answers.
    onAPIError: { throw: true },
    // Wrong passwords are expected traffic (and are counted by the throttle); only errors are worth a log line,
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

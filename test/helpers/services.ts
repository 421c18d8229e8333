/** App services for tests: real better-auth on the test database, mail to the outbox or to a local SMTP server. */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { createServices } from '../../server/app-services.ts';
import { createLogin, type SessionUser } from '../../server/auth/auth.ts';
import type { AppServices } from '../../server/context.ts';
import { createContextInner } from '../../server/context.ts';
import type { DbHandle } from '../../server/db/client.ts';
import { createApp } from '../../server/app/http.ts';
import { StreamRegistry } from '../../server/app/streams.ts';
import type { TrustProxy } from '../../server/env.ts';
import type { UserRole } from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { createCaller } from '../../server/routers/_app.ts';
import { recordCustomerUser } from '../../server/services/customers.ts';
import type { SignalConfig } from '../../server/signal/llm.ts';
import { openTestDb, type TestDb } from './db.ts';

export const TEST_AUTH_SECRET = 'test-secret-test-secret-test-secret-0123456789';
export const TEST_PASSWORD = 'correct horse battery staple';

export function testServices(
  db: DbHandle,
  opts: {
    publicUrl?: string;
    smtpUrl?: string;
    now?: () => Date;
    signInPerMinute?: number;
    unlockRequestsPerClient?: number;
    signal?: SignalConfig;
  } = {},
): AppServices {
  return createServices({
    db,
    secret: TEST_AUTH_SECRET,
    publicUrl: opts.publicUrl ?? 'http://127.0.0.1:3000',
    smtpUrl: opts.smtpUrl,
    mailFrom: 'PanOps Test <test@panops.local>',
    now: opts.now,
    // Test files sign in many times from 127.0.0.1; the limit itself is tested with a low value.
    signInPerMinute: opts.signInPerMinute ?? 1000,
    unlockRequestsPerClient: opts.unlockRequestsPerClient ?? 1000,
    signal: opts.signal,
  });
}

/** A test file's database and services, opened before its tests and closed after them. */
export type TestEnv = { readonly t: TestDb; readonly services: AppServices };

export function useTestServices(): TestEnv {
  let t: TestDb | undefined;
  let services: AppServices | undefined;
  beforeAll(async () => {
    t = await openTestDb();
    services = testServices(t.handle);
  });
  afterAll(async () => {
    services?.mailer.close();
    await t?.close();
  });
  return {
    get t() {
      return t!;
    },
    get services() {
      return services!;
    },
  };
}

/** A port that was free a moment ago, so a server's public URL can be known before it listens. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let counter = 0;
/** A real login (better-auth user + credential account); tenant users are also recorded in customer_users. */
export async function makeUser(
  services: AppServices,
  role: UserRole,
  customerId: string | null,
  overrides: { email?: string; name?: string } = {},
): Promise<SessionUser> {
  const email = overrides.email ?? `${role}-${Date.now().toString(36)}-${++counter}@test.example`;
  const name = overrides.name ?? `Test ${role} ${counter}`;
  const { id } = await createLogin(services.auth, { email, name, role, customerId, password: TEST_PASSWORD });
  if (customerId) {
    await withTenant(services.db, customerId, (tx) =>
      recordCustomerUser(tx, { userId: id, customerId, role, email, name, invitedAt: new Date() }),
    );
  }
  return { id, email, name, role, customerId, language: null, activeCustomerId: null, sessionToken: `test-${id}` };
}

/** createCaller as a signed-in user (the session itself is exercised by the HTTP tests). */
export function callerAs(services: AppServices, user: SessionUser | null, opts: { now?: Date } = {}) {
  return createCaller(
    createContextInner({
      db: services.db,
      services,
      user,
      meta: { ipAddress: '198.51.100.9', userAgent: 'vitest' },
      now: opts.now ? () => opts.now! : undefined,
    }),
  );
}

export type RunningServer = { services: AppServices; origin: string; close(): Promise<void> };

/**
 * The real HTTP server in production mode on a free port of 127.0.0.1, with services whose public URL is that
 * origin (better-auth's trusted origin, links in emails).
 */
export async function startTestServer(
  db: DbHandle,
  opts: Omit<Parameters<typeof testServices>[1] & object, 'publicUrl'> & {
    trustProxy?: TrustProxy;
    metricsToken?: string;
    publicUrl?: string;
    maxEventLoopDelayMs?: number;
  } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const services = testServices(db, { ...opts, publicUrl: opts.publicUrl ?? origin });
  const app = await createApp({
    services,
    mode: 'production',
    trustProxy: opts.trustProxy,
    metricsToken: opts.metricsToken,
    maxEventLoopDelayMs: opts.maxEventLoopDelayMs,
    streams: new StreamRegistry(),
  });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    services,
    origin,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
      services.mailer.close();
    },
  };
}

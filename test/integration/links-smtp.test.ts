/**
 * Link emails over real SMTP: an `smtp-server` on 127.0.0.1 (no auth, no TLS) receives them; every received link
 * opens the enrollment. A recipient the server refuses is reported as failed and stays unsent until a retry
 * delivers it — and the retry emails nobody twice.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../server/context.ts';
import { callerFor } from '../helpers/caller.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { rosterCustomer, tokensIn } from '../helpers/roster.ts';
import { callerAs, makeUser, testServices } from '../helpers/services.ts';

type Received = { from: string; to: string[]; raw: string };

let t: TestDb;
let services: AppServices;
let smtp: SMTPServer;
const received: Received[] = [];
/** Addresses the server currently refuses at RCPT TO. */
const refused = new Set<string>();

beforeAll(async () => {
  t = await openTestDb();
  smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address)) {
        callback(Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  services = testServices(t.handle, { publicUrl: 'https://app.panops.test', smtpUrl: `smtp://127.0.0.1:${port}` });
});

afterAll(async () => {
  services?.mailer.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await t?.close();
});

/** The message text with quoted-printable soft line breaks joined again. */
const bodyOf = (raw: string) => raw.replace(/=\r?\n/g, '');

describe(`links over real SMTP (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('delivers one message per person to the right address, each with a working link', async () => {
    const { customerId, employees } = await rosterCustomer(t.handle, 3);
    const admin = await makeUser(services, 'admin', customerId);
    const api = callerAs(services, admin);
    await api.links.generate({});
    const start = received.length;

    const result = await api.links.sendEmails({});
    expect(result).toEqual({ mode: 'smtp', delivered: 3, failed: [] });

    const mine = received.slice(start);
    expect(mine.map((m) => m.to).flat().sort()).toEqual(employees.map((e) => e.email.toLowerCase()).sort());
    expect(mine.every((m) => m.from === 'test@panops.local')).toBe(true);
    for (const message of mine) {
      const tokens = tokensIn(bodyOf(message.raw));
      expect(tokens).toHaveLength(1);
      const view = await callerFor(t.handle).enrollment.get({ token: tokens[0]!, language: 'en' });
      expect(view.identity.email.toLowerCase()).toBe(message.to[0]);
    }
    const { messages } = await api.links.outbox({});
    expect(messages.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
    expect((await api.links.list({})).rows.every((r) => r.status === 'sent' && r.sentVia === 'email')).toBe(true);
  });

  it('reports a refused recipient as failed and leaves that link unsent; a retry delivers only that one', async () => {
    const { customerId, employees } = await rosterCustomer(t.handle, 3);
    const admin = await makeUser(services, 'admin', customerId);
    const api = callerAs(services, admin);
    await api.links.generate({});
    const bad = employees[1]!;
    refused.add(bad.email.toLowerCase());
    const start = received.length;

    const result = await api.links.sendEmails({});
    expect(result.delivered).toBe(2);
    expect(result.failed).toEqual([
      expect.objectContaining({ employeeId: bad.id, email: bad.email, name: bad.displayName, error: expect.stringMatching(/550|unavailable/i) }),
    ]);
    expect(received.slice(start).map((m) => m.to[0])).not.toContain(bad.email.toLowerCase());
    const rows = (await api.links.list({})).rows;
    expect(rows.find((r) => r.employeeId === bad.id)).toMatchObject({ status: 'not_sent', sentAt: null, sentVia: null });
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(2);
    const failedLog = (await api.links.outbox({})).messages.filter((m) => m.status === 'failed');
    expect(failedLog).toEqual([expect.objectContaining({ to: bad.email, error: expect.stringMatching(/550|unavailable/i) })]);

    refused.clear();
    const retryStart = received.length;
    expect(await api.links.sendEmails({})).toEqual({ mode: 'smtp', delivered: 1, failed: [] });
    expect(received.slice(retryStart).map((m) => m.to)).toEqual([[bad.email.toLowerCase()]]);
    expect((await api.links.list({})).rows.every((r) => r.status === 'sent')).toBe(true);
  });
});

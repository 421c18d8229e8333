/**
 * Tenant emails: send through the mailer, then log the message in email_messages. With no SMTP configured the
 * log is the local outbox the portal shows, so it keeps the text.
 */
import { desc } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { emailMessages, type EmailStatus } from '../db/schema.ts';
import type { Mailer, OutgoingEmail } from '../mail/mailer.ts';

export async function recordEmail(
  tx: Tx,
  customerId: string,
  email: { kind: string; to: string; subject: string; text: string; status: EmailStatus; error?: string | null },
) {
  await tx.insert(emailMessages).values({
    customerId,
    kind: email.kind,
    toAddress: email.to,
    subject: email.subject,
    textBody: email.text,
    status: email.status,
    error: email.error ?? null,
  });
}

/**
 * Hands one message to the mailer: 'sent' when the SMTP server accepted it, 'outbox' when there is no SMTP, 'failed'
 * (with the reason) otherwise. Touches no database, so callers can deliver outside any transaction.
 */
export async function deliverEmail(mailer: Mailer, message: OutgoingEmail): Promise<{ status: EmailStatus; error: string | null }> {
  try {
    return { status: (await mailer.send(message)).delivered ? 'sent' : 'outbox', error: null };
  } catch (e) {
    return { status: 'failed', error: e instanceof Error ? e.message.slice(0, 500) : String(e) };
  }
}

/** Sends one message and logs the outcome; a failed delivery is logged and reported, not thrown. */
export async function sendTenantEmail(
  tx: Tx,
  mailer: Mailer,
  customerId: string,
  kind: string,
  message: OutgoingEmail,
): Promise<{ status: EmailStatus; error: string | null }> {
  const { status, error } = await deliverEmail(mailer, message);
  await recordEmail(tx, customerId, { kind, to: message.to, subject: message.subject, text: message.text, status, error });
  return { status, error };
}

export function listEmails(tx: Tx, limit = 200) {
  return tx.select().from(emailMessages).orderBy(desc(emailMessages.createdAt)).limit(limit);
}

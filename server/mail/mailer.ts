/**
 * Outgoing email through nodemailer. With SMTP_URL it delivers over SMTP (pooled); without, it is the embedded
 * default: nothing leaves the machine, callers keep the message in the tenant's outbox (email_messages) where the
 * portal shows it.
 */
import nodemailer from 'nodemailer';

export type OutgoingEmail = { to: string; subject: string; text: string; html?: string };
export type Delivery = { delivered: boolean; messageId: string | null };

export type Mailer = {
  readonly mode: 'smtp' | 'outbox';
  send(message: OutgoingEmail): Promise<Delivery>;
  close(): void;
};

export function createMailer(opts: { smtpUrl?: string | undefined; from: string }): Mailer {
  if (!opts.smtpUrl) {
    // jsonTransport builds the full message (so address and header errors still surface) without sending it.
    const transport = nodemailer.createTransport({ jsonTransport: true });
    return {
      mode: 'outbox',
      async send(message) {
        await transport.sendMail({ from: opts.from, ...message });
        return { delivered: false, messageId: null };
      },
      close: () => transport.close(),
    };
  }
  const url = new URL(opts.smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    pool: true,
    maxConnections: 4,
    // Local and test relays often have no certificate; opportunistic STARTTLS still applies when offered.
    tls: { rejectUnauthorized: url.searchParams.get('tls') !== 'insecure' },
  });
  return {
    mode: 'smtp',
    async send(message) {
      const info = await transport.sendMail({ from: opts.from, ...message });
      return { delivered: true, messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}

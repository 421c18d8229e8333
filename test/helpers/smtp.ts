/**
 * A real SMTP server on 127.0.0.1 (smtp-server) that keeps what it receives, parsed with mailparser, so tests can
 * check recipients and follow the links in the messages the app sent.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type ReceivedMail = { from: string; to: string[]; subject: string; text: string };
export type SmtpSink = {
  url: string;
  messages: ReceivedMail[];
  /** Resolves with the first message to `address` (waiting up to `ms`). */
  waitFor(address: string, ms?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
};

export async function startSmtpSink(opts: { rejectRecipients?: (address: string) => boolean } = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (opts.rejectRecipients?.(address.address)) return callback(new Error('550 mailbox unavailable'));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(address, ms = 10_000) {
      const wanted = address.toLowerCase();
      const deadline = Date.now() + ms;
      for (;;) {
        const found = messages.find((m) => m.to.includes(wanted));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no email to ${address} within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

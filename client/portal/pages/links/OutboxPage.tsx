import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { useTRPC } from '../../trpc.ts';
import './links.css';

const KINDS = ['invite', 'password_reset', 'sign_in_unlock', 'enrollment_link', 'checklist'] as const;
const BADGE = { sent: 'ok', outbox: 'warn', failed: 'bad' } as const;

/** Every email sent for this customer; with no SMTP configured, the place where they are kept. */
export function OutboxPage() {
  const { t } = useTranslation('links');
  const trpc = useTRPC();
  const outbox = useQuery(trpc.links.outbox.queryOptions({ limit: 200 }));
  const kindLabel = (kind: string) =>
    t(`outbox.kinds.${(KINDS as readonly string[]).includes(kind) ? (kind as (typeof KINDS)[number]) : 'other'}`);

  return (
    <section className="card">
      <h1>{t('outbox.title')}</h1>
      <p className="muted">{t('outbox.intro')}</p>
      {outbox.data?.mailMode === 'outbox' && (
        <p className="alert" role="note">
          {t('outbox.noSmtp')}
        </p>
      )}
      {outbox.error && <ErrorNotice code={errorCodeOf(outbox.error)} onRetry={() => void outbox.refetch()} />}
      {outbox.data && outbox.data.messages.length === 0 && <p className="muted">{t('outbox.empty')}</p>}
      {outbox.data && outbox.data.messages.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('outbox.time')}</th>
                <th scope="col">{t('outbox.to')}</th>
                <th scope="col">{t('outbox.subject')}</th>
                <th scope="col">{t('outbox.kind')}</th>
                <th scope="col">{t('outbox.statusLabel')}</th>
              </tr>
            </thead>
            <tbody>
              {outbox.data.messages.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.createdAt)}</td>
                  <td>{m.to}</td>
                  <td>
                    {m.subject}
                    {m.text && (
                      <details>
                        <summary>{t('outbox.body')}</summary>
                        <pre className="outbox-body">{m.text}</pre>
                      </details>
                    )}
                  </td>
                  <td>{kindLabel(m.kind)}</td>
                  <td>
                    <span className={`badge ${BADGE[m.status]}`}>{t(`outbox.status.${m.status}`)}</span>
                    {m.error && <div className="muted">{m.error}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

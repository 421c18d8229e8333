import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isAuditAction } from '../../../../shared/audit.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { useTRPC } from '../../trpc.ts';

/** Every admin and operator action on this customer: who, what, when, from where. */
export function AuditPage() {
  const { t } = useTranslation('portal');
  const trpc = useTRPC();
  const audit = useQuery(trpc.customers.audit.queryOptions({ limit: 200 }));
  return (
    <section className="card">
      <h1>{t('audit.title')}</h1>
      <p className="muted">{t('audit.intro')}</p>
      {audit.error && <ErrorNotice code={errorCodeOf(audit.error)} onRetry={() => void audit.refetch()} />}
      {audit.data && audit.data.length === 0 && <p className="muted">{t('audit.empty')}</p>}
      {audit.data && audit.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.who')}</th>
              <th scope="col">{t('audit.what')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.from')}</th>
            </tr>
          </thead>
          <tbody>
            {audit.data.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.occurredAt)}</td>
                <td>
                  {e.actorEmail} <span className="muted">({t(`roles.${e.actorRole}`)})</span>
                </td>
                <td>{isAuditAction(e.action) ? t(`audit.actions.${e.action}`) : e.action}</td>
                <td>{e.target}</td>
                <td className="muted">{e.ipAddress}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

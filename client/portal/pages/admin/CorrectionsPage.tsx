import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CORRECTION_STATUS_VALUES, type TCorrection } from '../../../../shared/schemas/admin.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { useMe } from '../../session.ts';
import { useTRPC } from '../../trpc.ts';
import './admin.css';

type Status = TCorrection['status'];

/** Identity corrections employees submitted at enrollment: accepted ones are written into the roster. */
export function CorrectionsPage() {
  const { t } = useTranslation(['admin', 'common']);
  const trpc = useTRPC();
  const client = useQueryClient();
  const me = useMe();
  const [status, setStatus] = useState<Status>('pending_review');
  const [done, setDone] = useState<TCorrection | null>(null);
  const corrections = useQuery(trpc.admin.corrections.queryOptions({ status }));
  const decide = useMutation(
    trpc.admin.decideCorrection.mutationOptions({
      onSuccess: async (result) => {
        setDone(result);
        await client.invalidateQueries({ queryKey: trpc.admin.corrections.queryKey() });
      },
    }),
  );
  const canDecide = me.data?.role === 'operator' || me.data?.role === 'admin';
  const fieldLabel = (field: string) => t(`corrections.fields.${field}`, { defaultValue: field });

  return (
    <section className="card">
      <h1>{t('corrections.title')}</h1>
      <p className="muted">{t('corrections.intro')}</p>
      {me.data && !canDecide && <p className="muted">{t('corrections.readOnly')}</p>}
      <div className="filters">
        <label className="field">
          <span>{t('corrections.show')}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {CORRECTION_STATUS_VALUES.map((s) => (
              <option key={s} value={s}>
                {t(`corrections.statuses.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div role="status">
        {done && (
          <p className="success">
            {t(done.status === 'accepted' ? 'corrections.acceptedNotice' : 'corrections.rejectedNotice', {
              name: done.employeeName,
              field: fieldLabel(done.field),
            })}
          </p>
        )}
      </div>
      {decide.error && <ErrorNotice code={errorCodeOf(decide.error)} />}
      {corrections.error && <ErrorNotice code={errorCodeOf(corrections.error)} onRetry={() => void corrections.refetch()} />}
      {!corrections.data && !corrections.error && <p aria-busy="true">{t('common:loading')}</p>}
      {corrections.data && corrections.data.length === 0 && <p className="muted">{t('corrections.empty')}</p>}
      {corrections.data && corrections.data.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('corrections.employee')}</th>
                <th scope="col">{t('corrections.field')}</th>
                <th scope="col">{t('corrections.oldValue')}</th>
                <th scope="col">{t('corrections.newValue')}</th>
                <th scope="col">{t('corrections.submittedAt')}</th>
                <th scope="col">{canDecide && status === 'pending_review' ? t('corrections.actions') : t('corrections.status')}</th>
              </tr>
            </thead>
            <tbody>
              {corrections.data.map((c) => (
                <tr key={c.id}>
                  <td>{c.employeeName}</td>
                  <td>{fieldLabel(c.field)}</td>
                  <td>
                    <bdi>{c.oldValue ?? t('corrections.emptyValue')}</bdi>
                  </td>
                  <td>
                    <bdi>{c.newValue === '' ? t('corrections.emptyValue') : c.newValue}</bdi>
                  </td>
                  <td>{formatDateTime(c.submittedAt)}</td>
                  <td>
                    {canDecide && c.status === 'pending_review' ? (
                      <span className="actions" style={{ marginBlockStart: 0 }}>
                        <button
                          type="button"
                          disabled={decide.isPending}
                          aria-label={t('corrections.acceptLabel', { name: c.employeeName, field: fieldLabel(c.field) })}
                          onClick={() => decide.mutate({ id: c.id, decision: 'accept' })}
                        >
                          {t('corrections.accept')}
                        </button>
                        <button
                          type="button"
                          className="danger"
                          disabled={decide.isPending}
                          aria-label={t('corrections.rejectLabel', { name: c.employeeName, field: fieldLabel(c.field) })}
                          onClick={() => decide.mutate({ id: c.id, decision: 'reject' })}
                        >
                          {t('corrections.reject')}
                        </button>
                      </span>
                    ) : (
                      t(`corrections.statuses.${c.status}`)
                    )}
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

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TCheck } from '../../../../shared/schemas/checks.ts';
import type { TDistributeResult } from '../../../../shared/schemas/links.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FieldError } from '../../../components/FieldError.tsx';
import { formatDateTime, formatNumber, formatPercent } from '../../../lib/format.ts';
import { errorCodeOf, fieldErrorsOf } from '../../../lib/trpc-errors.ts';
import { uuidv4 } from '../../../lib/uuid.ts';
import { useMe } from '../../session.ts';
import { useTRPC } from '../../trpc.ts';
import { FailedRecipients } from '../links/FailedRecipients.tsx';

const BADGE = { scheduled: '', passed: 'ok', failed: 'bad', waiting_connectors: 'warn' } as const;

function StatusLabel({ check }: { check: TCheck }) {
  const { t } = useTranslation('checks');
  const awaiting = check.key === 'admin_check_in' && check.status === 'scheduled' && check.due;
  return (
    <span className={`badge ${awaiting ? 'warn' : BADGE[check.status]}`}>
      {awaiting ? t('status.awaiting') : t(`status.${check.status}`)}
    </span>
  );
}

function ResultText({ check }: { check: TCheck }) {
  const { t } = useTranslation('checks');
  const r = check.result;
  if (!r) return null;
  return (
    <>
      {r.connectors !== undefined && <p>{t('result.noConnectors')}</p>}
      {r.rate !== undefined && (
        <p>
          {t('result.rate', {
            responded: formatNumber(r.responded ?? 0),
            total: formatNumber(r.total ?? 0),
            rate: formatPercent(r.rate),
            target: formatPercent(r.target ?? 0.8),
          })}
          {r.asOf && <> {t('result.asOf', { date: formatDateTime(r.asOf) })}</>}
        </p>
      )}
      {r.outcome && (
        <p>
          {t('result.checkIn', {
            outcome: t(`checkIn.${r.outcome}`),
            by: r.recordedBy ?? '',
            date: r.recordedAt ? formatDateTime(r.recordedAt) : '',
          })}
          {r.note && <q className="muted"> {r.note}</q>}
        </p>
      )}
      {r.resend && (
        <p className="muted">
          {t('result.resent', {
            date: formatDateTime(r.resend.at),
            reissued: formatNumber(r.resend.reissued),
            delivered: formatNumber(r.resend.delivered),
            failed: formatNumber(r.resend.failed),
          })}
        </p>
      )}
    </>
  );
}

/** Post-onboarding checks of seed 000: due time, status, result and the action on failure. */
export function ChecksPage() {
  const { t } = useTranslation(['checks', 'common']);
  const trpc = useTRPC();
  const me = useMe();
  const canAct = me.data?.role === 'operator' || me.data?.role === 'admin';
  const checks = useQuery(trpc.checks.list.queryOptions(undefined, { refetchInterval: 60_000 }));
  const checkIn = useMutation(trpc.checks.recordCheckIn.mutationOptions());
  const resend = useMutation(trpc.checks.resendPending.mutationOptions());
  const [resendId, setResendId] = useState(uuidv4);
  const [failed, setFailed] = useState<TDistributeResult['failed']>([]);
  const checkInErrors = fieldErrorsOf(checkIn.error);

  async function saveCheckIn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const saved = await checkIn
      .mutateAsync({ outcome: form.get('outcome') === 'issues' ? 'issues' : 'ok', note: String(form.get('note') ?? '') })
      .catch(() => null);
    if (saved) await checks.refetch();
  }

  async function runResend() {
    if (!window.confirm(t('resendConfirm'))) return;
    const r = await resend.mutateAsync({ requestId: resendId }).catch(() => null);
    if (!r) return;
    setResendId(uuidv4());
    setFailed(r.failed);
    await checks.refetch();
  }

  return (
    <section className="card">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {checks.error && <ErrorNotice code={errorCodeOf(checks.error)} onRetry={() => void checks.refetch()} />}
      {checks.data && checks.data.checks.length === 0 && <p className="muted">{t('notClosed')}</p>}
      {checks.data?.closedAt && <p>{t('closedAt', { date: formatDateTime(checks.data.closedAt) })}</p>}
      {checks.data && checks.data.checks.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <tbody>
              {checks.data.checks.map((c) => (
                <tr key={c.key}>
                  <td>
                    <strong>{t(`items.${c.key}.timing`)}</strong>
                    <div className="muted">{t('due', { date: formatDateTime(c.dueAt) })}</div>
                  </td>
                  <td>
                    <p>{t(`items.${c.key}.check`)}</p>
                    <ResultText check={c} />
                    {c.evaluatedAt && <p className="muted">{t('evaluated', { date: formatDateTime(c.evaluatedAt) })}</p>}
                    <p>
                      <span className="muted">{t('actionOnFailure')}:</span> {t(`items.${c.key}.action`)}
                    </p>
                    {canAct && c.key === 'admin_check_in' && (
                      <form onSubmit={(e) => void saveCheckIn(e)} className="no-print">
                        <fieldset className="field">
                          <legend>{t('checkIn.legend')}</legend>
                          <label className="check">
                            <input type="radio" name="outcome" value="ok" defaultChecked /> {t('checkIn.ok')}
                          </label>
                          <label className="check">
                            <input type="radio" name="outcome" value="issues" /> {t('checkIn.issues')}
                          </label>
                        </fieldset>
                        <label className="field">
                          <span>{t('checkIn.note')}</span>
                          <textarea name="note" rows={2} maxLength={2000} aria-describedby="err-note" />
                          <FieldError id="err-note" code={checkInErrors.note} />
                        </label>
                        {checkIn.error && <ErrorNotice code={errorCodeOf(checkIn.error)} />}
                        <button type="submit" disabled={checkIn.isPending}>
                          {t('checkIn.submit')}
                        </button>
                      </form>
                    )}
                    {canAct && c.key === 'enrollment_48h' && c.status === 'failed' && (
                      <div className="actions no-print">
                        <button type="button" disabled={resend.isPending} onClick={() => void runResend()}>
                          {t('resend')}
                        </button>
                      </div>
                    )}
                    {c.key === 'enrollment_48h' && resend.error && <ErrorNotice code={errorCodeOf(resend.error)} />}
                    {c.key === 'enrollment_48h' && failed.length > 0 && <FailedRecipients failed={failed} />}
                  </td>
                  <td>
                    <StatusLabel check={c} />
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

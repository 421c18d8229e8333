import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { LINK_STATUS_VALUES, type TDistributeResult, type TLinkFilter, type TLinkStatus } from '../../../../shared/schemas/links.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatDate, formatDateTime, formatNumber } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { uuidv4 } from '../../../lib/uuid.ts';
import { useTRPC } from '../../trpc.ts';
import { FailedRecipients } from './FailedRecipients.tsx';
import './links.css';

const PAGE = 100;
const BADGE: Record<TLinkStatus, string> = { not_sent: '', sent: 'warn', opened: 'warn', responded: 'ok', expired: 'bad' };

export function StatusBadge({ status }: { status: TLinkStatus }) {
  const { t } = useTranslation('links');
  return <span className={`badge ${BADGE[status]}`}>{t(`status.${status}`)}</span>;
}

/** Save text as a file the browser downloads. */
function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}

/** Onboarding portal item 5: generate, confirm, distribute, resend; per-person link status only. */
export function LinksPage() {
  const { t } = useTranslation(['links', 'common']);
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<TLinkFilter>('all');
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [confirmed, setConfirmed] = useState(false);
  const [method, setMethod] = useState<'email' | 'csv' | 'qr'>('email');
  const [notice, setNotice] = useState<string | null>(null);
  const [failed, setFailed] = useState<TDistributeResult['failed']>([]);
  const list = useQuery({
    ...trpc.links.list.queryOptions({ filter, search, offset, limit: PAGE }),
    // Changing the filter or page keeps the current figures on screen instead of unmounting the forms.
    placeholderData: keepPreviousData,
  });
  const generate = useMutation(trpc.links.generate.mutationOptions());
  const sendEmails = useMutation(trpc.links.sendEmails.mutationOptions());
  const exportCsv = useMutation(trpc.links.exportCsv.mutationOptions());
  const resend = useMutation(trpc.links.resendPending.mutationOptions());
  // One id per click of "resend": a network retry of the same click does not send a second round.
  const [resendId, setResendId] = useState(uuidv4);
  const busy = generate.isPending || sendEmails.isPending || exportCsv.isPending || resend.isPending;
  const error = generate.error ?? sendEmails.error ?? exportCsv.error ?? resend.error;

  const counts = list.data?.counts;
  const queryClient = useQueryClient();
  // Every filter and page of the list is stale after a change, not only the one on screen.
  const refreshLists = () => queryClient.invalidateQueries({ queryKey: trpc.links.list.pathKey() });
  const reportSent = (r: TDistributeResult) =>
    r.mode === 'smtp' ? t('distribute.delivered', { n: formatNumber(r.delivered) }) : t('distribute.kept', { n: formatNumber(r.delivered) });

  async function runGenerate() {
    const done = await generate.mutateAsync({}).catch(() => null);
    if (!done) return;
    setConfirmed(false);
    setFilter('all');
    setNotice(t('generate.done', { n: formatNumber(done.generated), expires: done.expiresAt ? formatDateTime(done.expiresAt) : '' }));
    await refreshLists();
  }

  async function distribute(event: FormEvent) {
    event.preventDefault();
    setNotice(null);
    setFailed([]);
    if (method === 'qr') {
      await navigate('/portal/links/qr');
      return;
    }
    if (method === 'csv') {
      const out = await exportCsv.mutateAsync({}).catch(() => null);
      if (!out) return;
      download(out.filename, out.csv);
      setNotice(t('distribute.exported', { n: formatNumber(out.count) }));
    } else {
      const r = await sendEmails.mutateAsync({}).catch(() => null);
      if (!r) return;
      setNotice(reportSent(r));
      setFailed(r.failed);
    }
    await refreshLists();
  }

  async function runResend() {
    if (!window.confirm(t('resend.confirm'))) return;
    setNotice(null);
    const r = await resend.mutateAsync({ requestId: resendId }).catch(() => null);
    if (!r) return;
    setResendId(uuidv4());
    setNotice(t('resend.done', { reissued: formatNumber(r.reissued), delivered: formatNumber(r.delivered), failed: formatNumber(r.failed.length) }));
    setFailed(r.failed);
    await refreshLists();
  }

  return (
    <>
      <section className="card">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
        {list.error && <ErrorNotice code={errorCodeOf(list.error)} onRetry={() => void list.refetch()} />}
        {counts && (
          <div className="stats">
            <div className="stat">
              <strong>{formatNumber(counts.total)}</strong>
              {t('stats.total')}
            </div>
            {LINK_STATUS_VALUES.map((s) => (
              <div className="stat" key={s}>
                <strong>{formatNumber(counts[s])}</strong>
                {t(`status.${s}`)}
              </div>
            ))}
          </div>
        )}
        {notice && (
          <p className="success" role="status">
            {notice}
          </p>
        )}
        {failed.length > 0 && <FailedRecipients failed={failed} />}
        {error && <ErrorNotice code={errorCodeOf(error)} />}
      </section>

      {counts && (
        <section className="card">
          <h2>{t('generate.title')}</h2>
          {counts.needsLink === 0 ? (
            <p className="muted">{t('generate.none')}</p>
          ) : (
            <>
              <p>{t('generate.needed', { n: formatNumber(counts.needsLink) })}</p>
              <p className="muted">{t('generate.review')}</p>
              <label className="check">
                <input
                  type="checkbox"
                  checked={confirmed}
                  onChange={(e) => {
                    setConfirmed(e.target.checked);
                    if (e.target.checked) setFilter('needs_link');
                  }}
                />{' '}
                {t('generate.confirm')}
              </label>
              <div className="actions">
                <button type="button" disabled={!confirmed || busy} onClick={() => void runGenerate()}>
                  {t('generate.submit', { n: formatNumber(counts.needsLink) })}
                </button>
                {filter !== 'needs_link' && (
                  <button type="button" className="secondary" onClick={() => { setFilter('needs_link'); setOffset(0); }}>
                    {t('list.needs_link')}
                  </button>
                )}
              </div>
            </>
          )}
        </section>
      )}

      {counts && (
        <section className="card">
          <h2>{t('distribute.title')}</h2>
          {list.data?.mailMode === 'outbox' && <p className="muted">{t('distribute.outboxNote')}</p>}
          {counts.readyToSend === 0 ? (
            <p className="muted">{t('distribute.nothingReady')}</p>
          ) : (
            <form onSubmit={(e) => void distribute(e)}>
              <p>{t('distribute.ready', { n: formatNumber(counts.readyToSend) })}</p>
              <fieldset className="field">
                <legend>{t('distribute.method')}</legend>
                {(['email', 'csv', 'qr'] as const).map((m) => (
                  <label key={m} className="check links-method">
                    <input type="radio" name="method" value={m} checked={method === m} onChange={() => setMethod(m)} /> {t(`distribute.${m}`)}
                  </label>
                ))}
              </fieldset>
              <div className="actions">
                <button type="submit" disabled={busy}>
                  {t('distribute.submit')}
                </button>
              </div>
            </form>
          )}
        </section>
      )}

      {counts && (
        <section className="card">
          <h2>{t('resend.title')}</h2>
          <p className="muted">{t('resend.intro')}</p>
          <button type="button" className="secondary" disabled={busy} onClick={() => void runResend()}>
            {t('resend.submit')}
          </button>
        </section>
      )}

      <section className="card">
        <h2>{t('list.title')}</h2>
        <div className="links-filters">
          <label className="field">
            <span>{t('list.filter')}</span>
            <select
              value={filter}
              onChange={(e) => {
                setFilter(e.target.value as TLinkFilter);
                setOffset(0);
              }}
            >
              <option value="all">{t('list.all')}</option>
              <option value="needs_link">{t('list.needs_link')}</option>
              {LINK_STATUS_VALUES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('list.search')}</span>
            <input
              type="search"
              value={search}
              onChange={(e) => {
                setSearch(e.target.value);
                setOffset(0);
              }}
            />
          </label>
        </div>
        {list.data && list.data.rows.length === 0 && <p className="muted">{t('list.empty')}</p>}
        {list.data && list.data.rows.length > 0 && (
          <>
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('list.name')}</th>
                    <th scope="col">{t('list.email')}</th>
                    <th scope="col">{t('list.department')}</th>
                    <th scope="col">{t('list.location')}</th>
                    <th scope="col">{t('list.status')}</th>
                    <th scope="col">{t('list.sent')}</th>
                    <th scope="col">{t('list.expires')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.rows.map((r) => (
                    <tr key={r.employeeId}>
                      <td>{r.name}</td>
                      <td>{r.email}</td>
                      <td>{r.department}</td>
                      <td>{r.location}</td>
                      <td>
                        <StatusBadge status={r.status} />
                      </td>
                      <td>
                        {r.sentAt && (
                          <>
                            {formatDateTime(r.sentAt)} {r.sentVia && <span className="muted">{t(`via.${r.sentVia}`)}</span>}
                          </>
                        )}
                      </td>
                      <td>{r.expiresAt && formatDate(r.expiresAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="actions">
              <span className="muted">
                {t('list.range', {
                  from: formatNumber(offset + 1),
                  to: formatNumber(offset + list.data.rows.length),
                  total: formatNumber(list.data.matching),
                })}
              </span>
              <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                {t('list.previous')}
              </button>
              <button
                type="button"
                className="secondary"
                disabled={offset + PAGE >= list.data.matching}
                onClick={() => setOffset(offset + PAGE)}
              >
                {t('list.next')}
              </button>
            </div>
          </>
        )}
      </section>
    </>
  );
}

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PERSON_LINK_STATUS_VALUES, type TPersonLinkStatus } from '../../../../shared/schemas/admin.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatDate, formatNumber } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { useTRPC } from '../../trpc.ts';
import './admin.css';

const BADGE: Record<TPersonLinkStatus, string> = {
  not_sent: 'badge',
  sent: 'badge',
  opened: 'badge warn',
  responded: 'badge ok',
  expired: 'badge bad',
};

/** Everyone on the roster with their link status only: what a person chose is never shown (privacy rule). */
export function PeoplePage() {
  const { t } = useTranslation(['admin', 'common']);
  const trpc = useTRPC();
  const [status, setStatus] = useState<TPersonLinkStatus | null>(null);
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const people = useQuery({
    ...trpc.admin.people.queryOptions({ status, search, page }),
    placeholderData: keepPreviousData,
  });

  function applySearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSearch(String(new FormData(event.currentTarget).get('search') ?? '').trim());
    setPage(0);
  }

  return (
    <section className="card">
      <h1>{t('people.title')}</h1>
      <p className="muted">{t('people.intro')}</p>
      <form className="filters" role="search" onSubmit={applySearch}>
        <label className="field">
          <span>{t('people.status')}</span>
          <select
            value={status ?? ''}
            onChange={(e) => {
              setStatus(e.target.value === '' ? null : (e.target.value as TPersonLinkStatus));
              setPage(0);
            }}
          >
            <option value="">{t('people.allStatuses')}</option>
            {PERSON_LINK_STATUS_VALUES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('people.search')}</span>
          <input name="search" type="search" defaultValue={search} maxLength={200} />
        </label>
        <button type="submit">{t('people.apply')}</button>
      </form>

      {people.error && <ErrorNotice code={errorCodeOf(people.error)} onRetry={() => void people.refetch()} />}
      {!people.data && !people.error && <p aria-busy="true">{t('common:loading')}</p>}
      {people.data && (
        <>
          {people.data.rows.length === 0 ? (
            <p className="muted">{t('people.empty')}</p>
          ) : (
            <div className="table-scroll">
              <table className="table" aria-busy={people.isFetching}>
                <thead>
                  <tr>
                    <th scope="col">{t('people.name')}</th>
                    <th scope="col">{t('people.email')}</th>
                    <th scope="col">{t('people.department')}</th>
                    <th scope="col">{t('people.location')}</th>
                    <th scope="col">{t('people.linkStatus')}</th>
                    <th scope="col">{t('people.sentAt')}</th>
                    <th scope="col">{t('people.expiresAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {people.data.rows.map((p) => (
                    <tr key={p.email}>
                      <td>{p.name}</td>
                      <td>
                        <bdi>{p.email}</bdi>
                      </td>
                      <td>{p.department ?? '—'}</td>
                      <td>{p.location ?? '—'}</td>
                      <td>
                        <span className={BADGE[p.status]}>{t(`status.${p.status}`)}</span>
                      </td>
                      <td>{p.linkSentAt ? formatDate(p.linkSentAt) : '—'}</td>
                      <td>{p.linkExpiresAt ? formatDate(p.linkExpiresAt) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav className="pager" aria-label={t('people.pages')}>
            <button type="button" className="secondary" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
              {t('people.previous')}
            </button>
            <span>{t('people.page', { page: formatNumber(page + 1) })}</span>
            <button
              type="button"
              className="secondary"
              disabled={!people.data.hasMore}
              onClick={() => setPage((p) => p + 1)}
            >
              {t('people.next')}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

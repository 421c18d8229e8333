import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { TTurnStatus } from '../../../../shared/schemas/archive.ts';
import { sessionTitleOf } from '../../../../shared/schemas/signal.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatDateTime, formatNumber } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { useTRPC } from '../../trpc.ts';
import './archive.css';

export const STATUS_BADGE: Record<TTurnStatus, string> = { complete: 'badge ok', incomplete: 'badge warn', failed: 'badge bad' };

/** The CEO's past Signal sessions, newest first, or the questions and answers matching a search (kept in the URL). */
export function ArchivePage() {
  const { t } = useTranslation(['archive', 'common']);
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const page = Math.max(0, Number.parseInt(params.get('page') ?? '0', 10) || 0);

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    setParams(value ? { q: value } : {});
  }
  const goTo = (next: number) => setParams({ ...(q ? { q } : {}), ...(next > 0 ? { page: String(next) } : {}) });

  return (
    <section className="card">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <form className="archive-search" role="search" onSubmit={search}>
        <label className="field">
          <span>{t('search.label')}</span>
          <input key={q} name="q" type="search" defaultValue={q} maxLength={200} />
        </label>
        <div className="actions">
          <button type="submit">{t('search.submit')}</button>
          {q && (
            <button type="button" className="secondary" onClick={() => setParams({})}>
              {t('search.clear')}
            </button>
          )}
        </div>
      </form>
      {q ? <SearchResults q={q} page={page} goTo={goTo} /> : <SessionList page={page} goTo={goTo} />}
    </section>
  );
}

function Pager({ page, hasMore, goTo }: { page: number; hasMore: boolean; goTo: (page: number) => void }) {
  const { t } = useTranslation('archive');
  if (page === 0 && !hasMore) return null;
  return (
    <nav className="pager" aria-label={t('pager.label')}>
      <button type="button" className="secondary" disabled={page === 0} onClick={() => goTo(page - 1)}>
        {t('pager.previous')}
      </button>
      <span>{t('pager.page', { n: formatNumber(page + 1) })}</span>
      <button type="button" className="secondary" disabled={!hasMore} onClick={() => goTo(page + 1)}>
        {t('pager.next')}
      </button>
    </nav>
  );
}

function SessionList({ page, goTo }: { page: number; goTo: (page: number) => void }) {
  const { t } = useTranslation(['archive', 'common']);
  const trpc = useTRPC();
  const sessions = useQuery({ ...trpc.archive.sessions.queryOptions({ page }), placeholderData: keepPreviousData });

  if (sessions.error) return <ErrorNotice code={errorCodeOf(sessions.error)} onRetry={() => void sessions.refetch()} />;
  if (!sessions.data) return <p aria-busy="true">{t('common:loading')}</p>;
  if (sessions.data.sessions.length === 0 && page === 0) {
    return (
      <>
        <p>{t('empty')}</p>
        <p>
          <Link className="button" to="/signal/ask">
            {t('ask')}
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      <div className="table-scroll">
        <table className="table" aria-busy={sessions.isFetching}>
          <thead>
            <tr>
              <th scope="col">{t('columns.session')}</th>
              <th scope="col">{t('columns.lastActivity')}</th>
              <th scope="col">{t('columns.questions')}</th>
              <th scope="col">{t('columns.status')}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.sessions.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link className="archive-title" to={`/archive/${s.id}`}>
                    {s.title || t('untitled')}
                  </Link>
                  {/* The title is the first question: the latest is shown too only when it is another one. */}
                  {s.lastQuery && sessionTitleOf(s.lastQuery) !== s.title && (
                    <div className="muted archive-last">{t('lastQuestion', { question: s.lastQuery })}</div>
                  )}
                </td>
                <td>
                  <time dateTime={s.updatedAt}>{formatDateTime(s.updatedAt)}</time>
                </td>
                <td className="num">{formatNumber(s.turns)}</td>
                <td>
                  {s.incomplete === 0 && s.failed === 0 ? (
                    <span className="badge ok">{t('status.complete')}</span>
                  ) : (
                    <span className="archive-badges">
                      {s.incomplete > 0 && <span className="badge warn">{t('counts.incomplete', { n: formatNumber(s.incomplete) })}</span>}
                      {s.failed > 0 && <span className="badge bad">{t('counts.failed', { n: formatNumber(s.failed) })}</span>}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} hasMore={sessions.data.hasMore} goTo={goTo} />
    </>
  );
}

function SearchResults({ q, page, goTo }: { q: string; page: number; goTo: (page: number) => void }) {
  const { t } = useTranslation(['archive', 'common']);
  const trpc = useTRPC();
  const results = useQuery({ ...trpc.archive.search.queryOptions({ q, page }), placeholderData: keepPreviousData });

  if (results.error) return <ErrorNotice code={errorCodeOf(results.error)} onRetry={() => void results.refetch()} />;
  if (!results.data) return <p aria-busy="true">{t('common:loading')}</p>;
  return (
    <>
      <h2 aria-live="polite">{t('search.results', { q })}</h2>
      {results.data.hits.length === 0 ? (
        <p>{t('search.none', { q })}</p>
      ) : (
        <ol className="archive-hits" aria-busy={results.isFetching}>
          {results.data.hits.map((hit) => (
            <li key={hit.turnId} className="archive-hit">
              <p className="archive-hit-head">
                <Link className="archive-title" to={`/archive/${hit.sessionId}#turn-${hit.turnId}`}>
                  <Highlight text={hit.query} words={results.data.words} />
                </Link>
                <span className={STATUS_BADGE[hit.status]}>{t(`status.${hit.status}`)}</span>
              </p>
              <p className="muted">
                {hit.sessionTitle || t('untitled')} · <time dateTime={hit.createdAt}>{formatDateTime(hit.createdAt)}</time>
              </p>
              {hit.snippet && (
                <p className="archive-snippet">
                  <Highlight text={hit.snippet} words={results.data.words} />
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
      <Pager page={page} hasMore={results.data.hasMore} goTo={goTo} />
    </>
  );
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();

/** Marks the search words in `text`, ignoring case and accents like the search itself. */
function Highlight({ text, words }: { text: string; words: string[] }) {
  const targets = words.map(fold).filter((w) => w.length > 0);
  if (targets.length === 0) return <>{text}</>;
  // Fold character by character so positions in the folded text map back to the original.
  const chars = [...text];
  const folded = chars.map(fold);
  const marked = new Array<boolean>(chars.length).fill(false);
  for (const target of targets) {
    for (let i = 0; i < chars.length; i++) {
      let acc = '';
      let j = i;
      while (j < chars.length && acc.length < target.length) acc += folded[j++];
      if (acc === target) for (let k = i; k < j; k++) marked[k] = true;
    }
  }
  const parts: { text: string; mark: boolean }[] = [];
  chars.forEach((c, i) => {
    const last = parts.at(-1);
    if (last && last.mark === marked[i]) last.text += c;
    else parts.push({ text: c, mark: marked[i]! });
  });
  return <>{parts.map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : p.text))}</>;
}

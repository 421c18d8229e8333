import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import type { TArchivedTurn } from '../../../../shared/schemas/archive.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { currentLanguage } from '../../../i18n/index.ts';
import { formatDateTime, formatNumber } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { Markdown } from '../../components/Markdown.tsx';
import { SourceCard } from '../../components/SourceCard.tsx';
import { useTRPC } from '../../trpc.ts';
import { STATUS_BADGE } from './ArchivePage.tsx';
import './archive.css';

const sourceAnchor = (turnId: string, recordId: string) => `source-${turnId}-${recordId}`;

/** One past session: every question, its answer as it was saved (sanitized markdown) and the sources it cites. */
export function ArchiveSession() {
  const { t } = useTranslation(['archive', 'common']);
  const trpc = useTRPC();
  const { sessionId = '' } = useParams();
  const { hash } = useLocation();
  const session = useQuery(trpc.archive.session.queryOptions({ sessionId }));
  const [saved, setSaved] = useState<string | null>(null);
  const exporter = useMutation(
    trpc.archive.export.mutationOptions({
      onSuccess: ({ filename, markdown }) => {
        const url = URL.createObjectURL(new Blob([markdown], { type: 'text/markdown;charset=utf-8' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = filename;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
        setSaved(filename);
      },
    }),
  );

  // A search hit links to #turn-<id>; the turn only exists once the session has loaded.
  useEffect(() => {
    if (session.data && hash) document.getElementById(hash.slice(1))?.scrollIntoView();
  }, [session.data, hash]);

  if (session.error) {
    return (
      <section className="card">
        <h1>{t('title')}</h1>
        <ErrorNotice code={errorCodeOf(session.error)} onRetry={() => void session.refetch()} />
        <p>
          <Link to="/archive">{t('session.back')}</Link>
        </p>
      </section>
    );
  }
  if (!session.data) {
    return (
      <section className="card">
        <p aria-busy="true">{t('common:loading')}</p>
      </section>
    );
  }
  const s = session.data;
  return (
    <section className="card">
      <p>
        <Link to="/archive">{t('session.back')}</Link>
      </p>
      <div className="archive-head">
        <div>
          <h1>{s.title || t('untitled')}</h1>
          <p className="muted">{t('session.started', { date: formatDateTime(s.createdAt) })}</p>
        </div>
        <div className="actions no-print">
          <Link className="button" to={`/signal/sessions/${s.id}`}>
            {t('session.continue')}
          </Link>
          <button
            type="button"
            className="secondary"
            disabled={exporter.isPending}
            onClick={() => {
              setSaved(null);
              exporter.mutate({
                sessionId: s.id,
                language: currentLanguage(),
                timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
              });
            }}
          >
            {exporter.isPending ? t('session.exporting') : t('session.export')}
          </button>
        </div>
      </div>
      <div aria-live="polite">
        {saved && <p className="success">{t('session.exported', { filename: saved })}</p>}
      </div>
      {exporter.error && <ErrorNotice code={errorCodeOf(exporter.error)} />}
      {s.turns.length === 0 && <p>{t('session.noTurns')}</p>}
      {s.turns.map((turn) => (
        <Turn key={turn.id} turn={turn} />
      ))}
    </section>
  );
}

function Turn({ turn }: { turn: TArchivedTurn }) {
  const { t } = useTranslation(['archive', 'common']);
  const trpc = useTRPC();
  const [showRetrieved, setShowRetrieved] = useState(false);
  const retrieved = useQuery({ ...trpc.archive.retrieved.queryOptions({ turnId: turn.id }), enabled: showRetrieved });
  const number = new Map(turn.sources.map((src, i) => [src.removed ? src.id : src.record.id, i + 1]));
  const headingId = `turn-${turn.id}-title`;

  const openSource = (recordId: string) => {
    const card = document.getElementById(sourceAnchor(turn.id, recordId));
    card?.scrollIntoView({ block: 'nearest' });
    card?.focus();
  };

  return (
    <article className="turn" id={`turn-${turn.id}`} aria-labelledby={headingId}>
      <div className="turn-head">
        <h2 id={headingId}>{t('session.turn', { n: formatNumber(turn.index + 1) })}</h2>
        <span className={STATUS_BADGE[turn.status]}>{t(`status.${turn.status}`)}</span>
        <time className="muted" dateTime={turn.createdAt}>
          {t('session.askedAt', { date: formatDateTime(turn.createdAt) })}
        </time>
      </div>
      <p className="turn-query">{turn.query}</p>
      {turn.status !== 'complete' && <p className="muted">{t(`statusNote.${turn.status}`)}</p>}
      <h3>{t('session.answer')}</h3>
      <p className="muted">
        {turn.mode === 'extractive' ? t('mode.extractive') : t('session.model', { model: turn.modelUsed })}
      </p>
      <div className="turn-answer">
        {turn.response.trim() ? (
          <Markdown text={turn.response} onCite={openSource} citationNumber={(id) => number.get(id)} />
        ) : (
          <p className="muted">{t('session.noAnswer')}</p>
        )}
      </div>
      <div className="turn-sources">
        <h3>{t('session.sources')}</h3>
        {turn.sources.length === 0 && <p className="muted">{t('session.noSources')}</p>}
        {turn.sources.map((source, i) => {
          const id = source.removed ? source.id : source.record.id;
          return <SourceCard key={id} source={source} number={i + 1} id={sourceAnchor(turn.id, id)} />;
        })}
        {turn.retrievedCount > 0 && (
          <p className="no-print">
            <button
              type="button"
              className="link"
              aria-expanded={showRetrieved}
              onClick={() => setShowRetrieved(!showRetrieved)}
            >
              {showRetrieved ? t('session.hideRetrieved') : t('session.showRetrieved', { n: formatNumber(turn.retrievedCount) })}
            </button>
          </p>
        )}
        {showRetrieved && (
          <div>
            <h4>{t('session.retrievedTitle')}</h4>
            {retrieved.error && <ErrorNotice code={errorCodeOf(retrieved.error)} onRetry={() => void retrieved.refetch()} />}
            {!retrieved.data && !retrieved.error && <p aria-busy="true">{t('common:loading')}</p>}
            {retrieved.data?.sources.map((source) => {
              const id = source.removed ? source.id : source.record.id;
              return <SourceCard key={id} source={source} number={number.get(id)} />;
            })}
          </div>
        )}
      </div>
    </article>
  );
}

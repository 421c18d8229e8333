import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { CHANNELS, type Channel } from '../../../../shared/channels.ts';
import type { AppErrorCode } from '../../../../shared/errors.ts';
import {
  MAX_QUERY_LENGTH,
  STREAM_ERROR_CODES,
  type TExtractiveSummary,
  type TSignalScope,
  type TStreamErrorCode,
} from '../../../../shared/schemas/signal.ts';
import type { TCitedSource } from '../../../../shared/schemas/sources.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatDate, formatNumber, isolate } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { Markdown } from '../../components/Markdown.tsx';
import { SourceCard } from '../../components/SourceCard.tsx';
import { useTRPC } from '../../trpc.ts';
import { ask, clearLiveTurn, stopAnswer, useLiveTurn } from './live.ts';
import './signal.css';

type TurnProps = {
  turnKey: string;
  query: string;
  text: string;
  sources: TCitedSource[] | null;
  summary: TExtractiveSummary | null;
  mode: 'llm' | 'extractive' | null;
  phase: 'asking' | 'streaming' | 'done';
  status: 'complete' | 'incomplete' | 'failed' | null;
  streamError: TStreamErrorCode | null;
  requestError: AppErrorCode | 'NETWORK' | null;
};

const isStreamError = (code: string | null): code is TStreamErrorCode =>
  code !== null && (STREAM_ERROR_CODES as readonly string[]).includes(code);

function Summary({ summary }: { summary: TExtractiveSummary }) {
  const { t } = useTranslation(['signal', 'common']);
  return (
    <div className="stats signal-summary" aria-label={t('summary.title')}>
      <div className="stat">
        <span>{t('summary.records')}</span>
        <strong>{formatNumber(summary.records)}</strong>
      </div>
      <div className="stat">
        <span>{t('summary.people')}</span>
        <strong>{formatNumber(summary.people)}</strong>
        {summary.topPeople.length > 0 && (
          <span className="muted">
            {t('summary.mostActive', {
              people: summary.topPeople
                .map((p) => t('summary.personCount', { name: isolate(p.name), n: formatNumber(p.count) }))
                .join(', '),
            })}
          </span>
        )}
      </div>
      <div className="stat">
        <span>{t('summary.channels')}</span>
        <ul className="plain">
          {summary.byChannel.map((c) => (
            <li key={c.channel}>
              {t(`common:channels.${c.channel}`)}: {formatNumber(c.count)}
            </li>
          ))}
        </ul>
      </div>
      {summary.from && summary.to && (
        <div className="stat">
          <span>{t('summary.period')}</span>
          <strong className="signal-period">
            {t('summary.range', { from: formatDate(summary.from), to: formatDate(summary.to) })}
          </strong>
        </div>
      )}
    </div>
  );
}

function Turn(props: TurnProps) {
  const { t } = useTranslation(['signal', 'common']);
  const [sourcesOpen, setSourcesOpen] = useState(props.phase !== 'done');
  const sources = props.sources ?? [];
  const idOf = (s: TCitedSource) => (s.removed ? s.id : s.record.id);
  const anchor = (id: string) => `source-${props.turnKey}-${id}`;
  const numberOf = useCallback((id: string) => {
    const index = sources.findIndex((s) => idOf(s) === id);
    return index === -1 ? undefined : index + 1;
  }, [sources]);
  const openSource = useCallback((id: string) => {
    setSourcesOpen(true);
    // After the list has opened: bring the card into view and give it focus for keyboard and screen-reader users.
    requestAnimationFrame(() => {
      const card = document.getElementById(anchor(id));
      card?.scrollIntoView({ block: 'center' });
      card?.focus();
    });
  }, [props.turnKey]);

  const streaming = props.phase !== 'done';
  return (
    <article className="signal-turn" aria-busy={streaming}>
      <div className="signal-question">
        <span className="muted">{t('turn.you')}</span>
        <p>{props.query}</p>
      </div>
      <div className="signal-answer">
        <p className="signal-answer-head">
          <strong>{t('turn.answer')}</strong>
          {props.mode === 'extractive' && <span className="badge warn">{t('mode.extractive')}</span>}
          {props.phase === 'asking' && <span className="muted">{t('turn.searching')}</span>}
          {props.phase === 'streaming' && <span className="muted">{t('turn.writing')}</span>}
        </p>
        {props.requestError && <ErrorNotice code={props.requestError} />}
        {props.text && <Markdown text={props.text} streaming={streaming} onCite={openSource} citationNumber={numberOf} />}
        {props.summary && <Summary summary={props.summary} />}
        {props.phase === 'done' && props.mode === 'extractive' && props.summary?.records === 0 && (
          <p>{t('turn.nothingFound')}</p>
        )}
        {props.streamError && (
          <div className="alert" role="alert">
            <p>{t(`streamErrors.${props.streamError}`)}</p>
          </div>
        )}
        {props.status === 'incomplete' && !props.streamError && <p className="muted">{t('turn.stopped')}</p>}
      </div>
      {props.sources && (
        <details className="signal-sources" open={sourcesOpen} onToggle={(e) => setSourcesOpen(e.currentTarget.open)}>
          <summary>{t('turn.sources', { n: formatNumber(sources.length) })}</summary>
          {sources.length === 0 ? (
            <p className="muted">{t('turn.noSources')}</p>
          ) : (
            sources.map((s, i) => <SourceCard key={idOf(s)} source={s} number={i + 1} id={anchor(idOf(s))} />)
          )}
        </details>
      )}
    </article>
  );
}

function ScopeControls({ scope, onChange }: { scope: TSignalScope; onChange: (next: TSignalScope) => void }) {
  const { t } = useTranslation(['signal', 'common']);
  const trpc = useTRPC();
  const options = useQuery(trpc.signal.scopeOptions.queryOptions());
  const channels = options.data?.channels ?? [...CHANNELS];
  const toggle = <T,>(list: T[] | undefined, value: T) =>
    list?.includes(value) ? list.filter((v) => v !== value) : [...(list ?? []), value];
  const set = (patch: Partial<TSignalScope>) => {
    const next: TSignalScope = { ...scope, ...patch };
    for (const key of Object.keys(next) as (keyof TSignalScope)[]) {
      const value = next[key];
      if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) delete next[key];
    }
    onChange(next);
  };
  const active = Object.keys(scope).length;
  return (
    <details className="signal-scope">
      <summary>
        {t('scope.title')}
        {active > 0 && <span className="badge">{t('scope.active', { n: formatNumber(active) })}</span>}
      </summary>
      <fieldset className="field">
        <legend>{t('scope.channels')}</legend>
        <div>
          {channels.map((c: Channel) => (
            <label key={c} className="check">
              <input type="checkbox" checked={scope.channels?.includes(c) ?? false} onChange={() => set({ channels: toggle(scope.channels, c) })} />
              {t(`common:channels.${c}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="signal-dates">
        <label className="field">
          <span>{t('scope.from')}</span>
          <input type="date" value={scope.from ?? ''} max={scope.to} onChange={(e) => set({ from: e.target.value || undefined })} />
        </label>
        <label className="field">
          <span>{t('scope.to')}</span>
          <input type="date" value={scope.to ?? ''} min={scope.from} onChange={(e) => set({ to: e.target.value || undefined })} />
        </label>
      </div>
      {options.data && options.data.departments.length > 0 && (
        <fieldset className="field">
          <legend>{t('scope.departments')}</legend>
          <div className="signal-departments">
            {options.data.departments.map((d) => (
              <label key={d} className="check">
                <input type="checkbox" checked={scope.departments?.includes(d) ?? false} onChange={() => set({ departments: toggle(scope.departments, d) })} />
                {d}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <p className="muted">{active === 0 ? t('scope.none') : ''}</p>
      {active > 0 && (
        <button type="button" className="secondary" onClick={() => onChange({})}>
          {t('scope.clear')}
        </button>
      )}
    </details>
  );
}

/**
 * Signal's chat: a question, optionally narrowed by channel, dates and department; the answer streams in as
 * sanitized markdown whose citations open the source records. `?q=` asks at once (the dashboard's ask box).
 */
export function SignalChat() {
  const { t } = useTranslation(['signal', 'common']);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { sessionId } = useParams();
  const [params] = useSearchParams();
  const [query, setQuery] = useState('');
  const [scope, setScope] = useState<TSignalScope>({});
  const options = useQuery(trpc.signal.scopeOptions.queryOptions());
  const session = useQuery({ ...trpc.signal.session.queryOptions({ sessionId: sessionId ?? '' }), enabled: Boolean(sessionId) });
  const current = useLiveTurn();
  const live = current && current.sessionId === (sessionId ?? null) ? current : current?.sessionId === null && !sessionId ? current : null;
  const busy = Boolean(current && current.phase !== 'done');

  const submit = useCallback(
    (text: string) => {
      const q = text.trim();
      if (!q || busy) return;
      setQuery('');
      void ask(
        { query: q, scope, sessionId: sessionId ?? null },
        {
          onSession: (id) => {
            if (id !== sessionId) void navigate(`/signal/sessions/${id}`, { replace: true });
          },
          onDone: (id) => {
            if (id) void queryClient.invalidateQueries({ queryKey: trpc.signal.session.queryKey({ sessionId: id }) });
          },
        },
      );
    },
    [busy, scope, sessionId, navigate, queryClient, trpc],
  );

  // The dashboard's ask box lands here with ?q=: ask once.
  const askedFromUrl = useRef(false);
  useEffect(() => {
    const q = params.get('q');
    if (q && !sessionId && !askedFromUrl.current) {
      askedFromUrl.current = true;
      submit(q);
    }
  }, [params, sessionId, submit]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit(query);
  };
  const newSession = () => {
    clearLiveTurn();
    setScope({});
    void navigate('/signal/ask');
  };

  const turns = session.data?.turns.filter((turn) => turn.turnId !== live?.turnId) ?? [];
  const titleText = session.data?.title;

  return (
    <section className="card signal-chat">
      <header className="signal-head">
        <h1>{titleText ? t('sessionTitle', { title: titleText }) : t('title')}</h1>
        <div className="actions">
          {options.data?.mode === 'extractive' && <span className="badge warn">{t('mode.extractive')}</span>}
          {(sessionId || live) && (
            <button type="button" className="secondary" onClick={newSession} disabled={busy}>
              {t('ask.newSession')}
            </button>
          )}
        </div>
      </header>
      {options.data?.mode === 'extractive' && <p className="muted">{t('mode.extractiveHelp')}</p>}
      {session.error && <ErrorNotice code={errorCodeOf(session.error)} />}
      {!sessionId && !live && <p className="muted">{t('intro')}</p>}

      <div className="signal-turns">
        {turns.map((turn) => (
          <Turn
            key={turn.turnId}
            turnKey={turn.turnId}
            query={turn.query}
            text={turn.response}
            sources={turn.sources}
            summary={turn.summary}
            mode={turn.mode}
            phase="done"
            status={turn.status}
            streamError={isStreamError(turn.errorCode) ? turn.errorCode : null}
            requestError={null}
          />
        ))}
        {live && <Turn key={live.turnId ?? 'pending'} turnKey={live.turnId ?? 'pending'} {...live} />}
      </div>

      <form className="signal-ask" onSubmit={onSubmit} aria-label={t('ask.form')}>
        <label className="field">
          <span>{t('ask.label')}</span>
          <textarea
            value={query}
            rows={3}
            maxLength={MAX_QUERY_LENGTH}
            placeholder={t('ask.placeholder')}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                submit(query);
              }
            }}
          />
        </label>
        <ScopeControls scope={scope} onChange={setScope} />
        <div className="actions">
          {busy ? (
            <button type="button" className="danger" onClick={stopAnswer}>
              {t('ask.stop')}
            </button>
          ) : (
            <button type="submit" disabled={!query.trim()}>
              {t('ask.submit')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

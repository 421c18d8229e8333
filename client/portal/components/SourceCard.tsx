import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TCitedSource } from '../../../shared/schemas/sources.ts';
import { currentLanguage } from '../../i18n/index.ts';
import { formatDateTime, formatNumber, isolate } from '../../lib/format.ts';
import './markdown.css';

/** Bodies longer than this start collapsed (a meeting transcript segment can run to pages). */
const COLLAPSE_AT = 600;

function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([currentLanguage()], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * One source behind an answer: who wrote it (the consenting employee and their department), where, when, and its
 * text as plain text with its line breaks. A purged source (consent withdrawn) shows only that it was removed —
 * the record is gone, and the card never had its content. `number` is the citation number shown in the answer;
 * `id` lets a citation button scroll to and focus the card.
 */
export function SourceCard({ source, number, id }: { source: TCitedSource; number?: number; id?: string }) {
  const { t } = useTranslation(['portal', 'common']);
  const [expanded, setExpanded] = useState(false);
  const bodyId = useId();
  const heading =
    number === undefined ? null : (
      <span className="source-number" aria-hidden="true">
        {formatNumber(number)}
      </span>
    );

  if (source.removed) {
    return (
      <article className="source-card removed" id={id} tabIndex={-1} data-record={source.id}>
        <p>
          {heading}
          <span className="muted">{t('sources.removed')}</span>
        </p>
      </article>
    );
  }

  const r = source.record;
  const long = r.body.length > COLLAPSE_AT;
  const body = long && !expanded ? `${r.body.slice(0, COLLAPSE_AT).trimEnd()}…` : r.body;
  return (
    <article className="source-card" id={id} tabIndex={-1} data-record={r.id} lang={r.language}>
      <header lang={currentLanguage()}>
        <p className="source-meta">
          {heading}
          <strong>{t(`common:channels.${r.channel}`)}</strong>
          <span className="badge">{r.platform}</span>
          <span>
            {r.author.department
              ? t('sources.authorIn', { name: isolate(r.author.displayName), department: isolate(r.author.department) })
              : isolate(r.author.displayName)}
          </span>
          <time dateTime={r.occurredAt}>{formatDateTime(r.occurredAt)}</time>
          <span className="muted">{t('sources.language', { language: languageName(r.language) })}</span>
        </p>
        {r.subject && <p className="source-subject">{r.subject}</p>}
      </header>
      <p className="source-body" id={bodyId}>
        {body}
      </p>
      {long && (
        <button type="button" className="link" aria-expanded={expanded} aria-controls={bodyId} onClick={() => setExpanded(!expanded)}>
          {expanded ? t('sources.showLess') : t('sources.showMore')}
        </button>
      )}
    </article>
  );
}

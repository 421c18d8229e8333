import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../../../shared/channels.ts';
import {
  PERSON_LINK_STATUS_VALUES,
  type TChannelFigures,
  type TEnrollmentSummary,
  type TFunnel,
  type TGroupFigures,
  type TTimeline,
} from '../../../../shared/schemas/admin.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatDateTime, formatNumber, formatPercent } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { useTRPC } from '../../trpc.ts';
import { EnrollmentChart } from './EnrollmentChart.tsx';
import './admin.css';

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Admin home: enrollment rates, the link funnel, breakdowns (≥ 5-person groups only) and the timeline. */
export function EnrollmentPage() {
  const { t } = useTranslation(['admin', 'common']);
  const trpc = useTRPC();
  const summary = useQuery(trpc.admin.summary.queryOptions());
  const funnel = useQuery(trpc.admin.funnel.queryOptions());
  const timeline = useQuery(trpc.admin.timeline.queryOptions());
  const failed = summary.error ?? funnel.error ?? timeline.error;

  if (failed) {
    return (
      <ErrorNotice
        code={errorCodeOf(failed)}
        onRetry={() => void Promise.all([summary.refetch(), funnel.refetch(), timeline.refetch()])}
      />
    );
  }
  if (!summary.data || !funnel.data || !timeline.data) return <p aria-busy="true">{t('common:loading')}</p>;
  const s = summary.data;

  return (
    <>
      <section className="card">
        <h1>{t('title')}</h1>
        <Stats summary={s} funnel={funnel.data} timeline={timeline.data} />
        <p className="muted">{t('privacyNote', { count: s.minGroupSize })}</p>
      </section>
      <section className="card" aria-labelledby="funnel-title">
        <h2 id="funnel-title">{t('funnel.title')}</h2>
        <Funnel funnel={funnel.data} />
      </section>
      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('chart.title')}</h2>
        {timeline.data.startedAt ? (
          <>
            <p className="muted">
              {t(timeline.data.startKind === 'session_closed' ? 'chart.sinceClosed' : 'chart.sinceFirstLink', {
                date: formatDateTime(timeline.data.startedAt),
              })}
            </p>
            <EnrollmentChart timeline={timeline.data} />
          </>
        ) : (
          <p className="muted">{t('chart.empty')}</p>
        )}
      </section>
      <section className="card" aria-labelledby="channels-title">
        <h2 id="channels-title">{t('channels.title')}</h2>
        <p className="muted">{t('channels.intro')}</p>
        <ChannelList figures={s.overallChannels} channels={s.channels} minGroupSize={s.minGroupSize} />
      </section>
      <Breakdown title={t('breakdown.byDepartment')} keyLabel={t('breakdown.department')} groups={s.byDepartment} summary={s} />
      <Breakdown title={t('breakdown.byLocation')} keyLabel={t('breakdown.location')} groups={s.byLocation} summary={s} />
    </>
  );
}

/** The 48 h target is judged on enrollment at session close + 48 h, whatever came after (the chart shows the rest). */
function TargetText({ timeline }: { timeline: TTimeline }) {
  const { t } = useTranslation('admin');
  const { target, total, reachedAt } = timeline;
  const targetShare = formatPercent(target.share);
  const figures = {
    achieved: formatPercent(target.achieved ?? 0),
    responded: formatNumber(target.responded ?? 0),
    total: formatNumber(total),
  };
  if (target.outcome === 'not_started' || !target.at) {
    return <span className="muted">{t('stats.targetNotStarted', { share: targetShare, count: target.hours })}</span>;
  }
  if (target.outcome === 'pending') {
    return (
      <span className="muted">
        {t('stats.targetBy', { share: targetShare, date: formatDateTime(target.at) })} · {t('stats.soFar', figures)}
      </span>
    );
  }
  return (
    <span className="muted">
      {t('stats.judged', { ...figures, hours: formatNumber(target.hours), date: formatDateTime(target.at) })}
      {target.outcome === 'missed' && reachedAt && (
        <> · {t('stats.reachedLater', { share: targetShare, date: formatDateTime(reachedAt) })}</>
      )}
    </span>
  );
}

function Stats({ summary, funnel, timeline }: { summary: TEnrollmentSummary; funnel: TFunnel; timeline: TTimeline }) {
  const { t } = useTranslation('admin');
  return (
    <div className="stats">
      <div className="stat">
        <span>{t('stats.people')}</span>
        <strong>{formatNumber(summary.total)}</strong>
      </div>
      <div className="stat">
        <span>{t('stats.responded')}</span>
        <strong>{formatPercent(share(summary.responded, summary.total))}</strong>
        <span className="muted">
          {t('stats.respondedOf', { responded: formatNumber(summary.responded), total: formatNumber(summary.total) })}
        </span>
      </div>
      <div className="stat">
        <span>{t('stats.waiting')}</span>
        <strong>{formatNumber(funnel.counts.sent + funnel.counts.opened)}</strong>
        <span className="muted">{t('stats.expiredCount', { formatted: formatNumber(funnel.counts.expired) })}</span>
      </div>
      <div className="stat" data-testid="target-stat">
        <span>{t('stats.target')}</span>
        <strong className={`outcome-${timeline.target.outcome}`}>{t(`stats.outcome.${timeline.target.outcome}`)}</strong>
        <TargetText timeline={timeline} />
      </div>
    </div>
  );
}

function Funnel({ funnel }: { funnel: TFunnel }) {
  const { t } = useTranslation('admin');
  return (
    <ol className="funnel">
      {PERSON_LINK_STATUS_VALUES.map((status) => {
        const count = funnel.counts[status];
        const part = share(count, funnel.total);
        return (
          <li key={status}>
            <span>{t(`status.${status}`)}</span>
            <span className={`bar${status === 'expired' ? ' expired' : ''}`} aria-hidden="true">
              <span style={{ inlineSize: `${(part * 100).toFixed(1)}%` }} />
            </span>
            <span className="count">
              {formatNumber(count)} <span className="muted">({formatPercent(part)})</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function FewerThan({ count }: { count: number }) {
  const { t } = useTranslation('admin');
  return <span className="suppressed">{t('fewerThan', { count })}</span>;
}

function ChannelList({ figures, channels, minGroupSize }: { figures: TChannelFigures; channels: Channel[]; minGroupSize: number }) {
  const { t } = useTranslation(['admin', 'common']);
  if (figures.suppressed) return <p><FewerThan count={minGroupSize} /></p>;
  return (
    <div className="stats">
      {channels.map((channel) => {
        const count = figures.allowed.find((a) => a.channel === channel)?.count ?? 0;
        return (
          <div className="stat" key={channel}>
            <span>{t(`common:channels.${channel}`)}</span>
            <strong>{formatPercent(share(count, figures.respondents))}</strong>
            <span className="muted">
              {t('channels.allowedOf', { count: formatNumber(count), respondents: formatNumber(figures.respondents) })}
            </span>
          </div>
        );
      })}
    </div>
  );
}

function Breakdown({
  title,
  keyLabel,
  groups,
  summary,
}: {
  title: string;
  keyLabel: string;
  groups: TGroupFigures[];
  summary: TEnrollmentSummary;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const min = summary.minGroupSize;
  return (
    <section className="card">
      <h2>{title}</h2>
      {groups.length === 0 ? (
        <p className="muted">{t('breakdown.empty')}</p>
      ) : (
        // Wider than a phone: the region scrolls, so it takes focus for keyboard scrolling.
        <div className="table-scroll" tabIndex={0} role="region" aria-label={title}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{keyLabel}</th>
                <th scope="col">{t('breakdown.people')}</th>
                <th scope="col">{t('breakdown.responded')}</th>
                {summary.channels.map((c) => (
                  <th scope="col" key={c}>
                    {t(`common:channels.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.key ?? ''}>
                  <th scope="row">{g.key ?? <span className="muted">{t('breakdown.notSet')}</span>}</th>
                  {g.response.suppressed ? (
                    <td colSpan={2}>
                      <FewerThan count={min} />
                    </td>
                  ) : (
                    <>
                      <td className="num">{formatNumber(g.response.total)}</td>
                      <td className="num">
                        {formatPercent(share(g.response.responded, g.response.total))}{' '}
                        <span className="muted">({formatNumber(g.response.responded)})</span>
                      </td>
                    </>
                  )}
                  {g.channels.suppressed ? (
                    <td colSpan={summary.channels.length}>
                      <FewerThan count={min} />
                    </td>
                  ) : (
                    summary.channels.map((c) => {
                      const figures = g.channels as Extract<TChannelFigures, { suppressed: false }>;
                      const count = figures.allowed.find((a) => a.channel === c)?.count ?? 0;
                      return (
                        <td className="num" key={c}>
                          {formatPercent(share(count, figures.respondents))}{' '}
                          <span className="muted">({formatNumber(count)})</span>
                        </td>
                      );
                    })
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted">{t('breakdown.note', { count: min })}</p>
    </section>
  );
}

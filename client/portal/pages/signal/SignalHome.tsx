import { useQuery } from '@tanstack/react-query';
import { useId, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { DASHBOARD_FRESH_MINUTES, type TActivity, type TTerm, type TTermTrend, type TTerms } from '../../../../shared/schemas/insights.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { currentLanguage } from '../../../i18n/index.ts';
import { formatDate, formatDateTime, formatNumber } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { useMe } from '../../session.ts';
import { useTRPC } from '../../trpc.ts';
import { ActivityChart, hasFigures, MAX_CHART_SERIES, type ChartSeries } from './ActivityChart.tsx';
import './signal-home.css';

/** The connectors of the product (spec §3.2); none is connected directly yet. */
const CONNECTORS = ['m365', 'google', 'slack', 'zoom', 'ringcentral', 'dialpad', 'zoomPhone', 'openphone'] as const;

const TREND_BADGE: Record<TTermTrend, string> = {
  new: 'badge ok',
  rising: 'badge ok',
  steady: 'badge',
  falling: 'badge warn',
  gone: 'badge bad',
};

/** Signal home: ask a question, then the dashboard — activity, terms, connectors — over groups of ≥ 5 people. */
export function SignalHome() {
  const { t } = useTranslation(['insights', 'portal', 'common']);
  const trpc = useTRPC();
  const me = useMe();
  const navigate = useNavigate();
  const activity = useQuery(trpc.insights.activity.queryOptions());
  const terms = useQuery(trpc.insights.terms.queryOptions());
  const askId = useId();

  function ask(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    if (q) void navigate(`/signal/ask?q=${encodeURIComponent(q)}`);
  }

  return (
    <>
      <section className="card">
        <h1>{t('portal:signal.title', { name: me.data?.name ?? '' })}</h1>
        <p className="muted">{t('intro', { min: formatNumber(activity.data?.minGroupSize ?? 5) })}</p>
        <form className="signal-ask" onSubmit={ask}>
          <label className="field" htmlFor={askId}>
            <span>{t('ask.label')}</span>
          </label>
          <div className="signal-ask-row">
            <input id={askId} name="q" type="text" required maxLength={2000} placeholder={t('ask.placeholder')} autoComplete="off" />
            <button type="submit">{t('ask.submit')}</button>
          </div>
        </form>
      </section>

      <section className="card" aria-labelledby="activity-title">
        <h2 id="activity-title">{t('activity.title')}</h2>
        {activity.error && <ErrorNotice code={errorCodeOf(activity.error)} onRetry={() => void activity.refetch()} />}
        {!activity.data && !activity.error && <p aria-busy="true">{t('common:loading')}</p>}
        {activity.data && <Activity data={activity.data} />}
      </section>

      <section className="card" aria-labelledby="terms-title">
        <h2 id="terms-title">{t('terms.title')}</h2>
        {terms.error && <ErrorNotice code={errorCodeOf(terms.error)} onRetry={() => void terms.refetch()} />}
        {!terms.data && !terms.error && <p aria-busy="true">{t('common:loading')}</p>}
        {terms.data && <Terms data={terms.data} />}
      </section>

      <section className="card" aria-labelledby="connectors-title">
        <h2 id="connectors-title">{t('connectors.title')}</h2>
        <p className="muted">{t('connectors.intro')}</p>
        <ul className="connector-list">
          {CONNECTORS.map((c) => (
            <li key={c}>
              <span>{t(`connectors.names.${c}`)}</span>
              <span className="badge">{t('connectors.status')}</span>
            </li>
          ))}
        </ul>
        <div className="actions">
          <Link className="button secondary" to="/admin/api-keys">
            {t('connectors.apiKeys')}
          </Link>
          <Link className="button secondary" to="/admin">
            {t('portal:signal.enrollment')}
          </Link>
        </div>
      </section>
    </>
  );
}

function AsOf({ iso }: { iso: string | undefined }) {
  const { t } = useTranslation('insights');
  if (!iso) return null;
  return <p className="muted">{t('asOf', { time: formatDateTime(iso), minutes: formatNumber(DASHBOARD_FRESH_MINUTES) })}</p>;
}

/** Shares of messages are often small: one decimal. */
const formatShare = (share: number) =>
  new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 1 }).format(share);

const visibleTotal = (cells: ChartSeries['cells']) => cells.reduce((n, c) => n + (c.suppressed ? 0 : c.count), 0);

function Activity({ data }: { data: TActivity }) {
  const { t } = useTranslation(['insights', 'common']);
  const min = formatNumber(data.minGroupSize);
  // An empty customer (or one whose every week is hidden) gets an empty state, not charts of zeros.
  if (!hasFigures(data.totals)) {
    const hidden = data.totals.some((c) => c.suppressed);
    return <p className="empty-state">{hidden ? t('activity.emptyHidden', { min }) : t('activity.empty')}</p>;
  }
  const channels: ChartSeries[] = data.byChannel.map((s) => ({ key: s.channel, label: t(`common:channels.${s.channel}`), cells: s.cells }));
  const departments: ChartSeries[] = data.byDepartment.map((s) => ({
    key: s.department ?? '\u0000none',
    label: s.department ?? t('activity.noDepartment'),
    cells: s.cells,
  }));
  const topDepartments = [...departments]
    .filter((s) => visibleTotal(s.cells) > 0)
    .sort((a, b) => visibleTotal(b.cells) - visibleTotal(a.cells))
    .slice(0, MAX_CHART_SERIES);
  const totals = { label: t('activity.total'), cells: data.totals };
  return (
    <>
      <p className="muted">{t('activity.hiddenNote', { min })}</p>
      <AsOf iso={data.weeks.at(-1)?.to} />
      <h3>{t('activity.byChannel')}</h3>
      <ActivityChart
        minGroupSize={data.minGroupSize}
        title={t('activity.byChannel')}
        weeks={data.weeks}
        chartSeries={channels}
        tableSeries={channels}
        totals={totals}
      />
      <h3>{t('activity.byDepartment')}</h3>
      <ActivityChart
        minGroupSize={data.minGroupSize}
        title={t('activity.byDepartment')}
        weeks={data.weeks}
        chartSeries={topDepartments}
        tableSeries={departments}
        totals={totals}
        note={
          topDepartments.length > 0 && departments.length > topDepartments.length
            ? t('activity.topDepartments', { n: formatNumber(topDepartments.length) })
            : undefined
        }
      />
    </>
  );
}

function Terms({ data }: { data: TTerms }) {
  const { t } = useTranslation('insights');
  const min = formatNumber(data.minGroupSize);
  return (
    <>
      <p className="muted">{t('terms.intro', { min, from: formatDate(data.current.from), to: formatDate(data.current.to) })}</p>
      <p className="muted">
        {t('terms.shareNote')}{' '}
        {data.sample.estimated &&
          t('terms.estimated', { current: formatNumber(data.sample.current), previous: formatNumber(data.sample.previous) })}
      </p>
      <AsOf iso={data.current.to} />
      {data.top.length === 0 ? <p>{t('terms.empty', { min })}</p> : <TermTable terms={data.top} caption={t('terms.title')} min={min} />}
      {data.falling.length > 0 && (
        <>
          <h3>{t('terms.fallingTitle')}</h3>
          <TermTable terms={data.falling} caption={t('terms.fallingTitle')} min={min} />
        </>
      )}
    </>
  );
}

function TermTable({ terms, caption, min }: { terms: TTerm[]; caption: string; min: string }) {
  const { t } = useTranslation('insights');
  const figure = (n: number | null) =>
    n === null ? <td className="suppressed">{t('terms.fewer', { min })}</td> : <td className="num">{formatShare(n)}</td>;
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('terms.term')}</th>
            <th scope="col">{t('terms.current')}</th>
            <th scope="col">{t('terms.previous')}</th>
            <th scope="col">{t('terms.trendCol')}</th>
          </tr>
        </thead>
        <tbody>
          {terms.map((term) => (
            <tr key={term.term}>
              <th scope="row">
                <bdi>{term.term}</bdi>
              </th>
              {figure(term.current)}
              {figure(term.previous)}
              <td>
                <span className={TREND_BADGE[term.trend]}>{t(`terms.trend.${term.trend}`)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

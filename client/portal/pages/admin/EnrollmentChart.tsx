import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TTimeline } from '../../../../shared/schemas/admin.ts';
import { formatDateTime, formatNumber, formatPercent } from '../../../lib/format.ts';

const W = 640;
const H = 260;
const PAD = { start: 44, end: 16, top: 16, bottom: 34 };

/** The first week holds nearly all of an enrollment's movement: the chart shows it unless asked for the whole period. */
export const FOCUS_HOURS = 7 * 24;

/**
 * Cumulative responded share over time as inline SVG, with the 48-hour / 80 % target as dashed lines and a marker
 * (the 48 h line once the session has closed: the target's clock starts then). Focused on the first 7 days, with a
 * toggle for the whole period; the legend sits under the chart, so no label crosses the curve. Time runs in the
 * reading direction (right to left in Arabic). A table of every figure follows for screen readers and anyone who
 * prefers numbers.
 */
export function EnrollmentChart({ timeline }: { timeline: TTimeline }) {
  const { t, i18n } = useTranslation('admin');
  const titleId = useId();
  const descId = useId();
  const [whole, setWhole] = useState(false);
  const dir = i18n.dir();
  const rtl = dir === 'rtl';
  const { points, target } = timeline;
  const last = points.at(-1);
  const lastHours = last?.hours ?? 0;
  const longer = lastHours > FOCUS_HOURS;
  const maxHours = Math.max(whole ? lastHours : Math.min(lastHours, FOCUS_HOURS), target.hours + 24);
  const shown = points.filter((p) => p.hours <= maxHours);
  const plotW = W - PAD.start - PAD.end;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (hours: number) => {
    const offset = (hours / maxHours) * plotW;
    return rtl ? W - PAD.start - offset : PAD.start + offset;
  };
  const y = (share: number) => PAD.top + (1 - share) * plotH;
  const axisStart = rtl ? W - PAD.start : PAD.start;
  const axisEnd = rtl ? PAD.end : W - PAD.end;
  const xTicks = tickHours(maxHours);
  const path = shown.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.hours).toFixed(1)},${y(p.share).toFixed(1)}`).join(' ');
  const targetShare = formatPercent(target.share);

  return (
    <figure className="enrollment-chart">
      {longer && (
        <div className="chart-tools">
          <p className="muted" aria-live="polite">
            {whole
              ? t('chart.showingAll', { count: Math.ceil(lastHours / 24) })
              : t('chart.showingFirst', { count: FOCUS_HOURS / 24 })}
          </p>
          <button type="button" className="secondary" aria-pressed={whole} onClick={() => setWhole(!whole)}>
            {t('chart.wholePeriod')}
          </button>
        </div>
      )}
      {/* Mirrored by hand for RTL; the SVG stays LTR so coordinates and anchors mean the same, and only text that
          holds words gets the language's direction. */}
      <svg
        className="chart"
        viewBox={`0 0 ${W} ${H}`}
        direction="ltr"
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
      >
        <title id={titleId}>{t('chart.title')}</title>
        <desc id={descId}>
          {t('chart.desc', {
            share: last ? formatPercent(last.share) : formatPercent(0),
            target: targetShare,
            count: target.hours,
          })}
        </desc>
        {[0, 0.25, 0.5, 0.75, 1].map((s) => (
          <g key={s}>
            <line className="grid" x1={axisStart} x2={axisEnd} y1={y(s)} y2={y(s)} />
            <text
              className="axis-label"
              x={rtl ? axisStart + 6 : axisStart - 6}
              y={y(s) + 4}
              textAnchor={rtl ? 'start' : 'end'}
            >
              {formatPercent(s)}
            </text>
          </g>
        ))}
        {xTicks.map((h) => (
          <text key={h} className="axis-label x-tick" x={x(h)} y={H - PAD.bottom + 16} textAnchor="middle" direction={dir}>
            {t('chart.tick', { hours: formatNumber(h) })}
          </text>
        ))}
        <line className="target" x1={axisStart} x2={axisEnd} y1={y(target.share)} y2={y(target.share)} />
        {target.at && <line className="target" x1={x(target.hours)} x2={x(target.hours)} y1={y(1)} y2={y(0)} />}
        {shown.length > 0 && <path className="series" d={path} />}
        {target.at && <circle className="target-marker" cx={x(target.hours)} cy={y(target.share)} r={5} />}
      </svg>
      <figcaption>
        <ul className="chart-legend">
          <li>
            <svg width="28" height="10" aria-hidden="true">
              <line className="legend-series" x1="0" x2="28" y1="5" y2="5" />
            </svg>
            {t('chart.seriesLabel')}
          </li>
          <li className="chart-target-label">
            <svg width="28" height="10" aria-hidden="true">
              <line className="legend-target" x1="0" x2="28" y1="5" y2="5" />
            </svg>
            {t('chart.targetLabel', { share: targetShare, hours: target.hours })}
          </li>
        </ul>
      </figcaption>
      <details>
        <summary>{t('chart.tableToggle')}</summary>
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">{t('chart.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('chart.time')}</th>
                <th scope="col">{t('chart.hoursCol')}</th>
                <th scope="col">{t('chart.respondedCol')}</th>
                <th scope="col">{t('chart.shareCol')}</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.hours}>
                  <td>{formatDateTime(p.at)}</td>
                  <td className="num">{formatNumber(Math.floor(p.hours))}</td>
                  <td className="num">{formatNumber(p.responded)}</td>
                  <td className="num">{formatPercent(p.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** Every 24 hours for the first days, then wider steps so labels never crowd. */
function tickHours(maxHours: number): number[] {
  const step = maxHours <= 24 * 7 ? 24 : 24 * Math.ceil(maxHours / (24 * 7));
  const ticks: number[] = [];
  for (let h = 0; h <= maxHours; h += step) ticks.push(h);
  return ticks;
}

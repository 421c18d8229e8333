import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TActivityCell, TWindow } from '../../../../shared/schemas/insights.ts';
import { formatDate, formatNumber } from '../../../lib/format.ts';

const W = 640;
const H = 240;
const PAD = { start: 48, end: 16, top: 16, bottom: 34 };
/** Distinct on white at ≥ 3:1, and told apart by dash pattern too, not only by colour. */
const STYLES = [
  { color: '#1d3b6f', dash: undefined },
  { color: '#b35c00', dash: '7 4' },
  { color: '#1f6f43', dash: '2 4' },
  { color: '#8e2c8e', dash: '10 4 2 4' },
  { color: '#a12a2a', dash: '4 2' },
  { color: '#00707a', dash: '12 3' },
];
export const MAX_CHART_SERIES = STYLES.length;

export type ChartSeries = { key: string; label: string; cells: TActivityCell[] };

/** Whether any week has a figure to draw: not hidden, and above zero. */
export const hasFigures = (cells: readonly TActivityCell[]) => cells.some((c) => !c.suppressed && c.count > 0);

/**
 * Weekly counts as lines (inline SVG), one per series; a hidden (suppressed) week breaks its line. Time runs in the
 * reading direction. The table after it has every figure, including series left out of the chart.
 */
export function ActivityChart({
  title,
  weeks,
  chartSeries,
  tableSeries,
  totals,
  note,
  minGroupSize,
}: {
  minGroupSize: number;
  title: string;
  weeks: TWindow[];
  chartSeries: ChartSeries[];
  tableSeries: ChartSeries[];
  totals?: { label: string; cells: TActivityCell[] };
  note?: string;
}) {
  const { t, i18n } = useTranslation('insights');
  const titleId = useId();
  const descId = useId();
  const rtl = i18n.dir() === 'rtl';
  const max = Math.max(1, ...chartSeries.flatMap((s) => s.cells.map((c) => (c.suppressed ? 0 : c.count))));
  const yMax = niceMax(max);
  const plotW = W - PAD.start - PAD.end;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => {
    const offset = weeks.length > 1 ? (i / (weeks.length - 1)) * plotW : plotW / 2;
    return rtl ? W - PAD.start - offset : PAD.start + offset;
  };
  const y = (v: number) => PAD.top + (1 - v / yMax) * plotH;
  const axisStart = rtl ? W - PAD.start : PAD.start;
  const axisEnd = rtl ? PAD.end : W - PAD.end;
  const weekLabel = (w: TWindow) => formatDate(w.to);

  // Nothing to draw reads as an empty state, not as an empty chart on a 0 – 0.5 – 1 axis.
  if (!chartSeries.some((s) => hasFigures(s.cells))) {
    return <p className="muted empty-state">{t('activity.chartEmpty', { min: formatNumber(minGroupSize) })}</p>;
  }

  return (
    <figure className="activity-chart">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} direction="ltr" role="img" aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>{title}</title>
        <desc id={descId}>
          {t('activity.chartDesc', {
            from: weeks[0] ? formatDate(weeks[0].from) : '',
            to: weeks.at(-1) ? formatDate(weeks.at(-1)!.to) : '',
            min: formatNumber(minGroupSize),
          })}
        </desc>
        {/* Counts are whole messages: only whole-number gridlines. */}
        {[0, yMax / 2, yMax].filter(Number.isInteger).map((v) => (
          <g key={v}>
            <line className="grid" x1={axisStart} x2={axisEnd} y1={y(v)} y2={y(v)} />
            <text className="axis-label" x={rtl ? axisStart + 6 : axisStart - 6} y={y(v) + 4} textAnchor={rtl ? 'start' : 'end'}>
              {formatNumber(v)}
            </text>
          </g>
        ))}
        {weeks.map((w, i) =>
          i % 2 === weeks.length % 2 ? null : (
            <text key={w.to} className="axis-label" x={x(i)} y={H - PAD.bottom + 16} textAnchor="middle">
              {weekLabel(w)}
            </text>
          ),
        )}
        {chartSeries.map((s, k) => {
          const style = STYLES[k % STYLES.length]!;
          let d = '';
          let pen = false;
          s.cells.forEach((c, i) => {
            if (c.suppressed) {
              pen = false;
              return;
            }
            d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(c.count).toFixed(1)} `;
            pen = true;
          });
          return (
            <g key={s.key}>
              <path d={d} fill="none" stroke={style.color} strokeWidth={2.5} strokeDasharray={style.dash} strokeLinejoin="round" />
              {s.cells.map((c, i) => (c.suppressed ? null : <circle key={i} cx={x(i)} cy={y(c.count)} r={3} fill={style.color} />))}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="chart-legend">
          {chartSeries.map((s, k) => {
            const style = STYLES[k % STYLES.length]!;
            return (
              <li key={s.key}>
                <svg width="28" height="10" aria-hidden="true">
                  <line x1="0" x2="28" y1="5" y2="5" stroke={style.color} strokeWidth={3} strokeDasharray={style.dash} />
                </svg>
                {s.label}
              </li>
            );
          })}
        </ul>
        {note && <p className="muted">{note}</p>}
      </figcaption>
      <details>
        <summary>{t('activity.tableToggle')}</summary>
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('activity.week')}</th>
                {tableSeries.map((s) => (
                  <th scope="col" key={s.key}>
                    {s.label}
                  </th>
                ))}
                {totals && <th scope="col">{totals.label}</th>}
              </tr>
            </thead>
            <tbody>
              {weeks.map((w, i) => (
                <tr key={w.to}>
                  <th scope="row">{t('activity.weekOf', { date: weekLabel(w) })}</th>
                  {tableSeries.map((s) => (
                    <Cell key={s.key} cell={s.cells[i]} />
                  ))}
                  {totals && <Cell cell={totals.cells[i]} />}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function Cell({ cell }: { cell: TActivityCell | undefined }) {
  const { t } = useTranslation('insights');
  if (!cell) return <td />;
  return cell.suppressed ? <td className="suppressed">{t('activity.hidden')}</td> : <td className="num">{formatNumber(cell.count)}</td>;
}

/** A round, whole axis maximum (1, 2, 2.5 or 5 × a power of ten) at or above `max`. */
function niceMax(max: number): number {
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max && Number.isInteger(step * power)) return step * power;
  return 10 * power;
}

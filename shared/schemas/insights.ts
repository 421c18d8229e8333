/**
 * The Signal dashboard: activity over time by channel and by department, and the terms of the last 7 days against
 * the 7 before. Every figure covers at least MIN_GROUP_SIZE people: smaller buckets (and the buckets that would
 * give them away through a published total) carry only a `suppressed` marker, never a number.
 */
import { z } from 'zod';
import { ZChannel } from './common.ts';

export const ACTIVITY_WEEKS = 8;
export const TERM_WINDOW_DAYS = 7;
export const TOP_TERMS = 15;
export const FALLING_TERMS = 8;
/** How long the server keeps computed dashboard figures (a withdraw refreshes them at once). */
export const DASHBOARD_FRESH_MINUTES = 10;

export const ZActivityCell = z.discriminatedUnion('suppressed', [
  z.object({ suppressed: z.literal(false), count: z.number().int().nonnegative() }).strict(),
  z.object({ suppressed: z.literal(true) }).strict(),
]);
export type TActivityCell = z.infer<typeof ZActivityCell>;

export const ZWindow = z.object({ from: z.iso.datetime(), to: z.iso.datetime() }).strict();
export type TWindow = z.infer<typeof ZWindow>;

export const ZActivity = z
  .object({
    minGroupSize: z.number().int().positive(),
    /** Rolling 7-day windows ending now, oldest first. */
    weeks: z.array(ZWindow),
    /** Communications per week, all channels. */
    totals: z.array(ZActivityCell),
    byChannel: z.array(z.object({ channel: ZChannel, cells: z.array(ZActivityCell) }).strict()),
    /** Department as on the roster; null for people without one. */
    byDepartment: z.array(z.object({ department: z.string().nullable(), cells: z.array(ZActivityCell) }).strict()),
  })
  .strict();
export type TActivity = z.infer<typeof ZActivity>;

export const ZTermTrend = z.enum(['new', 'rising', 'steady', 'falling', 'gone']);
export type TTermTrend = z.infer<typeof ZTermTrend>;

export const ZTerm = z
  .object({
    term: z.string(),
    /** Share of the window's messages (read) containing the term; null when fewer than MIN_GROUP_SIZE people used it. */
    current: z.number().min(0).max(1).nullable(),
    previous: z.number().min(0).max(1).nullable(),
    trend: ZTermTrend,
  })
  .strict();
export type TTerm = z.infer<typeof ZTerm>;

export const ZTerms = z
  .object({
    minGroupSize: z.number().int().positive(),
    current: ZWindow,
    previous: ZWindow,
    /** Messages read per window; `estimated` when the store had more than the sample takes (figures are then shares of a sample). */
    sample: z
      .object({ current: z.number().int().nonnegative(), previous: z.number().int().nonnegative(), estimated: z.boolean() })
      .strict(),
    /** The most used terms of the last 7 days. */
    top: z.array(ZTerm),
    /** Terms used much less than in the 7 days before. */
    falling: z.array(ZTerm),
  })
  .strict();
export type TTerms = z.infer<typeof ZTerms>;

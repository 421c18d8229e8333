import { currentLanguage } from '../i18n/index.ts';

export const formatDateTime = (iso: string) =>
  new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

export const formatList = (items: string[]) =>
  new Intl.ListFormat(currentLanguage(), { style: 'long', type: 'conjunction' }).format(items);

export const formatTime = (iso: string) =>
  new Intl.DateTimeFormat(currentLanguage(), { timeStyle: 'short' }).format(new Date(iso));

export const formatDate = (iso: string) =>
  new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium' }).format(new Date(iso));

export const formatNumber = (value: number) => new Intl.NumberFormat(currentLanguage()).format(value);

export const formatPercent = (share: number) =>
  new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 0 }).format(share);

/** A calendar date (YYYY-MM-DD) with its weekday, the same day whatever the device's time zone. */
export const formatCalendarDate = (date: string) =>
  new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));

/** Isolates text of its own direction (an email address, a note) so it cannot scramble an Arabic sentence around it. */
export const isolate = (text: string) => `\u2068${text}\u2069`;

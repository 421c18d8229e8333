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

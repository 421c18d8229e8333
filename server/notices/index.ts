/**
 * Default consent notice texts per UI language. Placeholders: {{customer}}, {{ceo}}. The rendered text is what is
 * stored as an immutable notice version and shown verbatim, so the record matches what the employee read.
 */
import type { UiLanguage } from '../../shared/languages.ts';
import { ar } from './ar.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { it } from './it.ts';
import { ja } from './ja.ts';
import { nl } from './nl.ts';
import { pt } from './pt.ts';
import { zh } from './zh.ts';

export type NoticeTemplate = { title: string; body: string };

export const NOTICE_TEMPLATES: Record<UiLanguage, NoticeTemplate> = { en, es, fr, de, pt, it, nl, ja, zh, ar };

export function renderNotice(template: NoticeTemplate, vars: { customer: string; ceo: string }): NoticeTemplate {
  const fill = (text: string) => text.replaceAll('{{customer}}', vars.customer).replaceAll('{{ceo}}', vars.ceo);
  return { title: fill(template.title), body: fill(template.body) };
}

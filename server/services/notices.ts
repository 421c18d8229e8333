/** Consent notices: immutable versions per language; publishing an identical text returns the existing version. */
import { createHash } from 'node:crypto';
import { and, desc, eq, max } from 'drizzle-orm';
import { DEFAULT_UI_LANGUAGE, UI_LANGUAGES, type UiLanguage } from '../../shared/languages.ts';
import type { TNotice } from '../../shared/schemas/common.ts';
import type { Tx } from '../db/client.ts';
import { consentNotices, consentNoticeVersions, customers } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { NOTICE_TEMPLATES, renderNotice } from '../notices/index.ts';

export const EMPLOYEE_NOTICE_SLUG = 'employee-communications';

type NoticeVersionRow = typeof consentNoticeVersions.$inferSelect;

export const noticeLabel = (v: Pick<NoticeVersionRow, 'version' | 'language'>) => `v${v.version}-${v.language}`;

export function toNotice(v: NoticeVersionRow): TNotice {
  return {
    versionId: v.id,
    version: v.version,
    label: noticeLabel(v),
    language: v.language as UiLanguage,
    title: v.title,
    body: v.body,
  };
}

const contentHash = (title: string, body: string) =>
  createHash('sha256').update(JSON.stringify([title, body]), 'utf8').digest('hex');

export async function ensureNotice(tx: Tx, customerId: string, slug = EMPLOYEE_NOTICE_SLUG): Promise<string> {
  const [existing] = await tx
    .select({ id: consentNotices.id })
    .from(consentNotices)
    .where(and(eq(consentNotices.customerId, customerId), eq(consentNotices.slug, slug)));
  if (existing) return existing.id;
  const [created] = await tx.insert(consentNotices).values({ customerId, slug }).returning({ id: consentNotices.id });
  return created!.id;
}

export async function publishNoticeVersion(
  tx: Tx,
  input: { customerId: string; noticeId: string; language: UiLanguage; title: string; body: string },
): Promise<NoticeVersionRow> {
  const hash = contentHash(input.title, input.body);
  const [same] = await tx
    .select()
    .from(consentNoticeVersions)
    .where(
      and(
        eq(consentNoticeVersions.noticeId, input.noticeId),
        eq(consentNoticeVersions.language, input.language),
        eq(consentNoticeVersions.contentHash, hash),
      ),
    );
  if (same) return same;
  const [{ latest } = { latest: 0 }] = await tx
    .select({ latest: max(consentNoticeVersions.version) })
    .from(consentNoticeVersions)
    .where(and(eq(consentNoticeVersions.noticeId, input.noticeId), eq(consentNoticeVersions.language, input.language)));
  const [created] = await tx
    .insert(consentNoticeVersions)
    .values({ ...input, version: (latest ?? 0) + 1, contentHash: hash })
    .returning();
  return created!;
}

type NoticeCustomer = { id: string; name: string; ceoName: string };

async function publishDefaults(tx: Tx, customer: NoticeCustomer, languages: readonly UiLanguage[]) {
  const noticeId = await ensureNotice(tx, customer.id);
  for (const language of languages) {
    const text = renderNotice(NOTICE_TEMPLATES[language], { customer: customer.name, ceo: customer.ceoName });
    await publishNoticeVersion(tx, { customerId: customer.id, noticeId, language, ...text });
  }
}

/** Publishes the default notice in every UI language for a customer. */
export async function publishDefaultNotices(tx: Tx, customer: NoticeCustomer) {
  await publishDefaults(tx, customer, UI_LANGUAGES);
}

/**
 * For a customer created before some UI languages existed: publishes the default notice in each UI language it has
 * no version in yet (with its current name and CEO), so its employees read the notice in their own language. Never
 * touches a language that already has a version. Returns the languages published.
 */
export async function publishMissingDefaultNotices(tx: Tx, customerId: string): Promise<UiLanguage[]> {
  const [customer] = await tx.select().from(customers).where(eq(customers.id, customerId));
  if (!customer) return [];
  const present = await tx
    .selectDistinct({ language: consentNoticeVersions.language })
    .from(consentNoticeVersions)
    .innerJoin(consentNotices, eq(consentNotices.id, consentNoticeVersions.noticeId))
    .where(eq(consentNotices.slug, EMPLOYEE_NOTICE_SLUG));
  const have = new Set(present.map((r) => r.language));
  const missing = UI_LANGUAGES.filter((language) => !have.has(language));
  if (missing.length > 0) await publishDefaults(tx, customer, missing);
  return missing;
}

/** The newest version in the requested language, falling back to English; the language returned is the one shown. */
export async function currentNoticeVersion(tx: Tx, language: UiLanguage): Promise<NoticeVersionRow> {
  for (const lang of language === DEFAULT_UI_LANGUAGE ? [language] : [language, DEFAULT_UI_LANGUAGE]) {
    const [row] = await tx
      .select({ version: consentNoticeVersions })
      .from(consentNoticeVersions)
      .innerJoin(consentNotices, eq(consentNotices.id, consentNoticeVersions.noticeId))
      .where(and(eq(consentNotices.slug, EMPLOYEE_NOTICE_SLUG), eq(consentNoticeVersions.language, lang)))
      .orderBy(desc(consentNoticeVersions.version))
      .limit(1);
    if (row) return row.version;
  }
  throw new AppError('INTERNAL', 'No consent notice published for this customer');
}

export async function getNoticeVersion(tx: Tx, noticeVersionId: string): Promise<NoticeVersionRow> {
  const [row] = await tx.select().from(consentNoticeVersions).where(eq(consentNoticeVersions.id, noticeVersionId));
  if (!row) throw new AppError('NOTICE_MISMATCH');
  return row;
}

/**
 * Roster import: staged upload rows, preview, column mapping (remembered per customer), row-level validation,
 * the diff against the current roster, and applying it. Validation, diff and apply are set-based SQL over the
 * staged rows so a 100,000-row file never has to sit in the server's memory.
 */
import { isDeepStrictEqual } from 'node:util';
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  FIELD_MAX_LENGTH,
  FIELD_TEXT_KIND,
  mappingStatus,
  PHONE_CHARACTERS,
  PLATFORM_FIELDS,
  PREVIEW_ROWS,
  ROSTER_FIELDS,
  suggestMapping,
  fieldColumns,
  type RosterFieldKey,
  type RosterMapping,
} from '../../shared/roster.ts';
import {
  DIFF_LIST_LIMIT,
  ERROR_LIST_LIMIT,
  type TApplySummary,
  type TDiff,
  type TRosterImport,
  type TRowError,
  ZRosterUploadQuery,
} from '../../shared/schemas/roster.ts';
import { refusedCharacterClass, showControlCharacters } from '../../shared/schemas/common.ts';
import { rowsOf, type DbHandle, type Tx } from '../db/client.ts';
import { rosterImportRows, rosterImports, rosterMappings } from '../db/schema.ts';
import { withTenant } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import type { CsvReader } from '../roster/csv.ts';
import { csvLabels } from '../roster/labels.ts';
import type { UiLanguage } from '../../shared/languages.ts';
import { recordAudit, type Actor } from './audit.ts';
import { toCsv } from '../csv.ts';

/** Rows per INSERT while storing an upload: one statement carries them as a single JSON parameter. */
const STORE_BATCH = 5000;
/** The email check of ZEmail (zod's pattern), run by PostgreSQL too, so the server and the portal agree. */
const EMAIL_PATTERN = z.regexes.email.source;

type ImportRow = typeof rosterImports.$inferSelect;

/* ---------------------------------------------------------------------------------------------------------- *
 * Upload
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * PostgreSQL cannot store U+0000 (in text or in JSON), so a cell holding it is staged with U+001A SUBSTITUTE in its
 * place: a control character the character rule refuses just the same, so validation reports the cell (code
 * `characters`) if its column is mapped, and apply never runs while it is. Unmapped columns are never stored.
 */
const stageable = (value: string) => value.replaceAll('\u0000', '\u001A');

/** Thrown inside the upload transaction to roll it back when the same file is already waiting for review. */
class SameFilePending extends Error {
  readonly existing: ImportRow;
  constructor(existing: ImportRow) {
    super('same file pending');
    this.existing = existing;
  }
}

export type UploadResult = { importId: string; rowCount: number; duplicate: boolean };

/**
 * Stores a parsed upload in one tenant transaction (nothing half-written if the file turns out malformed or the
 * client hangs up). The same bytes uploaded again while the first import is still pending return that import.
 */
export async function storeUpload(
  handle: DbHandle,
  customerId: string,
  actor: Actor,
  fileName: string,
  reader: CsvReader,
  onProgress: (rows: number) => void = () => {},
): Promise<UploadResult> {
  // The route validates its query with this schema; checked here too, where the name is written.
  if (!ZRosterUploadQuery.shape.fileName.safeParse(fileName).success) throw new AppError('INVALID_INPUT');
  try {
    return await withTenant(handle, customerId, async (tx) => {
      const [created] = await tx
        .insert(rosterImports)
        .values({
          customerId,
          fileName,
          contentHash: '',
          headers: reader.headers,
          delimiter: reader.delimiter,
          rowCount: 0,
          createdBy: actor.user.id,
        })
        .returning({ id: rosterImports.id });
      const importId = created!.id;
      let batch: [number, string[]][] = [];
      let rowCount = 0;
      // One batch is stored while the next one is parsed: the database and csv-parse work at the same time.
      let storing: Promise<void> = Promise.resolve();
      const flush = async () => {
        if (batch.length === 0) return;
        const json = JSON.stringify(batch);
        const size = batch.length;
        batch = [];
        await storing;
        storing = tx
          .execute(sql`
            insert into roster_import_rows (import_id, customer_id, row_number, values)
            select ${importId}::uuid, ${customerId}::uuid, (r->>0)::int, r->1
            from jsonb_array_elements(${json}::text::jsonb) r`)
          .then(() => {
            rowCount += size;
            onProgress(rowCount);
          });
        // Surfaced by the next `await storing`; until then it must not count as unhandled.
        storing.catch(() => {});
      };
      for await (const record of reader.records) {
        batch.push([record.row, record.values.map(stageable)]);
        if (batch.length >= STORE_BATCH) await flush();
      }
      await flush();
      await storing;

      const contentHash = reader.contentHash();
      // Two uploads of the same file racing each other: the second waits here, then finds the first.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${customerId}:${contentHash}`}, 11))`);
      const [existing] = await tx
        .select()
        .from(rosterImports)
        .where(
          and(
            eq(rosterImports.contentHash, contentHash),
            eq(rosterImports.status, 'uploaded'),
            sql`${rosterImports.id} <> ${importId}`,
          ),
        )
        .limit(1);
      if (existing) throw new SameFilePending(existing);
      await tx.update(rosterImports).set({ contentHash, rowCount }).where(eq(rosterImports.id, importId));
      await recordAudit(tx, customerId, actor, 'roster.uploaded', fileName, { importId, rowCount, bytes: reader.bytesRead() });
      return { importId, rowCount, duplicate: false };
    });
  } catch (error) {
    if (error instanceof SameFilePending) {
      return { importId: error.existing.id, rowCount: error.existing.rowCount, duplicate: true };
    }
    throw error;
  }
}

/* ---------------------------------------------------------------------------------------------------------- *
 * Reading an import
 * ---------------------------------------------------------------------------------------------------------- */

async function findImport(tx: Tx, importId: string, opts: { lock?: boolean } = {}): Promise<ImportRow> {
  const query = tx.select().from(rosterImports).where(eq(rosterImports.id, importId));
  const [row] = opts.lock ? await query.for('update') : await query;
  if (!row) throw new AppError('NOT_FOUND');
  return row;
}

/** Imports that can still be mapped, validated and applied. */
async function pendingImport(tx: Tx, importId: string, opts: { lock?: boolean } = {}) {
  const row = await findImport(tx, importId, opts);
  if (row.status !== 'uploaded') throw new AppError('NOT_FOUND');
  return row;
}

const summaryOf = (row: ImportRow): TApplySummary | null =>
  row.summary
    ? {
        joiners: row.summary.joiners ?? 0,
        returning: row.summary.returning ?? 0,
        leavers: row.summary.leavers ?? 0,
        changed: row.summary.changed ?? 0,
        unchanged: row.summary.unchanged ?? 0,
      }
    : null;

const toSummary = (row: ImportRow) => ({
  id: row.id,
  fileName: row.fileName,
  status: row.status,
  rowCount: row.rowCount,
  createdAt: row.createdAt.toISOString(),
  appliedAt: row.appliedAt?.toISOString() ?? null,
  summary: summaryOf(row),
});

export async function listImports(tx: Tx, limit = 20) {
  const rows = await tx.select().from(rosterImports).orderBy(desc(rosterImports.createdAt), desc(rosterImports.id)).limit(limit);
  return rows.map(toSummary);
}

async function rememberedMapping(tx: Tx): Promise<RosterMapping | null> {
  const [row] = await tx.select().from(rosterMappings).limit(1);
  return row?.mapping ?? null;
}

export async function getImport(tx: Tx, importId: string): Promise<TRosterImport> {
  const row = await findImport(tx, importId);
  const preview = await tx
    .select({ row: rosterImportRows.rowNumber, values: rosterImportRows.values })
    .from(rosterImportRows)
    .where(and(eq(rosterImportRows.importId, importId), sql`${rosterImportRows.rowNumber} <= ${PREVIEW_ROWS + 1}`))
    .orderBy(rosterImportRows.rowNumber);
  const mapping = row.mapping ?? suggestMapping(row.headers, await rememberedMapping(tx));
  return {
    ...toSummary(row),
    headers: row.headers,
    delimiter: row.delimiter,
    preview,
    mapping,
    mappingSaved: row.mapping !== null,
    ...mappingStatus(row.headers, mapping),
  };
}

/* ---------------------------------------------------------------------------------------------------------- *
 * Mapping
 * ---------------------------------------------------------------------------------------------------------- */

export async function saveMapping(tx: Tx, customerId: string, actor: Actor, importId: string, input: RosterMapping) {
  const row = await pendingImport(tx, importId);
  const unknown = Object.keys(input).filter((h) => !row.headers.includes(h));
  if (unknown.length > 0) throw new AppError('INVALID_INPUT', `unknown columns: ${unknown.join(', ')}`);
  const mapping: RosterMapping = Object.fromEntries(row.headers.map((h) => [h, input[h] ?? null]));
  const now = new Date();
  await tx.update(rosterImports).set({ mapping }).where(eq(rosterImports.id, importId));
  // Remembered per customer; headers of earlier files that this one lacks are kept for the next upload.
  const previous = (await rememberedMapping(tx)) ?? {};
  const remembered = { ...previous, ...mapping };
  await tx
    .insert(rosterMappings)
    .values({ customerId, mapping: remembered, updatedAt: now })
    .onConflictDoUpdate({ target: rosterMappings.customerId, set: { mapping: remembered, updatedAt: now } });
  await recordAudit(tx, customerId, actor, 'roster.mapping_saved', row.fileName, {
    importId,
    mapping: Object.fromEntries(Object.entries(mapping).filter(([, f]) => f !== null)),
  });
  return getImport(tx, importId);
}

/* ---------------------------------------------------------------------------------------------------------- *
 * The staged rows as SQL: one definition of each column's value, used by validation, diff and apply.
 * ---------------------------------------------------------------------------------------------------------- */

type Columns = Partial<Record<RosterFieldKey, number>>;
const WHITESPACE = sql.raw(`' ' || chr(9) || chr(10) || chr(13) || chr(160)`);
const ident = (field: RosterFieldKey) => sql.raw(`"f_${field}"`);

/**
 * Extracts the mapped fields of every staged row once per transaction into two temporary tables: `f`, every row with each mapped field trimmed, and `fv`, the first row of each email
 * (what apply writes). Validation, diff and apply then read narrow typed rows instead of re-parsing the JSON of
 * 100,000 rows in every statement. `email_key` is the lowercased email every comparison uses. Returns the CTEs
 * that name them `f` and `fv`.
 */
async function stage(tx: Tx, importId: string, cols: Columns): Promise<SQL> {
  const value = (field: RosterFieldKey) => {
    const index = cols[field];
    return index === undefined ? sql`null::text` : sql`btrim(r.values->>${sql.raw(String(index))}, ${WHITESPACE})`;
  };
  const fields = ROSTER_FIELDS.map((field) => sql`${value(field)} as ${ident(field)}`);
  await bulkPlanning(tx);
  await tx.execute(sql`drop table if exists pg_temp.roster_stage_f, pg_temp.roster_stage_fv`);
  await tx.execute(sql`create temp table roster_stage_f on commit drop as
    select r.row_number as rn, ${sql.join(fields, sql`, `)}, lower(${value('email')}) as email_key
    from roster_import_rows r where r.import_id = ${importId}::uuid`);
  await tx.execute(sql`create temp table roster_stage_fv on commit drop as
    select distinct on (email_key) * from roster_stage_f
    where coalesce("f_email", '') <> '' order by email_key, rn`);
  return sql`f as (select * from roster_stage_f), fv as (select * from roster_stage_fv)`;
}

/**
 * Row-level errors as (rn, field, code, value, first_row), for the mapped fields. `characters` is the character rule
 * of the field's zod counterpart (FIELD_TEXT_KIND), as the same regex; email and phone have patterns of their own
 * that admit none of those characters, so they report `email_invalid` / `phone_invalid` instead.
 */
function rowErrors(cols: Columns): SQL {
  const parts: SQL[] = [];
  const email = ident('email');
  if (cols.name !== undefined) {
    parts.push(sql`select rn, 'name'::text as field, 'missing'::text as code, ''::text as value, null::int as first_row from f where coalesce(${ident('name')}, '') = ''`);
  }
  if (cols.email !== undefined) {
    parts.push(sql`select rn, 'email'::text, 'missing'::text, ''::text, null::int from f where coalesce(${email}, '') = ''`);
    parts.push(sql`select rn, 'email'::text, 'email_invalid'::text, left(${email}, 200), null::int from f
      where ${email} <> '' and (length(${email}) > ${FIELD_MAX_LENGTH.email} or ${email} !~ ${EMAIL_PATTERN})`);
    parts.push(sql`select rn, 'email'::text, 'email_duplicate'::text, ${email}, first_row from (
        select rn, ${email}, min(rn) over (partition by email_key) as first_row from f where coalesce(${email}, '') <> ''
      ) d where rn <> first_row`);
  }
  for (const field of ROSTER_FIELDS) {
    if (field === 'email' || cols[field] === undefined) continue;
    parts.push(sql`select rn, ${field}::text, 'too_long'::text, left(${ident(field)}, 200), null::int from f
      where length(${ident(field)}) > ${FIELD_MAX_LENGTH[field]}`);
  }
  for (const field of ROSTER_FIELDS) {
    if (field === 'email' || field === 'phone' || cols[field] === undefined) continue;
    parts.push(sql`select rn, ${field}::text, 'characters'::text, left(${ident(field)}, 200), null::int from f
      where ${ident(field)} ~ ${refusedCharacterClass(FIELD_TEXT_KIND[field])}`);
  }
  if (cols.phone !== undefined) {
    // PHONE_PATTERN without its {5,31}, which PostgreSQL's regex engine runs ~10x slower: the length separately.
    const digits = sql`regexp_replace(${ident('phone')}, '^\\+', '')`;
    parts.push(sql`select rn, 'phone'::text, 'phone_invalid'::text, ${ident('phone')}, null::int from f
      where ${ident('phone')} <> '' and length(${ident('phone')}) <= ${FIELD_MAX_LENGTH.phone}
        and (${digits} !~ ${PHONE_CHARACTERS} or length(${digits}) not between 5 and 31)`);
  }
  if (parts.length === 0) return sql`select null::int as rn, null::text as field, null::text as code, null::text as value, null::int as first_row where false`;
  return sql.join(parts, sql` union all `);
}

/**
 * The staged rows were written moments ago and the roster may just have grown by 100,000 rows, so the planner's
 * statistics lag behind and it can pick nested loops over what are really two large sets (quadratic: minutes).
 * These statements are whole-set joins: hash them, with enough memory to stay off disk. Transaction-local.
 */
async function bulkPlanning(tx: Tx) {
  await tx.execute(sql`select set_config('enable_nestloop', 'off', true), set_config('work_mem', '64MB', true)`);
}

async function mappedColumns(tx: Tx, row: ImportRow) {
  const mapping = row.mapping ?? suggestMapping(row.headers, await rememberedMapping(tx));
  return { mapping, saved: row.mapping !== null, cols: fieldColumns(row.headers, mapping), ...mappingStatus(row.headers, mapping) };
}

async function errorCounts(tx: Tx, staged: SQL, cols: Columns) {
  const [counts] = rowsOf<{ errors: number | string; row_count: number | string }>(
    await tx.execute(sql`with ${staged}, e(rn, field, code, value, first_row) as (${rowErrors(cols)})
      select count(*) as errors, count(distinct rn) as row_count from e`),
  );
  return { errorCount: Number(counts?.errors ?? 0), rowsWithErrors: Number(counts?.row_count ?? 0) };
}

async function errorList(tx: Tx, staged: SQL, cols: Columns, limit: number | null): Promise<TRowError[]> {
  const rows = rowsOf<{ rn: number; field: RosterFieldKey; code: TRowError['code']; value: string | null; first_row: number | null }>(
    await tx.execute(sql`with ${staged}, e(rn, field, code, value, first_row) as (${rowErrors(cols)})
      select * from e order by rn, field, code ${limit === null ? sql`` : sql`limit ${limit}`}`),
  );
  return rows.map((r) => ({
    row: Number(r.rn),
    field: r.field,
    code: r.code,
    // Whoever fixes the file must see what is wrong: a control character as its picture (␊, ␚), not as nothing.
    value: showControlCharacters(r.value ?? ''),
    firstRow: r.first_row === null ? null : Number(r.first_row),
  }));
}

/* ---------------------------------------------------------------------------------------------------------- *
 * Validation
 * ---------------------------------------------------------------------------------------------------------- */

export async function validateImport(tx: Tx, importId: string) {
  const row = await pendingImport(tx, importId);
  const { cols, missingRequired, saved } = await mappedColumns(tx, row);
  const staged = await stage(tx, importId, cols);
  const counts = await errorCounts(tx, staged, cols);
  const errors = counts.errorCount > 0 ? await errorList(tx, staged, cols, ERROR_LIST_LIMIT) : [];
  const ready = saved && missingRequired.length === 0 && counts.errorCount === 0;
  // Staged rows never change, so a pass holds for as long as the mapping does (apply compares them).
  if (ready) await tx.update(rosterImports).set({ validatedMapping: row.mapping }).where(eq(rosterImports.id, importId));
  return { missingRequired, ...counts, errors, ready };
}

/** Every row error as CSV, with the column names and error codes in the user's language. */
export async function errorsCsv(tx: Tx, importId: string, language: UiLanguage) {
  const labels = csvLabels(language);
  const row = await pendingImport(tx, importId);
  const { cols } = await mappedColumns(tx, row);
  const errors = await errorList(tx, await stage(tx, importId, cols), cols, null);
  const rows = errors.map((e) => [e.row, labels.field(e.field), labels.code(e.code), e.value, e.firstRow]);
  const base = row.fileName.replace(/\.[^.]*$/, '') || 'roster';
  return { fileName: `${base}-errors.csv`, csv: toCsv([labels.columns, ...rows]) };
}

/* ---------------------------------------------------------------------------------------------------------- *
 * Diff and apply
 * ---------------------------------------------------------------------------------------------------------- */

const EMPLOYEE_COLUMN: Record<'name' | 'location' | 'role' | 'department', SQL> = {
  name: sql`e.display_name`,
  location: sql`e.location`,
  role: sql`e.role`,
  department: sql`e.department`,
};
/** What the file says for `field` (empty means none) and what the roster has now. */
function fieldPair(field: RosterFieldKey): [SQL, SQL] | null {
  if (field === 'email') return null;
  const incoming = sql`nullif(fv.${ident(field)}, '')`;
  if (field === 'name' || field === 'location' || field === 'role' || field === 'department') return [incoming, EMPLOYEE_COLUMN[field]];
  return [incoming, sql`e.platform_ids->>${field}`];
}

const mappedFields = (cols: Columns) => ROSTER_FIELDS.filter((f) => cols[f] !== undefined && f !== 'email');

function differs(cols: Columns): SQL {
  const checks = mappedFields(cols).map((f) => {
    const [incoming, current] = fieldPair(f)!;
    return sql`${incoming} is distinct from ${current}`;
  });
  return checks.length ? sql`(${sql.join(checks, sql` or `)})` : sql`false`;
}

async function computeDiff(tx: Tx, customerId: string, staged: SQL, cols: Columns, withLists: boolean): Promise<TDiff> {
  const fields = mappedFields(cols);
  const pairColumns = fields.flatMap((f) => {
    const [incoming, current] = fieldPair(f)!;
    return [sql`${current}::text as ${sql.raw(`"c_${f}"`)}`, sql`${incoming}::text as ${sql.raw(`"n_${f}"`)}`];
  });
  const matched = sql`select fv.rn, fv."f_email" as email, fv."f_name" as name, e.id as eid, e.left_at as e_left_at,
           e.display_name as e_name, ${differs(cols)} as changed
           ${pairColumns.length ? sql`, ${sql.join(pairColumns, sql`, `)}` : sql``}
    from fv left join employees e on e.customer_id = ${customerId}::uuid and lower(e.email) = fv.email_key`;
  // For the lists too, the file is matched with the roster once (a hash join of 100,000 × 100,000) and kept.
  if (withLists) {
    await tx.execute(sql`drop table if exists pg_temp.roster_stage_m`);
    await tx.execute(sql`create temp table roster_stage_m on commit drop as with ${staged} ${matched}`);
  }
  const source = withLists ? sql`roster_stage_m` : sql`(${matched}) m`;
  const leavers = sql`select e.email, e.display_name as name from employees e
      where e.customer_id = ${customerId}::uuid and e.left_at is null
        and not exists (select 1 from fv where fv.email_key = lower(e.email))`;
  const [counts] = rowsOf<Record<'joiners' | 'returning' | 'changed' | 'unchanged' | 'leavers', number | string>>(
    await tx.execute(sql`with ${staged}
      select count(*) filter (where eid is null) as joiners,
             count(*) filter (where eid is not null and e_left_at is not null) as returning,
             count(*) filter (where eid is not null and e_left_at is null and changed) as changed,
             count(*) filter (where eid is not null and e_left_at is null and not changed) as unchanged,
             (select count(*) from (${leavers}) l) as leavers
      from ${source}`),
  );
  const summary: TApplySummary = {
    joiners: Number(counts?.joiners ?? 0),
    returning: Number(counts?.returning ?? 0),
    changed: Number(counts?.changed ?? 0),
    unchanged: Number(counts?.unchanged ?? 0),
    leavers: Number(counts?.leavers ?? 0),
  };
  if (!withLists) return { ...summary, joinerList: [], leaverList: [], changeList: [] };

  const joinerList = rowsOf<{ email: string; name: string | null; returning: boolean }>(
    await tx.execute(sql`select email, name, eid is not null as returning from roster_stage_m
      where eid is null or e_left_at is not null order by rn limit ${DIFF_LIST_LIMIT}`),
  ).map((r) => ({ email: r.email, name: r.name ?? '', returning: Boolean(r.returning) }));
  const leaverList = rowsOf<{ email: string; name: string }>(
    await tx.execute(sql`with ${staged} ${leavers} order by e.display_name, e.email limit ${DIFF_LIST_LIMIT}`),
  );
  const pairs = fields.map((f) => sql`(${f}::text, ${sql.raw(`"c_${f}"`)}, ${sql.raw(`"n_${f}"`)})`);
  const changeList = fields.length
    ? rowsOf<{ email: string; name: string; field: RosterFieldKey; from: string | null; to: string | null }>(
        await tx.execute(sql`select m.email, m.e_name as name, c.field, c."from", c."to"
          from roster_stage_m m cross join lateral (values ${sql.join(pairs, sql`, `)}) as c(field, "from", "to")
          where m.eid is not null and m.e_left_at is null and m.changed and c."to" is distinct from c."from"
          order by m.rn, c.field limit ${DIFF_LIST_LIMIT}`),
      ).map((r) => ({ email: r.email, name: r.name, field: r.field, from: r.from, to: r.to }))
    : [];
  return { ...summary, joinerList, leaverList, changeList };
}

export async function diffImport(tx: Tx, customerId: string, importId: string) {
  const row = await pendingImport(tx, importId);
  const { cols } = await mappedColumns(tx, row);
  return computeDiff(tx, customerId, await stage(tx, importId, cols), cols, true);
}

/**
 * Upserts the file into the roster by email (case-insensitive), marks people who are no longer listed as having
 * left (never deleted: the consent ledger references them) and brings returning people back. The import row is
 * locked first, so a second apply (double click, retry, two tabs) waits and then returns the recorded summary.
 */
export async function applyImport(tx: Tx, customerId: string, actor: Actor, importId: string, now: Date): Promise<TApplySummary> {
  const row = await findImport(tx, importId, { lock: true });
  if (row.status === 'applied') return summaryOf(row)!;
  if (row.status !== 'uploaded') throw new AppError('NOT_FOUND');
  const { cols, mapping, saved, missingRequired } = await mappedColumns(tx, row);
  if (!saved || missingRequired.length > 0) throw new AppError('IMPORT_NOT_READY');
  const staged = await stage(tx, importId, cols);
  const validated = row.validatedMapping !== null && isDeepStrictEqual(row.validatedMapping, row.mapping);
  if (!validated && (await errorCounts(tx, staged, cols)).errorCount > 0) throw new AppError('IMPORT_NOT_READY');

  const { joiners, returning, leavers, changed, unchanged } = await computeDiff(tx, customerId, staged, cols, false);
  const summary: TApplySummary = { joiners, returning, leavers, changed, unchanged };
  const at = sql`${now.toISOString()}::timestamptz`;
  const platforms = PLATFORM_FIELDS.filter((p) => cols[p] !== undefined);
  const platformJson = platforms.length
    ? sql`jsonb_strip_nulls(jsonb_build_object(${sql.join(platforms.map((p) => sql`${p}::text, nullif(fv.${ident(p)}, '')`), sql`, `)}))`
    : sql`'{}'::jsonb`;
  // What the file says for each column it maps; a listed person keeps the columns the file does not map.
  const optional = (['location', 'role', 'department'] as const).filter((f) => cols[f] !== undefined);
  const incoming: [column: string, value: SQL][] = [
    ['display_name', sql`fv."f_name"`],
    ...optional.map((f): [string, SQL] => [f, sql`nullif(fv.${ident(f)}, '')`]),
  ];
  if (platforms.length) {
    const keys = sql`array[${sql.join(platforms.map((p) => sql`${p}::text`), sql`, `)}]`;
    incoming.push(['platform_ids', sql`(e.platform_ids - ${keys}) || ${platformJson}`]);
  }
  const listed = sql`e.customer_id = ${customerId}::uuid and lower(e.email) = fv.email_key`;

  // Applies of one customer's roster take turns: each decides leavers and joiners from the roster as it finds it.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`roster:${customerId}`}, 0))`);
  // Leavers first: the people who are on the roster now and not in the file (joiners never are).
  await tx.execute(sql`with ${staged}
    update employees e set left_at = ${at}, updated_at = ${at}
    where e.customer_id = ${customerId}::uuid and e.left_at is null
      and not exists (select 1 from fv where fv.email_key = lower(e.email))`);
  // A leaver's unused enrollment link stops working with the roster change (superseded, as on a reissue).
  await tx.execute(sql`update enrollment_links l set status = 'superseded'
    from employees e
    where e.id = l.employee_id and e.customer_id = ${customerId}::uuid and e.left_at = ${at} and l.status = 'active'`);
  // Listed people whose details changed, and people who are back. An update and a plain insert rather than one
  // INSERT … ON CONFLICT: a first import of 100,000 people spends ~20 % less without speculative insertion, and the
  // lock above already rules out the race ON CONFLICT would cover.
  await tx.execute(sql`with ${staged}
    update employees e set ${sql.join(incoming.map(([column, value]) => sql`${sql.raw(column)} = ${value}`), sql`, `)},
      left_at = null, updated_at = ${at}
    from fv
    where ${listed} and (e.left_at is not null
      or ${sql.join(incoming.map(([column, value]) => sql`e.${sql.raw(column)} is distinct from ${value}`), sql` or `)})`);
  await tx.execute(sql`with ${staged}
    insert into employees (customer_id, email, display_name, location, role, department, platform_ids, updated_at)
    select ${customerId}::uuid, fv."f_email", fv."f_name", nullif(fv."f_location", ''), nullif(fv."f_role", ''),
           nullif(fv."f_department", ''), ${platformJson}, ${at}
    from fv
    where not exists (select 1 from employees e where ${listed})`);
  // The staged rows have served their purpose; the summary and the audit entry are the record.
  await tx.delete(rosterImportRows).where(eq(rosterImportRows.importId, importId));
  await tx
    .update(rosterImports)
    .set({ status: 'applied', appliedAt: now, summary, mapping })
    .where(eq(rosterImports.id, importId));
  await recordAudit(tx, customerId, actor, 'roster.applied', row.fileName, { importId, ...summary });
  return summary;
}

export async function discardImport(tx: Tx, customerId: string, actor: Actor, importId: string) {
  const row = await findImport(tx, importId, { lock: true });
  if (row.status === 'discarded') return toSummary(row);
  if (row.status !== 'uploaded') throw new AppError('NOT_FOUND');
  await tx.delete(rosterImportRows).where(eq(rosterImportRows.importId, importId));
  const [updated] = await tx.update(rosterImports).set({ status: 'discarded' }).where(eq(rosterImports.id, importId)).returning();
  await recordAudit(tx, customerId, actor, 'roster.discarded', row.fileName, { importId });
  return toSummary(updated!);
}

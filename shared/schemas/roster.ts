/** Roster import: upload result, preview, mapping, validation, diff, apply. */
import { z } from 'zod';
import { V } from '../errors.ts';
import { FILE_PROBLEMS, ROSTER_FIELDS, ROW_ERROR_CODES, type RosterFieldKey } from '../roster.ts';
import { zLine, zText } from './common.ts';

export const ZRosterField = z.enum(ROSTER_FIELDS);
/**
 * Keyed by the file's headers, exactly as stored. A header may span lines (spreadsheets wrap header text), so keys
 * are multi-line text; the upload refuses a header with any other control character (server/roster/csv.ts).
 */
export const ZRosterMapping = z.record(zText().max(500), ZRosterField.nullable());

export const DEFAULT_ROSTER_FILE_NAME = 'roster.csv';
/**
 * The query of `POST /api/roster/upload?fileName=…`: the name the file had on the user's device, shown in the
 * import list and used for the errors CSV. Missing or blank: "roster.csv".
 */
export const ZRosterUploadQuery = z.object({
  fileName: zLine({ trim: true })
    .max(255, { error: V.tooLong })
    .transform((name) => name || DEFAULT_ROSTER_FILE_NAME)
    .default(DEFAULT_ROSTER_FILE_NAME),
});
export type TRosterUploadQuery = z.infer<typeof ZRosterUploadQuery>;

export const ZImportIdInput = z.object({ importId: z.uuid({ error: V.invalid }) });

export const ZSaveMappingInput = ZImportIdInput.extend({
  mapping: ZRosterMapping.refine(
    (m) => {
      const fields = Object.values(m).filter((f): f is RosterFieldKey => f !== null);
      return new Set(fields).size === fields.length;
    },
    { error: 'roster:errors.fieldTwice' },
  ),
});

export const ZImportStatus = z.enum(['uploaded', 'applied', 'failed', 'discarded']);

export const ZColumnState = z.object({
  header: z.string(),
  field: ZRosterField.nullable(),
  status: z.enum(['ok', 'warn', 'ignored']),
});

export const ZApplySummary = z.object({
  joiners: z.number().int(),
  returning: z.number().int(),
  leavers: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
});
export type TApplySummary = z.infer<typeof ZApplySummary>;

export const ZImportSummary = z.object({
  id: z.uuid(),
  fileName: z.string(),
  status: ZImportStatus,
  rowCount: z.number().int(),
  createdAt: z.string(),
  appliedAt: z.string().nullable(),
  summary: ZApplySummary.nullable(),
});
export const ZImportList = z.array(ZImportSummary);

export const ZRosterImport = ZImportSummary.extend({
  headers: z.array(z.string()),
  delimiter: z.string(),
  preview: z.array(z.object({ row: z.number().int(), values: z.array(z.string()) })),
  /** The saved mapping, or the suggestion (remembered per customer, then guessed from the headers). */
  mapping: ZRosterMapping,
  mappingSaved: z.boolean(),
  columns: z.array(ZColumnState),
  missingRequired: z.array(ZRosterField),
  missingRecommended: z.array(ZRosterField),
});
export type TRosterImport = z.infer<typeof ZRosterImport>;

export const ZRowError = z.object({
  /** Row number in the file: the header is row 1, the first person row 2. */
  row: z.number().int(),
  field: ZRosterField,
  code: z.enum(ROW_ERROR_CODES),
  value: z.string(),
  /** For duplicates: the row where the email first appears. */
  firstRow: z.number().int().nullable(),
});
export type TRowError = z.infer<typeof ZRowError>;

export const ZValidation = z.object({
  missingRequired: z.array(ZRosterField),
  errorCount: z.number().int(),
  rowsWithErrors: z.number().int(),
  /** The first errors, in row order; the CSV download has all of them. */
  errors: z.array(ZRowError),
  ready: z.boolean(),
});

export const ZErrorsCsv = z.object({ fileName: z.string(), csv: z.string() });

const ZPerson = z.object({ email: z.string(), name: z.string() });
export const ZFieldChange = z.object({
  email: z.string(),
  name: z.string(),
  field: ZRosterField,
  from: z.string().nullable(),
  to: z.string().nullable(),
});
export const ZDiff = ZApplySummary.extend({
  /** At most DIFF_LIST_LIMIT entries each; the counts are complete. */
  joinerList: z.array(ZPerson.extend({ returning: z.boolean() })),
  leaverList: z.array(ZPerson),
  changeList: z.array(ZFieldChange),
});
export type TDiff = z.infer<typeof ZDiff>;
export const DIFF_LIST_LIMIT = 200;
export const ERROR_LIST_LIMIT = 200;

/** What the upload route answers, one JSON object per line (NDJSON); the last line is `done` or `error`. */
export const ZUploadLine = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), rows: z.number().int(), bytes: z.number().int() }),
  z.object({ type: z.literal('done'), importId: z.uuid(), rowCount: z.number().int(), duplicate: z.boolean() }),
  z.object({
    type: z.literal('error'),
    code: z.string(),
    problem: z.enum(FILE_PROBLEMS).optional(),
    line: z.number().int().optional(),
    row: z.number().int().optional(),
    detail: z.string().optional(),
  }),
]);
export type TUploadLine = z.infer<typeof ZUploadLine>;

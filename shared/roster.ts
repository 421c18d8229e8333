/**
 * Roster fields and column mapping, shared by the server (suggestion, validation) and the portal (live column
 * status while the user changes the selects): one definition of what is required, recommended and optional.
 */
import type { TextKind } from './schemas/common.ts';

export const ROSTER_FIELDS = ['name', 'email', 'location', 'role', 'department', 'slack', 'teams', 'zoom', 'phone'] as const;
export type RosterFieldKey = (typeof ROSTER_FIELDS)[number];

export const REQUIRED_FIELDS: readonly RosterFieldKey[] = ['name', 'email'];
export const RECOMMENDED_FIELDS: readonly RosterFieldKey[] = ['location', 'role', 'department'];
/** Platform identifiers, stored in employees.platform_ids. */
export const PLATFORM_FIELDS = ['slack', 'teams', 'zoom', 'phone'] as const;
export type PlatformField = (typeof PLATFORM_FIELDS)[number];

export type FieldLevel = 'required' | 'recommended' | 'optional';
export const fieldLevel = (field: RosterFieldKey): FieldLevel =>
  REQUIRED_FIELDS.includes(field) ? 'required' : RECOMMENDED_FIELDS.includes(field) ? 'recommended' : 'optional';

/** Column widths of the employees table and the limits of ZPlatformIds (shared/schemas/common.ts). */
export const FIELD_MAX_LENGTH: Record<RosterFieldKey, number> = {
  name: 200,
  email: 320,
  location: 200,
  role: 200,
  department: 200,
  slack: 100,
  teams: 320,
  zoom: 320,
  phone: 32,
};
/**
 * The character rule (shared/schemas/common.ts) each field follows, as its zod counterpart does: names, emails and
 * platform ids are one line (ZDisplayName, ZEmail, ZPlatformIds); location, role and department are labels as HR
 * exports write them, where a quoted line break occurs ("Research\r\nand Development"), and Signal's department
 * filter (ZSignalScope) takes them as they are.
 */
export const FIELD_TEXT_KIND: Record<RosterFieldKey, TextKind> = {
  name: 'line',
  email: 'line',
  location: 'text',
  role: 'text',
  department: 'text',
  slack: 'line',
  teams: 'line',
  zoom: 'line',
  phone: 'line',
};
/**
 * ZPlatformIds.phone (`^\+?[0-9 ().-]{5,31}$`) as PostgreSQL checks it during validation: after an optional
 * leading +, 5 to 31 of these characters.
 */
export const PHONE_CHARACTERS = '^[0-9 ().-]*$';

/** Header (as in the file) → field, or null to ignore the column. */
export type RosterMapping = Record<string, RosterFieldKey | null>;

/**
 * Header spellings seen in HR exports, compared after `normalizeHeader`. Order matters only within one field.
 */
const SYNONYMS: Record<RosterFieldKey, string[]> = {
  email: ['email', 'e mail', 'work email', 'email address', 'e mail address', 'work email address', 'mail', 'business email', 'corporate email', 'primary email', 'courriel', 'correo', 'correo electronico'],
  name: ['name', 'full name', 'employee name', 'display name', 'nom', 'nombre', 'nom complet', 'nombre completo'],
  department: ['department', 'dept', 'team', 'division', 'business unit', 'org unit', 'departement', 'departamento', 'abteilung'],
  location: ['location', 'office', 'site', 'city', 'work location', 'office location', 'country', 'lieu', 'bureau', 'ubicacion', 'oficina', 'standort', 'ort'],
  role: ['role', 'title', 'job title', 'position', 'job role', 'job', 'poste', 'titre', 'cargo', 'puesto', 'funktion', 'titel'],
  slack: ['slack', 'slack id', 'slack handle', 'slack user', 'slack username', 'slack member id'],
  teams: ['teams', 'teams id', 'microsoft teams', 'ms teams', 'teams user', 'teams upn', 'teams email'],
  zoom: ['zoom', 'zoom id', 'zoom user', 'zoom email'],
  phone: ['phone', 'mobile', 'mobile phone', 'cell', 'cell phone', 'phone number', 'mobile number', 'telephone', 'tel', 'work phone', 'telefono', 'telefon', 'handy', 'portable'],
};

/** "E-mail Address" → "e mail address": case, accents, punctuation and spacing do not matter. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const SYNONYM_INDEX: Map<string, RosterFieldKey> = new Map(
  ROSTER_FIELDS.flatMap((field) => SYNONYMS[field].map((s) => [s, field] as const)),
);

/** The field a header most likely holds, or null. "First Name"/"Last Name" are left for the user to decide. */
export function guessField(header: string): RosterFieldKey | null {
  const key = normalizeHeader(header);
  const exact = SYNONYM_INDEX.get(key);
  if (exact) return exact;
  // Compact spellings ("WorkEmail", "SlackID") and suffixes such as "Email (work)".
  const compact = key.replaceAll(' ', '');
  for (const [synonym, field] of SYNONYM_INDEX) if (synonym.replaceAll(' ', '') === compact) return field;
  const words = key.split(' ');
  if (words.includes('email') || words.includes('mail')) {
    for (const platform of ['slack', 'teams', 'zoom'] as const) if (words.includes(platform)) return platform;
    return 'email';
  }
  for (const platform of PLATFORM_FIELDS) if (words.includes(platform)) return platform;
  return null;
}

/**
 * The mapping suggested for a file: what this customer confirmed last time for the same header, otherwise the
 * guess from the header's name. No field is suggested for two columns (the first one wins).
 */
export function suggestMapping(headers: readonly string[], remembered: RosterMapping | null = null): RosterMapping {
  const mapping: RosterMapping = {};
  const taken = new Set<RosterFieldKey>();
  // Remembered choices first, so a guess cannot take a field the customer assigned to another column.
  for (const header of headers) {
    if (remembered && Object.hasOwn(remembered, header)) {
      const field = remembered[header] ?? null;
      mapping[header] = field && !taken.has(field) ? field : null;
      if (field) taken.add(field);
    }
  }
  for (const header of headers) {
    if (Object.hasOwn(mapping, header)) continue;
    const field = guessField(header);
    mapping[header] = field && !taken.has(field) ? field : null;
    if (field) taken.add(field);
  }
  return mapping;
}

export type ColumnStatus = 'ok' | 'warn' | 'ignored';
/** green (`ok`): a required field is mapped; yellow (`warn`): a recommended or optional field; red: `missingRequired`. */
export function mappingStatus(headers: readonly string[], mapping: RosterMapping) {
  const columns = headers.map((header) => {
    const field = mapping[header] ?? null;
    const status: ColumnStatus = !field ? 'ignored' : fieldLevel(field) === 'required' ? 'ok' : 'warn';
    return { header, field, status };
  });
  const mapped = new Set(columns.flatMap((c) => (c.field ? [c.field] : [])));
  return {
    columns,
    missingRequired: REQUIRED_FIELDS.filter((f) => !mapped.has(f)),
    missingRecommended: RECOMMENDED_FIELDS.filter((f) => !mapped.has(f)),
  };
}

/** Column index (in header order) of each mapped field. */
export function fieldColumns(headers: readonly string[], mapping: RosterMapping): Partial<Record<RosterFieldKey, number>> {
  const out: Partial<Record<RosterFieldKey, number>> = {};
  headers.forEach((header, i) => {
    const field = mapping[header];
    if (field && out[field] === undefined) out[field] = i;
  });
  return out;
}

/** Why a row was refused; the UI and the CSV download translate the code. */
export const ROW_ERROR_CODES = ['missing', 'email_invalid', 'email_duplicate', 'too_long', 'phone_invalid', 'characters'] as const;
export type RowErrorCode = (typeof ROW_ERROR_CODES)[number];

/** Problems with the file itself, reported instead of a crash. `characters`: a header with a refused character. */
export const FILE_PROBLEMS = ['quote_not_closed', 'invalid_quote', 'field_count', 'record_too_large', 'no_header', 'no_rows', 'encoding', 'unreadable', 'characters'] as const;
export type FileProblem = (typeof FILE_PROBLEMS)[number];

/** Maximum upload size: larger files are refused with IMPORT_TOO_LARGE before they are read. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** Rows shown in the preview. */
export const PREVIEW_ROWS = 25;

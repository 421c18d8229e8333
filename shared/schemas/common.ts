import { z } from 'zod';
import { CHANNELS } from '../channels.ts';
import { V } from '../errors.ts';
import { UI_LANGUAGES } from '../languages.ts';

/* ---------------------------------------------------------------- the characters a string input may hold */

/**
 * Refused in every string input: the C0 control characters other than tab, line feed and carriage return
 * (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F) and DEL (U+007F). PostgreSQL text cannot hold U+0000 at all (it
 * refuses the statement), and the others are invisible in every screen, email and export. Written as the body of
 * a bracket expression that JavaScript (`u` flag) and PostgreSQL regular expressions read alike, so the roster's
 * SQL validation (server/services/roster.ts) applies this very rule.
 */
export const CONTROL_CHARACTERS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F';
/** Tab, line feed and carriage return: allowed in multi-line text, refused in a single line. */
export const LINE_BREAK_CHARACTERS = '\\t\\n\\r';
/** `line`: names, labels, search terms, emails, tokens, ids. `text`: questions, notes, reasons, bodies. */
export type TextKind = 'line' | 'text';

/** The characters refused in `kind`, as a regex bracket expression valid in JavaScript and in PostgreSQL. */
export const refusedCharacterClass = (kind: TextKind) =>
  `[${CONTROL_CHARACTERS}${kind === 'line' ? LINE_BREAK_CHARACTERS : ''}]`;

/**
 * A string of allowed characters only. With the `u` flag a surrogate pair is one code point, so the surrogate
 * range matches only unpaired surrogates: they are not text (UTF-8 cannot encode them; PostgreSQL's JSON refuses
 * their escapes). They cannot reach PostgreSQL, which is why the SQL class above leaves them out.
 */
const ALLOWED: Record<TextKind, RegExp> = {
  line: new RegExp(`^[^${CONTROL_CHARACTERS}${LINE_BREAK_CHARACTERS}\\uD800-\\uDFFF]*$`, 'u'),
  text: new RegExp(`^[^${CONTROL_CHARACTERS}\\uD800-\\uDFFF]*$`, 'u'),
};

/** Whether `value` holds only characters allowed in `kind` (for what is checked outside zod, e.g. CSV headers). */
export const hasOnlyAllowedCharacters = (value: string, kind: TextKind) => ALLOWED[kind].test(value);

/**
 * Control characters made visible (U+0000 → ␀, tab → ␉, DEL → ␡, from Unicode's Control Pictures) and unpaired
 * surrogates as U+FFFD, for showing a refused value to the person who has to fix it.
 */
export const showControlCharacters = (value: string) =>
  value
    .replace(/[\u0000-\u001F]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)))
    .replaceAll('\u007F', '\u2421')
    .toWellFormed();

type TextParams = {
  /** Trim whitespace at both ends first; the characters are checked on what is kept. */
  trim?: boolean;
  /** Message when the value is not a string at all. */
  error?: string;
};
const textSchema = (kind: TextKind, { trim = false, error }: TextParams) => {
  const base = error === undefined ? z.string() : z.string({ error });
  return (trim ? base.trim() : base).regex(ALLOWED[kind], { error: V.characters });
};

/**
 * Every string input starts here (or is a format that cannot hold these characters: uuid, ISO date, enum). One
 * line: names, labels, search terms, emails, tokens, ids — no control character, no tab or line break. Chain the
 * limits (`.min`, `.max`) and formats as on z.string().
 */
export const zLine = (params: TextParams = {}) => textSchema('line', params);
/** Multi-line free text: a Signal question, notes, reasons, bodies — tab, line feed and carriage return allowed. */
export const zText = (params: TextParams = {}) => textSchema('text', params);

/* ---------------------------------------------------------------- shared input and output shapes */

export const ZChannel = z.enum(CHANNELS);
export const ZUiLanguage = z.enum(UI_LANGUAGES);
/** Client-generated, one per submission attempt; a retry reuses it so the server records the decision once. */
export const ZIdempotencyKey = z.uuid({ error: V.invalid });
/**
 * Tokens are checked by the server only: malformed and unknown tokens must get the same answer. The one exception
 * is the character rule every string input follows (a token with U+0000 is INVALID_INPUT): it says nothing about
 * what a token looks like.
 */
export const ZOpaqueToken = zLine().max(200);
export const ZEmail = zLine({ trim: true })
  .min(1, { error: V.required })
  .max(320, { error: V.tooLong })
  .pipe(z.email({ error: V.email }));
export const ZDisplayName = zLine({ trim: true }).min(1, { error: V.required }).max(200, { error: V.tooLong });
/** Platform usernames: Slack handle, Teams/Zoom login, phone number. Empty string means "none". */
export const ZPlatformIds = z.object({
  slack: zLine({ trim: true }).max(100, { error: V.tooLong }).optional(),
  teams: zLine({ trim: true }).max(320, { error: V.tooLong }).optional(),
  zoom: zLine({ trim: true }).max(320, { error: V.tooLong }).optional(),
  phone: zLine({ trim: true })
    .max(32, { error: V.tooLong })
    .regex(/^$|^\+?[0-9 ().-]{5,31}$/, { error: V.phone })
    .optional(),
});

export const ZNotice = z.object({
  versionId: z.uuid(),
  version: z.number().int().positive(),
  label: z.string(),
  language: ZUiLanguage,
  title: z.string(),
  body: z.string(),
});
export type TNotice = z.infer<typeof ZNotice>;

export const ZConsentEventView = z.object({
  channel: ZChannel,
  decision: z.enum(['grant', 'deny', 'withdraw']),
  occurredAt: z.iso.datetime(),
  noticeLabel: z.string(),
  language: ZUiLanguage,
});
export type TConsentEventView = z.infer<typeof ZConsentEventView>;

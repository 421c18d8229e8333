/**
 * Streaming CSV reading for roster uploads, with csv-parse: the delimiter is detected from the header line, the
 * bytes are hashed and counted as they pass (a body over the limit stops the read at once, nothing is buffered),
 * and csv-parse's errors become a report (problem + line) instead of an exception the caller cannot explain.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import type { FileProblem } from '../../shared/roster.ts';
import { hasOnlyAllowedCharacters } from '../../shared/schemas/common.ts';

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Enough of the file to see its header line, even with long headers. */
const SNIFF_BYTES = 64 * 1024;
/** One person's record is small; a larger one means an unclosed quote swallowing the rest of the file. */
const MAX_RECORD_BYTES = 64 * 1024;

/**
 * The delimiter of the first record (the header): whichever of `,` `;` tab occurs most often outside quotes.
 * Ties and a one-column file default to comma.
 */
export function detectDelimiter(sample: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = sample.charCodeAt(0) === 0xfeff ? 1 : 0; i < sample.length; i++) {
    const ch = sample[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if (counts[d] > counts[best]) best = d;
  return best;
}

/** The body exceeded the limit; reading stopped there. */
export class TooLargeError extends Error {
  constructor() {
    super('IMPORT_TOO_LARGE');
  }
}

/** A file that cannot be read as a roster: what is wrong and where (1-based line, and row when known). */
export class CsvProblem extends Error {
  readonly problem: FileProblem;
  readonly line: number | undefined;
  readonly row: number | undefined;
  readonly detail: string | undefined;
  constructor(problem: FileProblem, line?: number, row?: number, detail?: string) {
    super(`${problem}${line ? ` at line ${line}` : ''}`);
    this.problem = problem;
    this.line = line;
    this.row = row;
    this.detail = detail;
  }
}

const PROBLEM_OF: Record<string, FileProblem> = {
  CSV_QUOTE_NOT_CLOSED: 'quote_not_closed',
  CSV_INVALID_CLOSING_QUOTE: 'invalid_quote',
  INVALID_OPENING_QUOTE: 'invalid_quote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'invalid_quote',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'field_count',
  CSV_RECORD_INCONSISTENT_COLUMNS: 'field_count',
  CSV_MAX_RECORD_SIZE: 'record_too_large',
};

function toProblem(error: unknown): unknown {
  if (!(error instanceof CsvError)) return error;
  const e = error as CsvError & { lines?: number; records?: number; record?: unknown[] };
  const problem = PROBLEM_OF[e.code] ?? 'unreadable';
  // `records` counts complete records before the failing one; the header is row 1.
  const row = typeof e.records === 'number' ? e.records + 1 : undefined;
  const detail = problem === 'field_count' && Array.isArray(e.record) ? String(e.record.length) : undefined;
  return new CsvProblem(problem, e.lines, row, detail);
}

export type CsvRecord = { values: string[]; row: number };

export type CsvReader = {
  delimiter: Delimiter;
  /** Data records (after the header), each with its row number in the file (header = 1). */
  records: AsyncIterable<CsvRecord>;
  headers: string[];
  /** SHA-256 of every byte read; final once `records` is exhausted. */
  contentHash(): string;
  bytesRead(): number;
};

/** Headers that cannot be told apart would make a mapping ambiguous: blank ones get a name, repeats a suffix. */
export function uniqueHeaders(raw: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    const base = h.trim() || `Column ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

/**
 * Reads a CSV from a byte stream. Throws TooLargeError past `maxBytes`, CsvProblem for a malformed file (also from
 * the `records` iterator), anything else (a client that hung up) as is.
 */
export async function readCsv(source: AsyncIterable<Buffer | Uint8Array | string>, maxBytes: number): Promise<CsvReader> {
  const hash = createHash('sha256');
  let bytes = 0;
  const input = source[Symbol.asyncIterator]();
  const take = async (): Promise<Buffer | null> => {
    const next = await input.next();
    if (next.done) return null;
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    bytes += chunk.length;
    if (bytes > maxBytes) throw new TooLargeError();
    hash.update(chunk);
    return chunk;
  };

  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < SNIFF_BYTES) {
    const chunk = await take();
    if (!chunk) break;
    head.push(chunk);
    headBytes += chunk.length;
    if (chunk.includes(0x0a)) break;
  }
  const delimiter = detectDelimiter(Buffer.concat(head).toString('utf8'));

  const bytesIn = Readable.from(
    (async function* () {
      yield* head;
      for (let chunk = await take(); chunk; chunk = await take()) yield chunk;
    })(),
    { objectMode: false },
  );
  const parser = parse({
    delimiter,
    bom: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    info: true,
  });
  bytesIn.on('error', (error) => parser.destroy(error));
  bytesIn.pipe(parser);
  const parsed = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number } }>;

  const first = await parsed.next().catch((error: unknown) => {
    throw toProblem(error);
  });
  if (first.done || first.value.record.every((h) => h.trim() === '')) throw new CsvProblem('no_header', 1, 1);
  checkEncoding(first.value.record, first.value.info.lines, 1);
  checkHeaderCharacters(first.value.record, first.value.info.lines);
  const headers = uniqueHeaders(first.value.record);

  async function* records(): AsyncGenerator<CsvRecord> {
    let row = 1;
    try {
      for (let next = await parsed.next(); !next.done; next = await parsed.next()) {
        row++;
        checkEncoding(next.value.record, next.value.info.lines, row);
        yield { values: next.value.record, row };
      }
    } catch (error) {
      throw toProblem(error);
    } finally {
      bytesIn.destroy();
    }
    if (row === 1) throw new CsvProblem('no_rows', first.value!.info.lines, 1);
  }

  return { delimiter, headers, records: records(), contentHash: () => hash.copy().digest('hex'), bytesRead: () => bytes };
}

/** Bytes that are not UTF-8 decode to U+FFFD: a Latin-1 or UTF-16 export, whose names would be stored garbled. */
function checkEncoding(values: string[], line: number, row: number) {
  if (values.some((v) => v.includes('\uFFFD'))) throw new CsvProblem('encoding', line, row);
}

/**
 * Headers become the keys of the column mapping (ZRosterMapping: multi-line text), so they follow its character
 * rule; a control character in a header is the file's problem, not a row's. Cells are checked per row and field
 * during validation (server/services/roster.ts).
 */
function checkHeaderCharacters(headers: string[], line: number) {
  if (headers.some((h) => !hasOnlyAllowedCharacters(h, 'text'))) throw new CsvProblem('characters', line, 1);
}

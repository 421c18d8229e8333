/**
 * Signal's retrieval: the k = 40 communications most relevant to a question, inside the CEO's tenant transaction
 * (RLS) and with an explicit customer filter as well.
 *
 * Full text: every record is indexed with its own language's configuration (panops_en, panops_fr, …), so the
 * question is turned into one tsquery per configuration and each record is matched and ranked (ts_rank_cd) against
 * its own configuration's query. A question is usually a sentence, not a search expression, so its words are OR-ed
 * and ranking rewards records that hold more of them close together; quotes, "or" and "-word" switch to web-search
 * syntax (AND by default). Japanese and Chinese questions are segmented the way their records were at ingestion.
 * Only the newest CANDIDATES matches are ranked, which keeps a broad question over a million records fast; for a
 * CEO asking "what is happening", recency is the right tie-breaker to pay that price with.
 *
 * Vectors: where pgvector gave `communications` an `embedding` column and an embeddings endpoint is configured, the
 * nearest records by cosine distance are fused with the text ranking by reciprocal rank fusion. Neither exists on
 * this machine, so that path is only exercised through `fuseRankings`.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Channel } from '../../shared/channels.ts';
import type { TSignalScope } from '../../shared/schemas/signal.ts';
import { rowsOf, type Tx } from '../db/client.ts';
import { ftsConfigFor, questionLanguage, segmentWords } from './text-search.ts';

export const TOP_K = 40;
/** How many of the newest matching records are ranked (see `retrieve`). */
export const CANDIDATES = 500;
/** The usual RRF constant: damps the weight of the very first ranks so neither list dominates. */
export const RRF_K = 60;

export type Ranked = { id: string; score: number };

/**
 * Reciprocal rank fusion: score(d) = Σ 1 / (k + rank_i(d)) over the lists that contain d (ranks from 1). Ties keep
 * the order of first appearance, so the result is deterministic.
 */
export function fuseRankings(lists: readonly (readonly string[])[], limit = TOP_K, k = RRF_K): Ranked[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + index + 1)));
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score).slice(0, limit);
}

/** Web-search syntax only when the CEO used it; otherwise a question's words are alternatives, not requirements. */
export function usesSearchSyntax(query: string): boolean {
  return /"|(^|\s)-\S|\sor\s/i.test(query);
}

const quote = (lexeme: string) => `'${lexeme.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/** A tsquery matching any of the lexemes, quoted for the tsquery parser. */
export function anyOfLexemes(lexemes: readonly string[]): string {
  return lexemes.map(quote).join(' | ');
}

export type RetrievalOptions = {
  query: string;
  scope?: TSignalScope | undefined;
  k?: number;
  /** The question's embedding, when embeddings are configured; used only where the column exists. */
  embedding?: number[] | null;
};

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;

/** Japanese and Chinese questions cut into words as their records were at ingestion; others unchanged. */
export function segmentQuery(query: string): string {
  if (KANA.test(query)) return segmentWords(query, 'ja');
  if (HAN.test(query)) return segmentWords(query, 'zh');
  return query;
}

/**
 * A tsquery matching records that hold at least two of the lexemes (any pair), or the lexeme itself when there is
 * only one. The GIN index intersects each pair's posting lists, so this stays cheap where "any word" would match a
 * large share of a million records.
 */
export function twoOfLexemes(lexemes: readonly string[], max = 8): string {
  const words = [...new Set(lexemes)].slice(0, max).map(quote);
  if (words.length < 2) return words.join('');
  const pairs: string[] = [];
  for (let i = 0; i < words.length; i++) for (let j = i + 1; j < words.length; j++) pairs.push(`${words[i]} & ${words[j]}`);
  return pairs.map((p) => `(${p})`).join(' | ');
}

/** One configuration group's reading of the question: the query it ranks with, and its match tiers, strictest first. */
type ConfigQuery = { cfgs: string[]; rank: string; tiers: string[] };
/** How every configuration reads the question, and the match tiers (strictest first) over all of them at once. */
export type QuestionReading = { configs: ConfigQuery[]; tiers: string[] };
/** A lexeme of the question as one configuration reads it, with the word positions it comes from. */
export type QuestionLexeme = { cfg: string; lexeme: string; positions: number[] };

const alternatives = (lexemes: readonly string[]) =>
  lexemes.length === 1 ? quote(lexemes[0]!) : `(${lexemes.map(quote).join(' | ')})`;

/**
 * The question's words as the configurations read them (every configuration uses the same parser, so a word has
 * the same position in each). Words the question's own language treats as stop words are dropped everywhere: the
 * simple configuration and the other languages would otherwise keep "the", "is" and "on" of an English question,
 * and each extra word makes every match test dearer. The match over all configurations asks for two of the
 * question's *words*, each word standing for all its configurations' lexemes, rather than for any pair of anyone's
 * lexemes: the same candidates, with a tenth of the alternatives for a six-word question.
 */
export function readQuestion(lexemes: readonly QuestionLexeme[], stopConfig: string | null, max = 8): QuestionReading {
  const kept = stopConfig ? new Set(lexemes.filter((l) => l.cfg === stopConfig).flatMap((l) => l.positions)) : null;
  const byConfig = new Map<string, Set<string>>();
  const byPosition = new Map<number, Set<string>>();
  for (const { cfg, lexeme, positions } of lexemes) {
    const at = kept ? positions.filter((p) => kept.has(p)) : positions;
    if (at.length === 0) continue;
    byConfig.set(cfg, (byConfig.get(cfg) ?? new Set()).add(lexeme));
    for (const p of at) byPosition.set(p, (byPosition.get(p) ?? new Set()).add(lexeme));
  }
  const configs = new Map<string, ConfigQuery>();
  for (const [cfg, set] of [...byConfig].sort(([a], [b]) => a.localeCompare(b))) {
    const words = [...set];
    const rank = anyOfLexemes(words);
    const group = configs.get(rank);
    if (group) group.cfgs.push(cfg);
    else {
      const two = twoOfLexemes(words);
      configs.set(rank, { cfgs: [cfg], rank, tiers: two === rank ? [rank] : [two, rank] });
    }
  }
  const words = [
    ...new Map(
      [...byPosition]
        .sort(([a], [b]) => a - b)
        .map(([, set]) => [...set].sort())
        .map((word) => [word.join(' '), word] as const),
    ).values(),
  ].slice(0, max);
  const any = anyOfLexemes([...new Set(words.flat())]);
  const pairs: string[] = [];
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < words.length; j++) pairs.push(`(${alternatives(words[i]!)} & ${alternatives(words[j]!)})`);
  }
  return { configs: [...configs.values()], tiers: words.length === 0 ? [] : pairs.length ? [pairs.join(' | '), any] : [any] };
}

/**
 * The question as every configuration reads it. The configurations are the migration's panops_* ones, read from
 * the catalog so the list lives in one place.
 */
async function readQuestionIn(tx: Tx, query: string): Promise<QuestionReading> {
  const text = segmentQuery(query);
  if (usesSearchSyntax(query)) {
    const rows = rowsOf<{ cfg: string; q: string }>(
      await tx.execute(sql`select cfgname as cfg, websearch_to_tsquery(oid::regconfig, ${text})::text as q
        from pg_ts_config where starts_with(cfgname::text, 'panops_') order by cfgname`),
    );
    const configs = new Map<string, ConfigQuery>();
    for (const { cfg, q } of rows) {
      if (!q) continue;
      const group = configs.get(q);
      if (group) group.cfgs.push(cfg);
      else configs.set(q, { cfgs: [cfg], rank: q, tiers: [q] });
    }
    // Configurations reading it alike share one alternative: each repeat would only inflate the match's cost.
    return { configs: [...configs.values()], tiers: configs.size ? [[...configs.keys()].map((q) => `(${q})`).join(' | ')] : [] };
  }
  const lexemes = rowsOf<QuestionLexeme>(
    await tx.execute(sql`select c.cfgname as cfg, v.lexeme, v.positions
      from pg_ts_config c, unnest(to_tsvector(c.oid::regconfig, ${text})) v
      where starts_with(c.cfgname::text, 'panops_')`),
  );
  const language = questionLanguage(query);
  return readQuestion(lexemes, language ? ftsConfigFor(language) : null);
}

/**
 * The scope as values (for communication_matches) and as the same conditions on communications `c`. Departments
 * are resolved to their employees first: a join to employees was applied per candidate row and made
 * department-scoped questions the slowest by far.
 */
type Scope = { channels: Channel[] | null; from: string | null; to: string | null; employeeIds: string[] | null };

async function resolveScope(tx: Tx, customerId: string, scope: TSignalScope | undefined): Promise<Scope> {
  const departments = scope?.departments?.length ? scope.departments : undefined;
  const employeeIds = departments
    ? rowsOf<{ id: string }>(
        await tx.execute(sql`select e.id from employees e where e.customer_id = ${customerId}
          and e.department = any(${sql`array[${sql.join(departments.map((d) => sql`${d}`), sql`, `)}]::text[]`})`),
      ).map((p) => p.id)
    : null;
  return {
    channels: scope?.channels?.length ? scope.channels : null,
    from: scope?.from ?? null,
    to: scope?.to ?? null,
    employeeIds,
  };
}

const textArray = (values: readonly string[] | null, type: 'text' | 'uuid') =>
  values ? sql`string_to_array(${values.join(',')}, ',')::${sql.raw(type)}[]` : sql`null::${sql.raw(type)}[]`;
// Whole days: "to" includes that day.
const fromBound = (scope: Scope) => (scope.from ? sql`${scope.from}::date::timestamptz` : sql`null::timestamptz`);
const toBound = (scope: Scope) => (scope.to ? sql`(${scope.to}::date + 1)::timestamptz` : sql`null::timestamptz`);

function scopeConditions(customerId: string, scope: Scope): SQL {
  const where: SQL[] = [sql`c.customer_id = ${customerId}`];
  if (scope.channels) where.push(sql`c.channel = any(${textArray(scope.channels, 'text')})`);
  if (scope.from) where.push(sql`c.occurred_at >= ${fromBound(scope)}`);
  if (scope.to) where.push(sql`c.occurred_at < ${toBound(scope)}`);
  if (scope.employeeIds) where.push(sql`c.employee_id = any(${textArray(scope.employeeIds, 'uuid')})`);
  return sql.join(where, sql` and `);
}

/** Whether pgvector gave communications its `embedding` column. Asked only when there is a vector to compare. */
async function hasEmbeddingColumn(tx: Tx): Promise<boolean> {
  const rows = rowsOf(
    await tx.execute(
      sql`select 1 from information_schema.columns
          where table_schema = 'public' and table_name = 'communications' and column_name = 'embedding'`,
    ),
  );
  return rows.length > 0;
}

/** The ids of the top-k records for the question, best first. */
export async function retrieve(
  tx: Tx,
  customerId: string,
  opts: RetrievalOptions,
): Promise<string[]> {
  const k = opts.k ?? TOP_K;
  const scope = await resolveScope(tx, customerId, opts.scope);
  const filters = scopeConditions(customerId, scope);
  // Each question gets a plan for its own terms: a generic plan cannot tell a rare word from a common one.
  await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);

  const { configs, tiers } = await readQuestionIn(tx, opts.query);
  let textIds: string[] = [];
  if (tiers.length === 0) {
    // Nothing searchable (only stop words or punctuation): the most recent records in scope.
    textIds = rowsOf<{ id: string }>(
      await tx.execute(sql`select c.id from communications c where ${filters}
                           order by c.occurred_at desc limit ${k}`),
    ).map((r) => r.id);
  }
  const cfgIs = (cfgs: string[]) =>
    cfgs.length === 1 ? sql`m.fts_config = ${cfgs[0]}::regconfig` : sql`m.fts_config = any(string_to_array(${cfgs.join(',')}, ',')::regconfig[])`;
  const perConfig = (pick: (g: ConfigQuery) => string) =>
    sql`case ${sql.join(configs.map((g) => sql`when ${cfgIs(g.cfgs)} then ${pick(g)}::tsquery`), sql` `)} end`;
  const rankQuery = perConfig((g) => g.rank);
  // Records holding two or more of the question's words first; records holding one only if that left room.
  for (let tier = 0; tier < tiers.length && textIds.length < k; tier++) {
    const tierOf = (g: ConfigQuery) => g.tiers[Math.min(tier, g.tiers.length - 1)]!;
    // Ranking every match of a broad question over a million records costs seconds, so only the newest
    // CANDIDATES matches are ranked. communication_matches (migrations 0009, 0011) finds them — one match over
    // every configuration's reading at once — walking back through time while matches are common and through the
    // GIN index when they are rare; under the table's RLS policy PostgreSQL may not use that index for @@, which is
    // not leakproof. Each candidate is then held to its own configuration's reading.
    const ids = rowsOf<{ id: string }>(
      await tx.execute(sql`
        select m.id from communication_matches(${tiers[tier]}::tsquery, ${textArray(scope.channels, 'text')},
          ${fromBound(scope)}, ${toBound(scope)}, ${textArray(scope.employeeIds, 'uuid')}, ${CANDIDATES}) m
        where m.fts @@ ${perConfig(tierOf)}
        order by ts_rank_cd(m.fts, ${rankQuery}, 1) desc, m.occurred_at desc
        limit ${k}`),
    ).map((r) => r.id);
    const seen = new Set(textIds);
    textIds = [...textIds, ...ids.filter((id) => !seen.has(id))].slice(0, k);
  }

  if (!opts.embedding || !(await hasEmbeddingColumn(tx))) return textIds;
  const vector = `[${opts.embedding.join(',')}]`;
  const vectorIds = rowsOf<{ id: string }>(
    await tx.execute(sql`
      select c.id from communications c
      where ${filters} and c.embedding is not null
      order by c.embedding <=> ${vector}::vector
      limit ${k}`),
  ).map((r) => r.id);
  return fuseRankings([textIds, vectorIds], k).map((r) => r.id);
}

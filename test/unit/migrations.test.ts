import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const drizzleDir = fileURLToPath(new URL('../../drizzle', import.meta.url));

type JournalEntry = { idx: number; when: number; tag: string };
const journal = JSON.parse(readFileSync(`${drizzleDir}/meta/_journal.json`, 'utf8')) as { entries: JournalEntry[] };
const entries = journal.entries;

/** SQL text without `--` comments (none of our migrations have `--` inside string literals outside bodies). */
const sqlOf = (tag: string) =>
  readFileSync(`${drizzleDir}/${tag}.sql`, 'utf8')
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n');

const identifier = (s: string) => s.trim().replace(/^"(.*)"$/, '$1');

type Grant = { privileges: string[]; objects: string[]; grantees: string; text: string };
function grantsIn(sql: string): Grant[] {
  return [...sql.matchAll(/\bGRANT\s+([\s\S]+?)\s+ON\s+([\s\S]+?)\s+TO\s+([\s\S]+?);/gi)].map((m) => ({
    privileges: m[1]!.split(',').map((p) => p.trim().toUpperCase()),
    objects: m[2]!
      .replace(/^TABLE\s+/i, '')
      .split(',')
      .map(identifier),
    grantees: m[3]!.trim(),
    text: m[0],
  }));
}

describe('drizzle migration journal', () => {
  it('has entries with consecutive idx', () => {
    expect(entries.length).toBeGreaterThan(0);
    entries.forEach((e, i) => expect(e.idx).toBe(i));
  });

  it('`when` strictly increases', () => {
    for (let i = 1; i < entries.length; i++) {
      expect(entries[i]!.when, `${entries[i]!.tag} after ${entries[i - 1]!.tag}`).toBeGreaterThan(entries[i - 1]!.when);
    }
  });

  it('every tag has its drizzle/<tag>.sql file, and every .sql file is in the journal', () => {
    for (const e of entries) expect(existsSync(`${drizzleDir}/${e.tag}.sql`), `${e.tag}.sql`).toBe(true);
    const files = readdirSync(drizzleDir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.slice(0, -'.sql'.length))
      .sort();
    expect(files).toEqual(entries.map((e) => e.tag).sort());
  });

  it('tags are numbered by their position', () => {
    for (const e of entries) expect(e.tag.slice(0, 4)).toBe(String(e.idx).padStart(4, '0'));
  });
});

describe('security migrations', () => {
  const generated = entries.filter((e) => !/_security$/.test(e.tag)).map((e) => sqlOf(e.tag));
  const securityFiles = entries.filter((e) => /_security$/.test(e.tag)).map((e) => sqlOf(e.tag));
  const init = generated.join('\n');
  const security = securityFiles.join('\n');
  const tables = [...init.matchAll(/CREATE TABLE "([^"]+)"/g)].map((m) => m[1]!);

  it('the generated migrations create the tenant tables', () => {
    expect(tables).toContain('consent_events');
    expect(tables).toContain('customers');
    expect(tables).toContain('audit_log');
    expect(tables.length).toBeGreaterThanOrEqual(5);
  });

  it('forces row level security on every table the generated migrations create', () => {
    const forced = new Set(
      [...security.matchAll(/ALTER TABLE "([^"]+)" FORCE ROW LEVEL SECURITY/g)].map((m) => m[1]!),
    );
    const missing = tables.filter((t) => !forced.has(t));
    expect(missing, 'tables without FORCE ROW LEVEL SECURITY').toEqual([]);
  });

  it('row level security is enabled on every table', () => {
    const enabled = new Set(
      [...(init + security).matchAll(/ALTER TABLE "([^"]+)" ENABLE ROW LEVEL SECURITY/g)].map((m) => m[1]!),
    );
    expect(tables.filter((t) => !enabled.has(t))).toEqual([]);
  });

  it('grants only SELECT and INSERT on consent_events', () => {
    const grants = grantsIn(init + '\n' + security);
    const onLedger = grants.filter((g) => g.objects.includes('consent_events'));
    const toApp = onLedger.filter((g) => g.grantees === 'panops_app');
    expect(toApp.length, 'the app must be able to read and append').toBeGreaterThan(0);
    for (const g of toApp) expect(g.privileges.sort(), g.text).toEqual(['INSERT', 'SELECT']);
    // Other roles (the ledger-state reader) may read it at most.
    for (const g of onLedger) expect(['INSERT', 'SELECT'], g.text).toEqual(expect.arrayContaining(g.privileges));
    // No blanket grant that would reach the ledger either.
    for (const g of grants.filter((g) => /ALL\s+TABLES/i.test(g.objects.join(',')))) {
      expect(g.privileges.some((p) => /^(ALL|UPDATE|DELETE|TRUNCATE)/.test(p)), g.text).toBe(false);
    }
  });

  it('the parser finds the grants it is meant to check', () => {
    const grants = grantsIn(security);
    const tableGrants = grants.filter((g) => g.objects.includes('customers'));
    expect(tableGrants.some((g) => g.privileges.includes('UPDATE'))).toBe(true);
  });

  it('blocks UPDATE, DELETE and TRUNCATE on consent_events and audit_log with triggers', () => {
    for (const table of ['consent_events', 'audit_log']) {
      expect(security).toMatch(new RegExp(`BEFORE UPDATE OR DELETE ON "${table}"`));
      expect(security).toMatch(new RegExp(`BEFORE TRUNCATE ON "${table}"`));
    }
  });

  it('grants only SELECT and INSERT on audit_log', () => {
    const onAudit = grantsIn(security).filter((g) => g.objects.includes('audit_log'));
    expect(onAudit.length).toBeGreaterThan(0);
    for (const g of onAudit) expect(g.privileges.sort(), g.text).toEqual(['INSERT', 'SELECT']);
  });
});

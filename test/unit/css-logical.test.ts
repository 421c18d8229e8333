/**
 * Arabic lays the whole product out right to left by `dir="rtl"` alone, which only works if no stylesheet pins a
 * side: every .css file under client/ must use logical properties (margin-inline-start, inset-inline-end,
 * text-align: start, border-inline-start, …) instead of left/right ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const clientDir = join(root, 'client');

function cssFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return cssFiles(path);
    return entry.name.endsWith('.css') ? [path] : [];
  });
}

/** Properties that name a physical side, with the logical one to use instead. */
const PHYSICAL_PROPERTIES: [RegExp, string][] = [
  [/^(margin|padding)-(left|right)$/, '$1-inline-start / $1-inline-end'],
  [/^border-(left|right)(-(width|style|color))?$/, 'border-inline-start / border-inline-end'],
  [/^border-(top|bottom)-(left|right)-radius$/, 'border-start-start-radius and friends'],
  [/^(left|right)$/, 'inset-inline-start / inset-inline-end'],
  [/^scroll-(margin|padding)-(left|right)$/, 'scroll-$1-inline-start / -end'],
];
/** Properties whose left/right values are physical. */
const PHYSICAL_VALUES: [RegExp, RegExp, string][] = [
  [/^text-align(-last)?$/, /^(left|right)\b/, 'text-align: start / end'],
  [/^(float|clear)$/, /^(left|right)\b/, '$1: inline-start / inline-end'],
];

type Finding = { line: number; declaration: string; use: string };

/** Declarations that pin a side, with their line numbers. Comments are blanked first (keeping line breaks). */
function physicalDeclarations(css: string): Finding[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '));
  const findings: Finding[] = [];
  // A declaration starts after `{` or `;` and runs to the next `;` or `}`; selectors never follow those.
  for (const m of text.matchAll(/(?<=[{;]\s*)(-?[a-zA-Z-]+)\s*:\s*([^;{}]*)/g)) {
    const property = m[1]!.toLowerCase();
    const value = m[2]!.trim().toLowerCase();
    const line = text.slice(0, m.index).split('\n').length;
    const declaration = `${property}: ${value}`;
    for (const [re, use] of PHYSICAL_PROPERTIES) {
      if (re.test(property)) findings.push({ line, declaration, use: property.replace(re, use) });
    }
    for (const [propRe, valueRe, use] of PHYSICAL_VALUES) {
      if (propRe.test(property) && valueRe.test(value)) findings.push({ line, declaration, use: property.replace(propRe, use) });
    }
  }
  return findings;
}

describe('the physical-property detector', () => {
  it('finds every kind of side-pinning declaration', () => {
    const sample = `.a { margin-left: 1rem; padding-right: 2px }
.b{left:0;right : 4px; text-align: right; float:left }
.c { border-right: 1px solid; border-left-color: red; border-top-left-radius: 4px; clear: right; }`;
    expect(physicalDeclarations(sample).map((f) => f.declaration)).toEqual([
      'margin-left: 1rem',
      'padding-right: 2px',
      'left: 0',
      'right: 4px',
      'text-align: right',
      'float: left',
      'border-right: 1px solid',
      'border-left-color: red',
      'border-top-left-radius: 4px',
      'clear: right',
    ]);
  });

  it('accepts logical properties, selectors and comments that mention sides', () => {
    const sample = `/* margin-left: 0 was here */
.left:hover, [data-side="right"] { margin-inline-start: 1rem; inset-inline-end: 0; text-align: start;
  border-inline-start: 1px solid; float: inline-start; background-position: center; }`;
    expect(physicalDeclarations(sample)).toEqual([]);
  });

  it('reports the line of the offending declaration', () => {
    expect(physicalDeclarations('.a {\n  color: red;\n  margin-right: 0;\n}')[0]?.line).toBe(3);
  });
});

describe('stylesheets under client/ use logical properties only', () => {
  const files = cssFiles(clientDir);

  it('finds the stylesheets', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(relative(root, file), () => {
      const found = physicalDeclarations(readFileSync(file, 'utf8')).map(
        (f) => `line ${f.line}: ${f.declaration} — use ${f.use}`,
      );
      expect(found).toEqual([]);
    });
  }
});

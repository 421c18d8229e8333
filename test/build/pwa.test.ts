/**
 * Checks the built PWA in dist/ (`npm test` builds first). The service worker must serve the app shell offline
 * without ever answering API traffic, precache only the default language, and never take over a page on its own.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UI_LANGUAGE, UI_LANGUAGES } from '../../shared/languages.ts';

const distDir = fileURLToPath(new URL('../../dist', import.meta.url));

if (!existsSync(`${distDir}/sw.js`)) {
  throw new Error(`dist/sw.js is missing: run \`npm run build\` first (npm test does this before vitest).`);
}

const sw = readFileSync(`${distDir}/sw.js`, 'utf8');
const indexHtml = readFileSync(`${distDir}/index.html`, 'utf8');
const manifest = JSON.parse(readFileSync(`${distDir}/manifest.webmanifest`, 'utf8')) as {
  name?: string;
  short_name?: string;
  theme_color?: string;
  start_url?: string;
  scope?: string;
  display?: string;
  icons?: { src: string; sizes: string; type?: string; purpose?: string }[];
};

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** The precache manifest as written by workbox-build: `{url:"...",revision:"..."|null}` objects. */
const precache = [...sw.matchAll(/\{url:"([^"]+)",revision:(null|"[^"]*")\}/g)].map((m) => ({
  url: m[1]!,
  revision: m[2] === 'null' ? null : m[2]!.slice(1, -1),
}));
const precachedUrls = new Set(precache.map((e) => e.url));

describe('service worker (dist/sw.js)', () => {
  it('falls back to index.html for navigations', () => {
    // workbox-build minifies the module alias (currently `s`), so allow any identifier there.
    expect(sw).toMatch(/new \w+\.NavigationRoute\(\w+\.createHandlerBoundToURL\("index\.html"\)/);
  });

  it('registers only the navigation route', () => {
    expect(count(sw, 'registerRoute(')).toBe(1);
    expect(sw).toMatch(/registerRoute\(new \w+\.NavigationRoute\(\w+\.createHandlerBoundToURL\("index\.html"\)/);
  });

  it('keeps /trpc/ and /api/ out of the navigation fallback', () => {
    const denylist = /NavigationRoute\([^)]*\)\s*,\s*\{denylist:\[([^\]]*)\]\}/.exec(sw)?.[1];
    expect(denylist, 'navigation route denylist').toBeDefined();
    const patterns = denylist!.split(',');
    expect(patterns).toContain(String.raw`/^\/trpc\//`);
    expect(patterns).toContain(String.raw`/^\/api\//`);
  });

  it('the denylist patterns block what they should and nothing more', () => {
    const patterns = /\{denylist:\[([^\]]*)\]\}/
      .exec(sw)![1]!
      .split(',')
      .map((p) => new RegExp(p.slice(1, p.lastIndexOf('/')), p.slice(p.lastIndexOf('/') + 1)));
    const blocked = (path: string) => patterns.some((re) => re.test(path));
    expect(blocked('/trpc/enrollment.get')).toBe(true);
    expect(blocked('/api/webhooks/x')).toBe(true);
    expect(blocked('/enroll/6f1d0a52-6a0c-4b7e-9c1e-0d3c2b1a0f9e')).toBe(false);
    expect(blocked('/manage')).toBe(false);
  });

  it('precaches the app shell', () => {
    expect(precache.length).toBeGreaterThan(0);
    expect(precachedUrls).toContain('index.html');
    expect(precachedUrls).toContain('manifest.webmanifest');
  });

  it('precaches English locale chunks and no other language', () => {
    const locales = [...precachedUrls].filter((u) => /(^|\/)locale-/.test(u));
    expect(locales.some((u) => /(^|\/)locale-en-/.test(u))).toBe(true);
    for (const lng of UI_LANGUAGES.filter((l) => l !== DEFAULT_UI_LANGUAGE)) {
      expect(
        locales.filter((u) => u.includes(`locale-${lng}-`)),
        `locale-${lng}- chunks must load on demand`,
      ).toEqual([]);
    }
  });

  it('every precached file exists in dist/', () => {
    for (const { url } of precache) expect(existsSync(`${distDir}/${url}`), url).toBe(true);
  });

  it('lists a URL more than once only with the same revision (workbox rejects conflicting entries)', () => {
    const revisions = new Map<string, Set<string | null>>();
    for (const { url, revision } of precache) revisions.set(url, (revisions.get(url) ?? new Set()).add(revision));
    for (const [url, set] of revisions) expect(set.size, url).toBe(1);
  });

  it('only skips waiting when the page asks (SKIP_WAITING message), and never claims clients', () => {
    expect(count(sw, 'skipWaiting()')).toBe(1);
    // The only call sits in the body of the message listener, guarded by the SKIP_WAITING message type.
    expect(sw).toMatch(/addEventListener\("message",\s*\(?\w*\)?\s*=>\s*\{[^{}]*"SKIP_WAITING"[^{}]*skipWaiting\(\)[^{}]*\}/);
    expect(sw).not.toContain('clientsClaim');
  });

  it('has no runtime caching of API traffic', () => {
    expect(sw).not.toMatch(/NetworkFirst|StaleWhileRevalidate|CacheFirst/);
  });
});

describe('locale chunks (dist/assets)', () => {
  const assets = readdirSync(`${distDir}/assets`);
  const localesDir = fileURLToPath(new URL('../../client/i18n/locales', import.meta.url));
  const namespaces = readdirSync(`${localesDir}/en`).map((f) => f.replace(/\.json$/, ''));
  const read = (file: string) => readFileSync(`${distDir}/assets/${file}`, 'utf8');
  // Built chunks refer to each other as "./name.js" (static import/from, or import() for lazy ones).
  const staticImports = (file: string) => [...read(file).matchAll(/(?:import|from)\s*["'`]\.\/([^"'`]+\.js)["'`]/g)].map((m) => m[1]!);
  const lazyImports = (file: string) => [...read(file).matchAll(/import\(\s*["'`]\.\/([^"'`]+\.js)["'`]\s*\)/g)].map((m) => m[1]!);
  const closure = (roots: string[]) => {
    const seen = new Set<string>();
    const todo = [...roots];
    while (todo.length) {
      const file = todo.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      todo.push(...staticImports(file));
    }
    return seen;
  };
  const entry = /<script[^>]+src="\/assets\/([^"]+\.js)"/.exec(indexHtml)?.[1];
  // client/main.tsx picks the portal first and the employee app otherwise: the employee boot is the last import().
  const employeeBoot = entry ? lazyImports(entry).at(-1) : undefined;

  it('every namespace of every UI language is its own lazily loaded chunk', () => {
    for (const lng of UI_LANGUAGES) {
      for (const ns of namespaces) {
        expect(assets.filter((f) => f.startsWith(`locale-${lng}-${ns}-`)), `${lng}/${ns}`).toHaveLength(1);
      }
    }
  });

  it('the employee app loads no locale file up front and can reach only its own namespaces', () => {
    expect(entry, 'entry script in index.html').toBeDefined();
    expect(employeeBoot, 'employee app chunk').toBeDefined();
    const upFront = closure([entry!, employeeBoot!]);
    expect([...upFront].filter((f) => f.startsWith('locale-'))).toEqual([]);
    const reachable = new Set([...upFront].flatMap(lazyImports).filter((f) => f.startsWith('locale-')));
    const namespacesReached = new Set([...reachable].map((f) => /^locale-[a-z]{2}-([a-z]+)-/.exec(f)?.[1]));
    expect([...namespacesReached].sort()).toEqual(['common', 'enroll', 'manage']);
    expect(reachable.size).toBe(UI_LANGUAGES.length * 3);
  });
});

describe('web app manifest (dist/manifest.webmanifest)', () => {
  it('has the installable fields', () => {
    expect(manifest.name).toEqual(expect.any(String));
    expect(manifest.name!.length).toBeGreaterThan(0);
    expect(manifest.short_name).toEqual(expect.any(String));
    expect(manifest.short_name!.length).toBeGreaterThan(0);
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.start_url).toMatch(/^\//);
    expect(manifest.scope).toBe('/');
    expect(manifest.display).toBe('standalone');
  });

  it('has 192x192 and 512x512 icons and a maskable one', () => {
    const icons = manifest.icons ?? [];
    const sizes = icons.map((i) => i.sizes);
    expect(sizes).toContain('192x192');
    expect(sizes).toContain('512x512');
    expect(icons.some((i) => (i.purpose ?? '').split(/\s+/).includes('maskable'))).toBe(true);
  });

  for (const icon of manifest.icons ?? []) {
    it(`${icon.src} is a PNG of its declared size ${icon.sizes}`, () => {
      const file = `${distDir}/${icon.src.replace(/^\//, '')}`;
      expect(existsSync(file), file).toBe(true);
      const bytes = readFileSync(file);
      expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
      const [width, height] = icon.sizes.split('x').map(Number);
      expect(bytes.readUInt32BE(16)).toBe(width);
      expect(bytes.readUInt32BE(20)).toBe(height);
      if (icon.type) expect(icon.type).toBe('image/png');
    });
  }
});

describe('dist/index.html', () => {
  it('has a theme-color meta equal to the manifest theme_color', () => {
    const theme = /<meta\s+name="theme-color"\s+content="([^"]+)"/.exec(indexHtml)?.[1];
    expect(theme).toBe(manifest.theme_color);
  });

  it('links the manifest', () => {
    expect(indexHtml).toMatch(/<link\s+rel="manifest"\s+href="\/manifest\.webmanifest"/);
  });
});

/** The portal calls only the better-auth routes the HTTP layer exposes (AUTH_PUBLIC_PATHS). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AUTH_PUBLIC_PATHS } from '../../server/auth/auth.ts';

const session = readFileSync(fileURLToPath(new URL('../../client/portal/session.ts', import.meta.url)), 'utf8');

describe('AUTH_PUBLIC_PATHS', () => {
  it('lists every /api/auth path the portal posts to', () => {
    const called = [...session.matchAll(/\bpost(?:<[^>]*>)?\(\s*'([^']+)'/g)].map((m) => `/api/auth${m[1]}`);
    expect(called.length).toBeGreaterThanOrEqual(4);
    const exposed = AUTH_PUBLIC_PATHS.filter((p) => p.method === 'POST').map((p) => p.path);
    for (const path of called) expect(exposed, path).toContain(path);
  });

  it('are route patterns under /api/auth, each listed once', () => {
    for (const { path } of AUTH_PUBLIC_PATHS) expect(path).toMatch(/^\/api\/auth\/[a-z-]+(\/[a-z-]+|\/:[a-z]+)*$/);
    const keys = AUTH_PUBLIC_PATHS.map((p) => `${p.method} ${p.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

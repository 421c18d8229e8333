import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../server/env.ts';

describe('loadEnv', () => {
  it('applies defaults to an empty environment', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.NODE_ENV).toBe('development');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.MIGRATE_DATABASE_URL).toBeUndefined();
    expect(env.TRUST_PROXY).toBe(false);
    expect(env.SEED_DEMO).toBe('auto');
  });

  it('does not read process.env when given a source', () => {
    const env = loadEnv({ PORT: '8080' });
    expect(env.PORT).toBe(8080);
  });

  it('rejects a non-numeric PORT and names the field', () => {
    expect(() => loadEnv({ PORT: 'abc' })).toThrow(/PORT/);
  });

  it('rejects an out-of-range PORT', () => {
    expect(() => loadEnv({ PORT: '70000' })).toThrow(/PORT/);
  });

  it('rejects a DATABASE_URL that is not a URL and names the field', () => {
    expect(() => loadEnv({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });

  it('accepts a PostgreSQL URL', () => {
    const url = 'postgres://panops_app:secret@db.internal:5432/panops';
    expect(loadEnv({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
  });

  it('takes TRUST_PROXY as a number of proxy hops or a list of proxy addresses, and refuses "trust everyone"', () => {
    expect(loadEnv({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadEnv({ TRUST_PROXY: '' }).TRUST_PROXY).toBe(false);
    expect(loadEnv({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadEnv({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    // `true` would take the left-most X-Forwarded-For entry, which the client writes.
    expect(() => loadEnv({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(() => loadEnv({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
    expect(() => loadEnv({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
  });

  it('fails fast in production without DATABASE_URL, AUTH_SECRET (32+ characters) and PUBLIC_URL', () => {
    const complete = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://panops_app:x@db.internal:5432/panops',
      AUTH_SECRET: 'a'.repeat(32),
      PUBLIC_URL: 'https://panops.example.com',
    };
    expect(loadEnv(complete).NODE_ENV).toBe('production');
    for (const field of ['DATABASE_URL', 'AUTH_SECRET', 'PUBLIC_URL'] as const) {
      const { [field]: _omitted, ...missing } = complete;
      expect(() => loadEnv(missing), field).toThrow(new RegExp(field));
    }
    expect(() => loadEnv({ ...complete, AUTH_SECRET: 'too-short' })).toThrow(/AUTH_SECRET/);
    // The demo and development need none of them.
    expect(loadEnv({}).DATABASE_URL).toBeUndefined();
  });

  it('rejects an unknown NODE_ENV', () => {
    expect(() => loadEnv({ NODE_ENV: 'staging' })).toThrow(/NODE_ENV/);
  });

  it('takes the Signal model and embeddings endpoints, and fails fast on malformed ones', () => {
    const env = loadEnv({ SIGNAL_LLM_URL: 'http://127.0.0.1:8000/v1', SIGNAL_LLM_MODEL: 'llama-3.1-70b', SIGNAL_LLM_API_KEY: 'k' });
    expect(env.SIGNAL_LLM_URL).toBe('http://127.0.0.1:8000/v1');
    expect(env.SIGNAL_LLM_MODEL).toBe('llama-3.1-70b');
    expect(loadEnv({}).SIGNAL_LLM_URL).toBeUndefined();
    expect(() => loadEnv({ SIGNAL_LLM_URL: '127.0.0.1:8000', SIGNAL_LLM_MODEL: 'm' })).toThrow(/SIGNAL_LLM_URL/);
    expect(() => loadEnv({ SIGNAL_LLM_URL: 'ftp://models.internal/v1', SIGNAL_LLM_MODEL: 'm' })).toThrow(/SIGNAL_LLM_URL/);
    expect(() => loadEnv({ SIGNAL_LLM_URL: 'http://127.0.0.1:8000/v1' })).toThrow(/SIGNAL_LLM_MODEL/);
    expect(() => loadEnv({ EMBEDDINGS_URL: 'not a url', EMBEDDINGS_MODEL: 'e5' })).toThrow(/EMBEDDINGS_URL/);
    expect(() => loadEnv({ EMBEDDINGS_URL: 'http://127.0.0.1:8001/v1' })).toThrow(/EMBEDDINGS_MODEL/);
  });
});

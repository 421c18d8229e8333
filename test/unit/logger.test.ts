/** The logger's error serializer keeps SQL text, SQL parameters and quoted values out of the log. */
import { describe, expect, it } from 'vitest';
import { REDACTED_PATHS, serializeError } from '../../server/app/logger.ts';

describe('serializeError', () => {
  it("drops the SQL and the parameters Drizzle puts in a failed query's message and stack", () => {
    const error = new Error('Failed query: select * from auth_sessions where token = $1\nparams: sEcReT-session-token');
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    (error as Error & { cause: unknown }).cause = cause;
    const out = JSON.stringify(serializeError(error));
    expect(out).not.toContain('sEcReT-session-token');
    expect(out).not.toContain('auth_sessions where');
    expect(out).toContain('Failed query (SQL and parameters not logged)');
    expect(out).toContain('ECONNREFUSED');
  });

  it("masks the values PostgreSQL quotes in its messages, keeps SQLSTATE and identifiers, and never copies postgres.js's query or parameters", () => {
    const error = Object.assign(new Error('invalid input syntax for type uuid: "secret-manage-token"'), {
      code: '22P02',
      severity: 'ERROR',
      routine: 'string_to_uuid',
      table_name: 'consent_manage_tokens',
      query: 'select * from consent_manage_tokens where token_hash = $1',
      parameters: ['secret-manage-token'],
      args: ['secret-manage-token'],
    });
    const out = serializeError(error) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toContain('secret-manage-token');
    expect(out).toMatchObject({ code: '22P02', routine: 'string_to_uuid', table_name: 'consent_manage_tokens' });
    expect(out).not.toHaveProperty('query');
    expect(out).not.toHaveProperty('parameters');
  });

  it('redacts the secret-bearing keys callers might pass', () => {
    for (const path of ['req.headers.cookie', 'req.headers.authorization', 'password', '*.token', '*.manageToken', '*.apiKey', '*.parameters']) {
      expect(REDACTED_PATHS).toContain(path);
    }
  });
});

/**
 * `/healthz` is liveness: the process is up and its event loop answers (no database, so an orchestrator does not
 * restart healthy processes while PostgreSQL is away). `/readyz` is readiness: the database answers and has exactly
 * the migrations this build ships. `/metrics` here only with a bearer token (METRICS_TOKEN); see metrics.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { DbHandle } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { registry } from './metrics.ts';

export const healthRoutes: FastifyPluginAsync<{ db: DbHandle }> = async (app, { db }) => {
  app.get('/healthz', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/readyz', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    try {
      const applied = await db.appliedMigration();
      const ready = applied === db.expectedMigration;
      reply.code(ready ? 200 : 503);
      return { status: ready ? 'ready' : 'migrations_pending', database: db.kind, migration: applied, expected: db.expectedMigration };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness: database unavailable');
      db.connectionLost();
      reply.code(503);
      return { status: 'database_unavailable', database: db.kind, expected: db.expectedMigration };
    }
  });
};

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * `GET /metrics` with `Authorization: Bearer <METRICS_TOKEN>`; without a configured token, or with a wrong one, a
 * 404 as if it did not exist.
 */
export const metricsRoute: FastifyPluginAsync<{ token: string | undefined }> = async (app, { token }) => {
  app.get('/metrics', async (request, reply) => {
    const given = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token || !given || !sameSecret(given, token)) throw new AppError('NOT_FOUND');
    reply.header('Content-Type', registry.contentType).header('Cache-Control', 'no-store');
    return registry.metrics();
  });
};

/** The metrics listener of METRICS_PORT: a bare server with GET /metrics and nothing else. */
export async function startMetricsServer(host: string, port: number) {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

/**
 * Prometheus metrics (prom-client), served by `GET /metrics` only to whoever the operator allows (ADR 0011): with
 * METRICS_TOKEN on the main port, or without a token on a separate listener (METRICS_PORT, loopback by default).
 *
 * Labels are bounded sets (route patterns and known procedure names, status codes, outcome codes), never values a
 * client chooses, so a scanner cannot grow the series without bound.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats } from '../db/client.ts';

export const registry = new Registry();
// Process CPU/memory, GC, and the event-loop lag (nodejs_eventloop_lag_seconds and its percentiles).
collectDefaultMetrics({ register: registry });

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by route pattern, method and status, from the first byte in to the last byte out',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const consentChanges = new Counter({
  name: 'consent_submissions_total',
  help: 'Consent submissions (enrollment) and changes (manage), by outcome: accepted, or the refusal/failure code',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export const ingestedRecords = new Counter({
  name: 'ingested_records_total',
  help: 'Records received by POST /api/v1/ingest, by outcome: accepted (stored, repeated, or not consented: one outcome, so that no one reads a choice), rejected (invalid), or the roster reason not stored',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const signalTurns = new Counter({
  name: 'signal_turns_total',
  help: 'Signal turns by final status: complete, incomplete (stopped, disconnected, shut down) or failed',
  labelNames: ['status'] as const,
  registers: [registry],
});

/** Every open database pool in this process (one in production; tests open several). */
const pools = new Set<() => PoolStats>();
export function observePool(stats: () => PoolStats): () => void {
  pools.add(stats);
  return () => pools.delete(stats);
}
const poolTotals = () => {
  const total = { size: 0, inUse: 0, waiting: 0 };
  for (const stats of pools) {
    const s = stats();
    total.size += s.size;
    total.inUse += s.inUse;
    total.waiting += s.waiting;
  }
  return total;
};
new Gauge({
  name: 'db_pool_connections_in_use',
  help: 'Database transactions holding a pooled connection',
  registers: [registry],
  collect() {
    this.set(poolTotals().inUse);
  },
});
new Gauge({
  name: 'db_pool_waiting',
  help: 'Database transactions waiting for a pooled connection',
  registers: [registry],
  collect() {
    this.set(poolTotals().waiting);
  },
});
new Gauge({
  name: 'db_pool_size',
  help: 'Largest number of pooled database connections',
  registers: [registry],
  collect() {
    this.set(poolTotals().size);
  },
});

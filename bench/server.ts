/**
 * The app as the benchmarks run it: `server/main.ts` in its own Node process (production mode, no demo seed) on
 * 127.0.0.1, with `npm run serve`'s Node flags (package.json config.serverNodeFlags) unless
 * BENCH_SERVER_NODE_FLAGS says otherwise — the young generation's size is a large part of peak RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export const root = new URL('..', import.meta.url).pathname;
export const outDir = `${root}bench/.out`;

/** The real PostgreSQL every benchmark runs on; without it, say how to start one and stop. */
export function benchDatabase(script: string): { databaseUrl: string; migrateUrl: string } {
  const databaseUrl = process.env.DATABASE_URL;
  const migrateUrl = process.env.MIGRATE_DATABASE_URL;
  if (!databaseUrl || !migrateUrl) {
    console.error(`${script} needs DATABASE_URL and MIGRATE_DATABASE_URL: eval "$(bash .ci/start-postgres.sh)"`);
    process.exit(2);
  }
  return { databaseUrl, migrateUrl };
}

export const serverNodeFlags = () =>
  process.env.BENCH_SERVER_NODE_FLAGS ?? process.env.npm_package_config_serverNodeFlags ?? '';

/** Starts the server on `port` and resolves once it says it is running. `env` adds to (or overrides) the bench's. */
export async function startBenchServer(port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...serverNodeFlags().split(' ').filter(Boolean), 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      // Production refuses to start without these (server/env.ts).
      AUTH_SECRET: 'bench-auth-secret-bench-auth-secret-0123',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Its stdout is the JSON log (one line per request): drain it, and wait for the server to answer instead.
  child.stdout!.resume();
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    if (exited !== undefined) throw new Error(`server exited with ${exited}`);
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start within 120 s');
}

/**
 * CPU seconds used so far by a process (and its reaped children), from /proc. The machine is shared, so wall-clock
 * throughput depends on what else runs; CPU per unit of work does not, and gives the ceiling on two dedicated cores.
 */
const TICKS = 100; // USER_HZ on Linux
export function cpuSeconds(pid: number, withChildren = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return (utime! + stime! + (withChildren ? cutime! + cstime! : 0)) / TICKS;
  } catch {
    return 0;
  }
}

/**
 * CPU of the PostgreSQL behind `databaseUrl` (started by .ci/start-postgres.sh): its postmaster (with exited
 * backends) plus its live backends — not other clusters that happen to run on the machine.
 */
export function postgresCpu(databaseUrl: string): number {
  const port = new URL(databaseUrl).port;
  const pidFile = `/tmp/panops-pg-${port}/postmaster.pid`;
  if (!existsSync(pidFile)) return NaN;
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  let total = cpuSeconds(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.split(') ')[1]!.split(' ')[1]) === postmaster) total += cpuSeconds(Number(entry));
    } catch {
      // gone
    }
  }
  return total;
}

/**
 * Runs `run` `warmup` times unmeasured, then `runs` times: the durations in ms, sorted, and the nearest-rank
 * percentile of them.
 */
export async function measureRuns(run: () => Promise<unknown>, runs: number, warmup: number) {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const percentile = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!;
  return { times, percentile, max: times.at(-1)! };
}

/**
 * A private PostgreSQL cluster for the fault tests, from Debian's binaries: its own data directory and port, so a
 * test can `kill -9` its postmaster and start it again without touching the database the other tests use. Set up
 * like .ci/start-postgres.sh: an owner role for migrations and the unprivileged runtime role.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chownSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './services.ts';

function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/initdb`));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? `${root}/${versions[0]}/bin` : null;
}

export const POSTGRES_BIN = postgresBin();

const asRoot = process.getuid?.() === 0;
/** PostgreSQL refuses to run as root: run its tools as the `postgres` user when we are root. */
function pg(tool: string, args: string[], opts: { allowFailure?: boolean } = {}) {
  const command = asRoot ? 'runuser' : `${POSTGRES_BIN}/${tool}`;
  const argv = asRoot ? ['-u', 'postgres', '--', `${POSTGRES_BIN}/${tool}`, ...args] : args;
  const result = spawnSync(command, argv, { encoding: 'utf8' });
  if (result.status !== 0 && !opts.allowFailure) {
    throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  }
  return result;
}

export type Cluster = {
  port: number;
  databaseUrl: string;
  migrateUrl: string;
  /** URL of a fresh, empty database created on this cluster (owner = panops_owner). */
  createDatabase(name: string): { databaseUrl: string; migrateUrl: string };
  postmasterPid(): number;
  /** SIGKILL to the postmaster (its backends notice and exit on their own). */
  kill9(): void;
  /** Starts the server (again) and resolves once it accepts connections; returns when that happened (ms clock). */
  start(): Promise<number>;
  destroy(): void;
};

const accepting = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export async function startCluster(): Promise<Cluster> {
  if (!POSTGRES_BIN) throw new Error("PostgreSQL's server binaries are missing (.ci/run installs Debian's postgresql)");
  const dir = mkdtempSync(join(tmpdir(), 'panops-fault-'));
  const data = join(dir, 'data');
  if (asRoot) {
    execFileSync('mkdir', ['-p', data]);
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    chownSync(data, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  }
  pg('initdb', ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c max_connections=100 -c shared_buffers=128MB`;
  const psql = (sql: string) => pg('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql]);

  async function start(): Promise<number> {
    // After a kill -9 of the postmaster its orphaned backends exit on their own, but until the last one has, the old
    // shared memory is in use and a new postmaster refuses to start: try again for a while.
    for (let attempt = 0; ; attempt++) {
      const started = pg('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', 'start'], { allowFailure: true });
      if (started.status === 0) break;
      if (attempt >= 100) throw new Error(`pg_ctl start failed: ${started.stderr || started.stdout}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < 600; i++) {
      if (await accepting(port)) {
        // Accepting TCP is not yet accepting sessions (crash recovery may still run): wait for pg_isready.
        if (pg('pg_isready', ['-h', '127.0.0.1', '-p', String(port)], { allowFailure: true }).status === 0) return Date.now();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`PostgreSQL on ${port} did not come up: ${readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000)}`);
  }

  await start();
  psql("CREATE ROLE panops_owner LOGIN PASSWORD 'panops_owner' CREATEROLE");
  psql("CREATE ROLE panops_app LOGIN PASSWORD 'panops_app' NOSUPERUSER NOBYPASSRLS");
  const createDatabase = (name: string) => {
    psql(`CREATE DATABASE ${name} OWNER panops_owner`);
    return {
      databaseUrl: `postgres://panops_app:panops_app@127.0.0.1:${port}/${name}`,
      migrateUrl: `postgres://panops_owner:panops_owner@127.0.0.1:${port}/${name}`,
    };
  };
  const main = createDatabase('panops');

  const postmasterPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    port,
    ...main,
    createDatabase,
    postmasterPid,
    kill9() {
      process.kill(postmasterPid(), 'SIGKILL');
    },
    start,
    destroy() {
      pg('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'], { allowFailure: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The real server entry (`node server/main.ts`, production settings) as a child process, for tests that must kill
 * it, kill its database, or watch it shut down. Its log goes to its own file in the run's log folder, so the test can
 * read it and the log audit covers it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TEST_LOG_DIR } from '../setup/logs.ts';
import { freePort, TEST_AUTH_SECRET } from './services.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type AppProcess = {
  origin: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  log(): string;
  output(): string;
  kill(signal: NodeJS.Signals): void;
};

let launched = 0;

/** Starts the server and resolves once /healthz answers (or rejects with what it printed if it exits first). */
export async function startAppProcess(env: Record<string, string>, opts: { waitReady?: boolean } = {}): Promise<AppProcess> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const logFile = `${TEST_LOG_DIR}/app-process-${process.pid}-${++launched}.log`;
  const child = spawn(process.execPath, ['server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_SECRET: TEST_AUTH_SECRET,
      PUBLIC_URL: origin,
      LOG_DESTINATION: logFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const app: AppProcess = {
    origin,
    child,
    logFile,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    output: () => output,
    kill: (signal) => child.kill(signal),
  };
  if (opts.waitReady === false) return app;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!app.alive()) throw new Error(`server exited: ${output}\n${app.log().slice(-3000)}`);
    try {
      if ((await fetch(`${origin}/healthz`)).status === 200) return app;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not answer /healthz within 60 s: ${output}`);
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { afterEach } from 'vitest';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'trust-auditor.js');

/** Runs the built CLI to completion (the build is part of `npm test`). */
export function runBin(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Waits until stdout+stderr match, and returns the first match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Long-running processes (servers), killed after each test with every process they
 * started: each runs in a process group of its own, so that a server started by a
 * launcher (`npm start` starts `serve`) does not outlive the test holding our pipes.
 */
export function useProcesses(): (
  command: string,
  args: string[],
  env?: Record<string, string>,
) => RunningProcess {
  const running: Array<{ child: ChildProcess; exited: Promise<unknown> }> = [];
  afterEach(async () => {
    for (const { child, exited } of running.splice(0)) {
      killGroup(child);
      await exited;
    }
  });
  return (command, args, env = {}) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const handle: RunningProcess = {
      child,
      output: () => text,
      async waitFor(pattern, timeoutMs = 20_000) {
        const start = Date.now();
        for (;;) {
          const match = pattern.exec(text);
          if (match) return match;
          if (child.exitCode !== null)
            throw new Error(`process exited (${child.exitCode}) before ${pattern}:\n${text}`);
          if (Date.now() - start > timeoutMs)
            throw new Error(`timed out waiting for ${pattern}:\n${text}`);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      },
      async stop(signal = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    };
    // 'close' comes once the process has exited and its pipes are closed.
    running.push({ child, exited: new Promise((resolve) => child.on('close', resolve)) });
    return handle;
  };
}

/** SIGKILL to the child's process group: the child and whatever it started. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: the whole group has exited already.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** The built CLI's `serve` on a free port over plain HTTP, quiet, in `dataDir`. */
export function serveArgs(dataDir: string, ...extra: string[]): string[] {
  return [
    BIN,
    'serve',
    '--tls',
    'off',
    '--port',
    '0',
    '--log-level',
    'warn',
    '--data-dir',
    dataDir,
    ...extra,
  ];
}

/** Starts `serve --ui --tls off` on a free port and returns the origin and admin token it printed. */
export async function startHeadlessServer(
  start: ReturnType<typeof useProcesses>,
  dataDir: string,
): Promise<{ server: RunningProcess; origin: string; token: string }> {
  const server = start(process.execPath, serveArgs(dataDir, '--ui'));
  const [, origin, token] = await server.waitFor(
    /App\s+(http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/,
  );
  return { server, origin: origin!, token: token! };
}

/** The shared folder beside the clone (specs, fixtures), as CI lays it out. */
export const SHARED = join(ROOT, '..', 'shared');

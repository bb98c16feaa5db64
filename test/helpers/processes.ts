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

/** Long-running processes (servers), stopped after each test. */
export function useProcesses(): (
  command: string,
  args: string[],
  env?: Record<string, string>,
) => RunningProcess {
  const running: RunningProcess[] = [];
  afterEach(async () => {
    for (const process of running.splice(0)) await process.stop('SIGKILL');
  });
  return (command, args, env = {}) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
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
    running.push(handle);
    return handle;
  };
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

/**
 * Starting a worker thread from a module of this code base. The build emits each worker
 * module as its own entry beside the bundle (electron.vite.config.ts), so in the app and
 * the CLI `<name>.js` sits in the folder of the calling code. Tests and benchmarks run
 * the TypeScript sources instead, where the worker is `<name>.ts` and needs tsx's loader
 * (a devDependency, present wherever the sources run).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker, WorkerOptions } from 'node:worker_threads';

export function startModuleWorker(dir: string, name: string, options: WorkerOptions = {}): Worker {
  // Loaded with the first worker: a command that starts none (a `verify` of a bundle too
  // small to gain from one) does not load Node's worker machinery.
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads;
  // Packaged, the worker and what it imports are unpacked beside app.asar
  // (electron-builder.yml asarUnpack): run that copy from disk.
  const unpacked = join(unpackedDir(dir), `${name}.js`);
  if (existsSync(unpacked)) return new Worker(unpacked, options);
  const built = join(dir, `${name}.js`);
  if (existsSync(built)) return new Worker(built, options);
  const source = pathToFileURL(join(dir, `${name}.ts`)).href;
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`,
    { ...options, eval: true },
  );
}

/** `…/app.asar/out/main` → `…/app.asar.unpacked/out/main` (unchanged outside an archive). */
export function unpackedDir(dir: string): string {
  return dir.replace(/\.asar([\\/]|$)/, '.asar.unpacked$1');
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project folder (holding package.json named trust-auditor), found from this module's
 * location: the same answer from the source tree (tests) and from the build (out/main).
 */
export function projectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let folder = from;
  for (;;) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      const name = (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown }).name;
      if (name === 'trust-auditor') return folder;
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error('cannot find the trust-auditor project folder');
    folder = parent;
  }
}

/** The built renderer (`npm run build` writes it). */
export function builtRendererDir(): string {
  return join(projectRoot(), 'out', 'renderer');
}

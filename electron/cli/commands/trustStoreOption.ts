import type { Command } from 'commander';

import type { CliContext } from '../context';
import { requireFolder } from '../inputs';

/** The help of `--keys DIR`, which every bundle command that checks signatures takes. */
export const KEYS_OPTION_HELP =
  'trust-store folder of PEM public keys (default: <data-dir>/trusted-keys)';

/**
 * The bundles module, with the trust store of `--keys DIR` if given: a folder named on the
 * command line must exist (a usage error otherwise), never be created by a typo.
 */
export async function bundlesFor(context: CliContext, command: Command, keys: string | undefined) {
  const keysDir =
    keys === undefined ? undefined : await requireFolder(keys, 'the trust-store folder');
  return context.modules(command).bundles({ keysDir });
}

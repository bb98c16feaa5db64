import type { Command } from 'commander';

import {
  DEFAULT_IMPORT_STRATEGY,
  IMPORT_STRATEGIES,
  isImportStrategy,
} from '../../../shared/bundles';
import { AppError } from '../../../shared/errors';
import type { CliContext } from '../context';
import { printJson } from '../context';
import { readInputFile } from '../inputs';
import { registerBundleAuthoringCommands } from './bundleAuthoring';
import { bundleProgressBar, printImportResult, printReport } from './bundleOutput';
import { registerTrustCommands } from './bundleTrust';
import { KEYS_OPTION_HELP, bundlesFor } from './trustStoreOption';

interface VerifyCliOptions {
  keys?: string;
  requireSignature?: boolean;
  signature?: string;
  json?: boolean;
}

interface ImportCliOptions {
  strategy: string;
  allowUnsigned?: boolean;
  lenient?: boolean;
  keys?: string;
  signature?: string;
  json?: boolean;
}

/**
 * `verify`, `import` and the `bundle` subcommands (keygen, create, sign, trust) for
 * OpenWatch rule bundles. Exit codes: 0 verified / done, 1 the bundle failed (invalid,
 * or a required signature is missing or untrusted), 2 usage or input errors.
 */
export function registerBundleCommands(program: Command, context: CliContext): void {
  registerVerifyCommand(program, context);
  registerImportCommand(program, context);
  const bundle = program
    .command('bundle')
    .description('make, sign and trust OpenWatch rule bundles');
  registerBundleAuthoringCommands(bundle, context);
  registerTrustCommands(bundle, context);
}

function registerVerifyCommand(program: Command, context: CliContext): void {
  program
    .command('verify')
    .description('verify an OpenWatch rule bundle: archive, manifest, rules, hashes, signature')
    .argument('<bundle>', 'the .tar.gz bundle (a detached BUNDLE.sig beside it is checked too)')
    .option('--keys <dir>', KEYS_OPTION_HELP)
    .option('--require-signature', 'fail unless a trusted signature verifies')
    .option('--signature <file>', 'the detached signature file (default: <bundle>.sig if present)')
    .option('--json', 'print the report as one JSON document')
    .action(async (bundle: string, options: VerifyCliOptions, command: Command) => {
      await readableBundle(bundle, options.signature);
      const { verifier } = await bundlesFor(context, command, options.keys);
      const progress = bundleProgressBar(context);
      const { report } = await verifier
        .verifyFile(bundle, {
          detachedSignature: options.signature ?? 'auto',
          onProgress: progress.update,
        })
        .finally(() => progress.done());
      const { verdictPasses } = await import('../../core/bundles/verify/verifyBundle');
      const passes = verdictPasses(report.verdict, options.requireSignature === true);
      if (options.json === true) printJson(context, report);
      else printReport(context, report, options.requireSignature === true);
      context.exitCode = passes ? 0 : 1;
    });
}

function registerImportCommand(program: Command, context: CliContext): void {
  program
    .command('import')
    .description('verify a bundle and import its rules into auditor.db')
    .argument('<bundle>', 'the .tar.gz bundle')
    .option(
      '--strategy <strategy>',
      `one of ${IMPORT_STRATEGIES.join(', ')}`,
      DEFAULT_IMPORT_STRATEGY,
    )
    .option('--allow-unsigned', 'import even without a trusted signature (says so loudly)')
    .option('--lenient', 'map the legacy OpenWatch rule shapes (see docs/bundles.md)')
    .option('--keys <dir>', KEYS_OPTION_HELP)
    .option('--signature <file>', 'the detached signature file (default: <bundle>.sig if present)')
    .option('--json', 'print the result as one JSON document')
    .action(async (bundle: string, options: ImportCliOptions, command: Command) => {
      if (!isImportStrategy(options.strategy)) {
        throw new AppError(
          'BUNDLE_STRATEGY_INVALID',
          `--strategy ${JSON.stringify(options.strategy)} is not one of ${IMPORT_STRATEGIES.join(', ')}.`,
        );
      }
      const allowUnsigned =
        options.allowUnsigned === true ||
        context.env.REQUIRE_BUNDLE_SIGNATURE?.trim().toLowerCase() === 'false';
      await readableBundle(bundle, options.signature);
      const bundles = await bundlesFor(context, command, options.keys);
      const progress = bundleProgressBar(context);
      try {
        const result = await bundles.importer().importFile(bundle, {
          strategy: options.strategy,
          allowUnsigned,
          lenient: options.lenient === true,
          onProgress: progress.update,
          detachedSignature: options.signature ?? 'auto',
        });
        progress.done();
        printImportResult(context, bundle, result, options.json === true);
        context.exitCode = 0;
      } catch (error) {
        progress.done();
        if (!isBundleRefusal(error)) throw error;
        if (options.json === true) printJson(context, { error: error.toJSON() });
        context.warn(`error: ${error.message}\n`);
        context.exitCode = 1;
      }
    });
}

/** The bundle itself was refused (exit 1), as opposed to a usage or input error (exit 2). */
function isBundleRefusal(error: unknown): error is AppError {
  return (
    error instanceof AppError &&
    (error.code === 'BUNDLE_INVALID' || error.code === 'BUNDLE_SIGNATURE_REQUIRED')
  );
}

/**
 * A bundle (and a signature file) named on the command line that cannot be read is a
 * usage error (exit 2), not an invalid bundle (exit 1).
 */
async function readableBundle(bundle: string, signature: string | undefined): Promise<void> {
  await readInputFile(bundle, 'the bundle');
  if (signature !== undefined) await readInputFile(signature, 'the signature file');
}

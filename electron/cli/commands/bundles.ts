import { rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';

import type { Command } from 'commander';

import {
  DEFAULT_IMPORT_STRATEGY,
  IMPORT_STRATEGIES,
  SIGNATURE_ALGORITHMS,
  isImportStrategy,
} from '../../../shared/bundles';
import type {
  BundleFinding,
  BundleProgress,
  BundleReport,
  SignatureAlgorithm,
} from '../../../shared/bundles';
import { AppError, errorMessage } from '../../../shared/errors';
import type { TrustStore } from '../../core/bundles/signing/trustStore';
import type { CliContext } from '../context';
import { printJson } from '../context';
import { readInputFile, requireFolder } from '../inputs';
import { progressBar } from '../progress';

/** Findings printed in the human-readable report before it points to `--json`. */
const MAX_PRINTED_FINDINGS = 100;

/**
 * `verify`, `import` and the `bundle` subcommands (keygen, create, sign, trust) for
 * OpenWatch rule bundles. Exit codes: 0 verified / done, 1 the bundle failed (invalid,
 * or a required signature is missing or untrusted), 2 usage or input errors.
 */
export function registerBundleCommands(program: Command, context: CliContext): void {
  program
    .command('verify')
    .description('verify an OpenWatch rule bundle: archive, manifest, rules, hashes, signature')
    .argument('<bundle>', 'the .tar.gz bundle (a detached BUNDLE.sig beside it is checked too)')
    .option(
      '--keys <dir>',
      'trust-store folder of PEM public keys (default: <data-dir>/trusted-keys)',
    )
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
    .option('--keys <dir>', 'trust-store folder (default: <data-dir>/trusted-keys)')
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
        if (result.unsignedAllowed) {
          context.warn(
            `\n*** WARNING: imported ${result.report.verdict === 'untrusted' ? 'content signed by an UNTRUSTED key' : 'UNSIGNED content'} (${result.counts.total} rules from ${result.report.bundle.name ?? bundle}). Nothing proves who made these rules. ***\n\n`,
          );
        }
        if (options.json === true) {
          printJson(context, { ...result, report: summarizeReport(result.report) });
        } else {
          const { counts } = result;
          context.print(
            `Imported ${result.report.bundle.name ?? bundle} ${result.report.bundle.version ?? ''} (${result.report.verdict}, ${result.strategy}): ` +
              `${counts.inserted} new, ${counts.versioned} new versions, ${counts.unchanged} unchanged, ${counts.skipped} skipped, ${counts.retired} retired.\n`,
          );
          const mapped = Object.entries(result.lenientMappings);
          if (mapped.length > 0) {
            context.print('Lenient mapping applied:\n');
            for (const [id, count] of mapped) context.print(`  ${id}: ${count} rules\n`);
          }
        }
        context.exitCode = 0;
      } catch (error) {
        progress.done();
        if (
          error instanceof AppError &&
          (error.code === 'BUNDLE_INVALID' || error.code === 'BUNDLE_SIGNATURE_REQUIRED')
        ) {
          if (options.json === true) {
            printJson(context, { error: error.toJSON() });
          }
          context.warn(`error: ${error.message}\n`);
          context.exitCode = 1;
          return;
        }
        throw error;
      }
    });

  const bundleCommand = program
    .command('bundle')
    .description('make, sign and trust OpenWatch rule bundles');

  bundleCommand
    .command('keygen')
    .description('generate an RSA-4096 signing key pair: OUT.pem (private) and OUT.pub.pem')
    .argument('<out>', 'file name stem (OUT or OUT.pem)')
    .option('--json', 'print the result as JSON')
    .action(async (out: string, options: { json?: boolean }) => {
      const { generateSigningKeyPair } = await import('../../core/bundles/signing/keygen');
      const pair = await generateSigningKeyPair(out);
      if (options.json === true) printJson(context, pair);
      else {
        context.print(
          `Private key: ${pair.privateKeyPath} (keep it secret)\nPublic key:  ${pair.publicKeyPath}\nKey id:      ${pair.keyId}\nFingerprint: ${pair.fingerprint}\n`,
        );
      }
    });

  bundleCommand
    .command('create')
    .description('build a bundle from a folder of rule files (manifest with SHA-256 of every rule)')
    .argument('<dir>', 'folder of ow-*.json|bson rule files (or holding rules/ and manifest.json)')
    .argument('<out>', 'the .tar.gz to write')
    .option(
      '--name <name>',
      'bundle name (default: the manifest.json in DIR, else the folder name)',
    )
    .option('--bundle-version <semver>', 'bundle version (default 1.0.0)')
    .option('--description <text>', 'description')
    .option('--created-at <iso>', 'created_at (default: SOURCE_DATE_EPOCH if set, else now)')
    .option('--allow-invalid', 'write the bundle even if rules do not validate')
    .option('--force', 'overwrite OUT')
    .option('--json', 'print the manifest and findings as JSON')
    .action(async (dir: string, out: string, options: CreateCliOptions) => {
      const epoch = context.env.SOURCE_DATE_EPOCH;
      const createdAt =
        options.createdAt ??
        (epoch !== undefined && /^\d+$/.test(epoch)
          ? new Date(Number(epoch) * 1000).toISOString()
          : undefined);
      await requireFolder(dir, 'the rules folder');
      const { createBundle } = await import('../../core/bundles/signing/createBundle');
      const created = await createBundle({
        dir,
        name: options.name,
        version: options.bundleVersion,
        description: options.description,
        createdAt,
        allowInvalid: options.allowInvalid === true,
      });
      await writeOutput(out, created.bytes, options.force === true);
      const errors = created.findings.filter((finding) => finding.severity === 'error');
      if (options.json === true) {
        printJson(context, { out, manifest: created.manifest, findings: created.findings });
      } else {
        context.print(
          `Wrote ${out}: ${created.ruleCount} rules, ${created.bytes.length} bytes${errors.length > 0 ? ` (${errors.length} rule problems written anyway)` : ''}.\nSign it with: trust-auditor bundle sign ${out} --key KEY.pem\n`,
        );
      }
    });

  bundleCommand
    .command('sign')
    .description('sign a bundle (embedded in the manifest by default, or a detached BUNDLE.sig)')
    .argument('<bundle>', 'the .tar.gz bundle')
    .requiredOption('--key <file>', 'RSA private key (PEM)')
    .option('--signer <name>', 'signer name (default: the key file name)')
    .option('--algorithm <alg>', `hash algorithm: ${SIGNATURE_ALGORITHMS.join(', ')}`, 'SHA512')
    .option('--detached', 'write BUNDLE.sig beside the bundle instead of changing it')
    .option('--out <file>', 'write the signed bundle (or the .sig) here instead')
    .option('--json', 'print the signature object as JSON')
    .action(async (bundle: string, options: SignCliOptions) => {
      if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(options.algorithm)) {
        throw new AppError(
          'CLI_USAGE',
          `--algorithm must be one of ${SIGNATURE_ALGORITHMS.join(', ')}.`,
        );
      }
      const bytes = await readInputFile(bundle, 'the bundle');
      const key = await readInputFile(options.key, 'the key file');
      const { signBundle } = await import('../../core/bundles/signing/signBundle');
      const signed = await signBundle({
        bundle: bytes,
        privateKeyPem: key,
        signer: options.signer ?? basename(options.key).replace(/\.pem$/i, ''),
        algorithm: options.algorithm as SignatureAlgorithm,
        mode: options.detached === true ? 'detached' : 'embedded',
      });
      let written: string;
      if (signed.detachedSignature !== null) {
        written = options.out ?? `${bundle}.sig`;
        await writeOutput(written, Buffer.from(signed.detachedSignature, 'utf8'), true);
      } else {
        written = options.out ?? bundle;
        await writeOutput(written, signed.bundle, true);
      }
      if (options.json === true)
        printJson(context, { out: written, mode: signed.mode, signature: signed.signature });
      else {
        context.print(
          `Signed (${signed.mode}, RSA-PSS ${signed.signature.algorithm}) by ${signed.signature.signer}, key id ${signed.signature.public_key_id}: ${written}\n`,
        );
      }
    });

  const trust = bundleCommand
    .command('trust')
    .description("manage the trust store of signers' public keys");
  trust
    .command('add')
    .description('trust a public key (PEM)')
    .argument('<key>', 'public key file (PEM)')
    .option('--name <name>', 'file name in the trust store (default: the key id)')
    .option('--keys <dir>', 'trust-store folder (default: <data-dir>/trusted-keys)')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        keyFile: string,
        options: { name?: string; keys?: string; json?: boolean },
        command: Command,
      ) => {
        const store = await trustStoreFor(context, command, options.keys);
        const added = await store.add(await readInputFile(keyFile, 'the key file'), options.name);
        if (options.json === true) printJson(context, added);
        else {
          context.print(
            added.added
              ? `Trusted key ${added.keyId} (${added.bits} bits) as ${added.file}\nFingerprint: ${added.fingerprint}\n`
              : `Key ${added.keyId} is already trusted (${added.file}).\n`,
          );
        }
      },
    );
  trust
    .command('list')
    .description('list trusted keys with their key ids')
    .option('--keys <dir>', 'trust-store folder (default: <data-dir>/trusted-keys)')
    .option('--json', 'print the list as JSON')
    .action(async (options: { keys?: string; json?: boolean }, command: Command) => {
      const store = await trustStoreFor(context, command, options.keys);
      const { keys, problems } = await store.list();
      if (options.json === true) {
        printJson(context, { dir: store.dir, keys, problems });
        return;
      }
      if (keys.length === 0) context.print(`No trusted keys in ${store.dir}.\n`);
      for (const key of keys) {
        context.print(`${key.keyId}  ${String(key.bits).padStart(5)} bits  ${key.file}\n`);
      }
      for (const problem of problems) {
        context.warn(`warning: ${problem.file} is not used: ${problem.message}\n`);
      }
    });
  trust
    .command('remove')
    .description('stop trusting a key')
    .argument('<key>', 'key id or file name')
    .option('--keys <dir>', 'trust-store folder (default: <data-dir>/trusted-keys)')
    .option('--json', 'print the removed key as JSON')
    .action(async (key: string, options: { keys?: string; json?: boolean }, command: Command) => {
      const store = await trustStoreFor(context, command, options.keys);
      const removed = await store.remove(key);
      if (options.json === true) printJson(context, removed);
      else context.print(`Removed ${removed.keyId} (${removed.file}).\n`);
    });
}

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

interface CreateCliOptions {
  name?: string;
  bundleVersion?: string;
  description?: string;
  createdAt?: string;
  allowInvalid?: boolean;
  force?: boolean;
  json?: boolean;
}

interface SignCliOptions {
  key: string;
  signer?: string;
  algorithm: string;
  detached?: boolean;
  out?: string;
  json?: boolean;
}

/** The bundles module, with the trust store of `--keys DIR` (which must exist) if given. */
async function bundlesFor(context: CliContext, command: Command, keys: string | undefined) {
  const keysDir =
    keys === undefined ? undefined : await requireFolder(keys, 'the trust-store folder');
  return context.modules(command).bundles({ keysDir });
}

async function trustStoreFor(
  context: CliContext,
  command: Command,
  keys: string | undefined,
): Promise<TrustStore> {
  return (await bundlesFor(context, command, keys)).trustStore;
}

/**
 * A bundle (and a signature file) named on the command line that cannot be read is a
 * usage error (exit 2), not an invalid bundle (exit 1).
 */
async function readableBundle(bundle: string, signature: string | undefined): Promise<void> {
  await readInputFile(bundle, 'the bundle');
  if (signature !== undefined) await readInputFile(signature, 'the signature file');
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
async function writeOutput(path: string, bytes: Buffer, overwrite: boolean): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    if (!overwrite) {
      await writeFile(path, bytes, { flag: 'wx' });
      return;
    }
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new AppError(
        'BUNDLE_FILE_EXISTS',
        `${path} already exists; pass --force to overwrite it.`,
      );
    }
    throw new AppError('BUNDLE_FILE_UNREADABLE', `Cannot write ${path}: ${errorMessage(error)}.`);
  }
}

function printReport(context: CliContext, report: BundleReport, requireSignature: boolean): void {
  const out = (line: string): void => context.print(`${line}\n`);
  const verdictText: Record<BundleReport['verdict'], string> = {
    verified: 'VERIFIED',
    'valid-unsigned': requireSignature ? 'NOT VERIFIED (unsigned)' : 'VALID, UNSIGNED',
    untrusted: requireSignature
      ? 'NOT VERIFIED (untrusted signer)'
      : 'VALID, SIGNED BY AN UNTRUSTED KEY',
    invalid: 'INVALID',
  };
  out(
    `${verdictText[report.verdict]}: ${report.bundle.name ?? '(no name)'} ${report.bundle.version ?? ''}`.trimEnd(),
  );
  out(`  sha256     ${report.bundle.sha256 || '-'}`);
  out(
    `  signature  ${report.signatureMode}${report.keyId !== null ? `, key ${report.keyId}` : ''}${report.signer !== null ? `, signer ${JSON.stringify(report.signer)}` : ''}`,
  );
  for (const check of report.signatures) {
    out(
      `             ${check.mode}: ${check.outcome}${check.keyId ? ` (key ${check.keyId})` : ''}`,
    );
  }
  out(
    `  rules      ${report.counts.ruleFiles} files, ${report.counts.validRules} valid, ${report.counts.invalidRules} invalid`,
  );
  out(
    `  findings   ${report.counts.errors} errors, ${report.counts.warnings} warnings, ${report.counts.infos} notes`,
  );
  const codes = Object.entries(report.findingCounts);
  if (codes.length > 0) {
    out(`  by code    ${codes.map(([code, count]) => `${code} ${count}`).join(', ')}`);
  }
  const shown = report.findings.filter(
    (finding) => finding.severity !== 'info' || report.findings.length <= MAX_PRINTED_FINDINGS,
  );
  for (const finding of shown.slice(0, MAX_PRINTED_FINDINGS)) out(formatFinding(finding));
  if (shown.length > MAX_PRINTED_FINDINGS) {
    out(
      `  … and ${shown.length - MAX_PRINTED_FINDINGS} more findings: run with --json to see every one.`,
    );
  }
  if (report.lenientWouldHelp) {
    out('  hint       every error is a legacy rule shape that `import --lenient` maps');
  }
}

function formatFinding(finding: BundleFinding): string {
  return `  ${finding.severity.padEnd(7)} ${finding.code} ${finding.path ? `${finding.path}: ` : ''}${finding.message}`;
}

/** The report without its (possibly thousands of) findings, for the import result. */
function summarizeReport(
  report: BundleReport,
): Omit<BundleReport, 'findings'> & { findings: BundleFinding[] } {
  return { ...report, findings: report.findings.filter((finding) => finding.severity !== 'info') };
}

/** Reading the archive (KiB), then checking or importing rules (done/total). */
function bundleProgressBar(context: CliContext) {
  return progressBar(context, (progress: BundleProgress) => {
    const fraction = progress.total > 0 ? progress.done / progress.total : 0;
    const percent = String(Math.round(Math.min(fraction, 1) * 100)).padStart(3);
    const work =
      progress.phase === 'read'
        ? `reading ${Math.round(progress.done / 1024)} KiB`
        : `${progress.phase === 'validate' ? 'checking' : 'importing'} ${progress.done}/${progress.total}`;
    return { fraction, label: `${percent}% ${work}`, final: progress.done === progress.total };
  });
}

import { rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';

import type { Command } from 'commander';

import { SIGNATURE_ALGORITHMS } from '../../../shared/bundles';
import type { SignatureAlgorithm } from '../../../shared/bundles';
import { AppError, errorMessage } from '../../../shared/errors';
import type { CliContext } from '../context';
import { printJson } from '../context';
import { readInputFile, requireFolder } from '../inputs';

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

/** `bundle keygen|create|sign`: what a rule author runs to publish a signed bundle. */
export function registerBundleAuthoringCommands(bundle: Command, context: CliContext): void {
  registerKeygenCommand(bundle, context);
  registerCreateCommand(bundle, context);
  registerSignCommand(bundle, context);
}

function registerKeygenCommand(bundle: Command, context: CliContext): void {
  bundle
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
}

function registerCreateCommand(bundle: Command, context: CliContext): void {
  bundle
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
      await requireFolder(dir, 'the rules folder');
      const { createBundle } = await import('../../core/bundles/signing/createBundle');
      const created = await createBundle({
        dir,
        name: options.name,
        version: options.bundleVersion,
        description: options.description,
        createdAt: options.createdAt ?? sourceDateEpoch(context.env.SOURCE_DATE_EPOCH),
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
}

/** Reproducible builds name their time in SOURCE_DATE_EPOCH (whole seconds since 1970). */
function sourceDateEpoch(epoch: string | undefined): string | undefined {
  return epoch !== undefined && /^\d+$/.test(epoch)
    ? new Date(Number(epoch) * 1000).toISOString()
    : undefined;
}

function registerSignCommand(bundle: Command, context: CliContext): void {
  bundle
    .command('sign')
    .description('sign a bundle (embedded in the manifest by default, or a detached BUNDLE.sig)')
    .argument('<bundle>', 'the .tar.gz bundle')
    .requiredOption('--key <file>', 'RSA private key (PEM)')
    .option('--signer <name>', 'signer name (default: the key file name)')
    .option('--algorithm <alg>', `hash algorithm: ${SIGNATURE_ALGORITHMS.join(', ')}`, 'SHA512')
    .option('--detached', 'write BUNDLE.sig beside the bundle instead of changing it')
    .option('--out <file>', 'write the signed bundle (or the .sig) here instead')
    .option('--json', 'print the signature object as JSON')
    .action(async (bundlePath: string, options: SignCliOptions) => {
      if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(options.algorithm)) {
        throw new AppError(
          'CLI_USAGE',
          `--algorithm must be one of ${SIGNATURE_ALGORITHMS.join(', ')}.`,
        );
      }
      const bytes = await readInputFile(bundlePath, 'the bundle');
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
        written = options.out ?? `${bundlePath}.sig`;
        await writeOutput(written, Buffer.from(signed.detachedSignature, 'utf8'), true);
      } else {
        written = options.out ?? bundlePath;
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

import type { Command } from 'commander';

import { historyToCsv } from '../../../shared/client';
import type { SyncProgress, SyncReport, VendorSummary } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import type { ClientServices } from '../../core/client/clientModule';
import type { TrustInput } from '../../core/client/vendorService';
import type { CliContext } from '../context';
import { printJson } from '../context';
import { readInputText } from '../inputs';
import { progressBar } from '../progress';
import { registerAuthorityCommands } from './vendorAuthority';
import { registerWorkspaceCommands } from './vendorWorkspace';
import { registerVendorTriggerCommands } from './vendorTriggers';
import { registerVendorCtsCommands } from './vendorCts';

interface AddOptions {
  tokenFile?: string;
  ca?: string;
  fingerprint?: string;
}

interface EditOptions extends AddOptions {
  url?: string;
  cts?: string;
  systemCa?: boolean;
  /** false with --no-token */
  token?: boolean;
}

interface JsonOption {
  json?: boolean;
}

interface HistoryOptions extends JsonOption {
  measurement: string;
  csv?: boolean;
}

/** Runs `work` with the client module of the command's data folder. */
async function withClient(
  context: CliContext,
  command: Command,
  work: (client: ClientServices) => Promise<void> | void,
): Promise<void> {
  await work(await context.modules(command).client());
}

async function trustFrom(context: CliContext, options: AddOptions): Promise<TrustInput> {
  if (options.ca !== undefined && options.fingerprint !== undefined) {
    throw new AppError('VENDOR_INVALID', 'Give --ca or --fingerprint, not both.');
  }
  if (options.ca !== undefined) {
    const caPem = await readInputText(context, options.ca, 'the CA file');
    return { kind: 'ca', caPem, source: options.ca };
  }
  if (options.fingerprint !== undefined)
    return { kind: 'fingerprint', sha256: options.fingerprint };
  return { kind: 'system' };
}

/**
 * `vendor add|list|show|edit|remove|sync|check|tree|changes|graph|history|authority`
 * (DESIGN "Command line"). Exit codes: 0 done,
 * 1 a sync had errors, 2 usage or input errors.
 */
export function registerVendorCommands(program: Command, context: CliContext): void {
  const vendor = program
    .command('vendor')
    .description("follow vendors' CTP servers and keep their history");

  registerAddCommand(vendor, context);
  registerListCommand(vendor, context);
  registerShowCommand(vendor, context);
  registerEditCommand(vendor, context);
  registerRemoveCommand(vendor, context);
  registerSyncCommand(vendor, context);
  registerCheckCommand(vendor, context);
  registerWorkspaceCommands(vendor, context);
  registerAuthorityCommands(vendor, context);
  registerVendorTriggerCommands(vendor, context);
  registerVendorCtsCommands(vendor, context);
  registerGraphCommand(vendor, context);
  registerHistoryCommand(vendor, context);
}

/** `vendor add`: follow a vendor's CTP server. */
function registerAddCommand(vendor: Command, context: CliContext): void {
  vendor
    .command('add')
    .description("follow a vendor's CTP server")
    .argument('<name>', 'a short name for the vendor (letters, digits, . _ -)')
    .argument('<url>', "the vendor's CtpBase, e.g. https://ctp.example.com/ctp/")
    .option('--token-file <file>', 'a file holding the bearer token (kept in the secret store)')
    .option('--ca <file>', 'trust this PEM CA bundle instead of the system CAs')
    .option('--fingerprint <sha256>', "pin the server certificate's SHA-256 fingerprint")
    .action(async (name: string, url: string, options: AddOptions, command: Command) => {
      const trust = await trustFrom(context, options);
      const token =
        options.tokenFile === undefined
          ? null
          : await readInputText(context, options.tokenFile, 'the token file');
      await withClient(context, command, ({ vendors }) => {
        const added = vendors.add({ name, url, token, trust });
        context.print(
          `Added vendor ${added.name} at ${added.baseUrl} (trust: ${describeTrust(added.trust.kind, added.trust.kind === 'fingerprint' ? added.trust.sha256 : null)}${token === null ? ', no token' : ''}).\n`,
        );
      });
    });
}

/** `vendor list`. */
function registerListCommand(vendor: Command, context: CliContext): void {
  vendor
    .command('list')
    .description('list the followed vendors')
    .option('--json', 'print one JSON document')
    .action(async (options: JsonOption, command: Command) => {
      await withClient(context, command, ({ portfolio }) => {
        const list = portfolio.list();
        if (options.json === true) {
          printJson(context, list);
          return;
        }
        if (list.length === 0)
          context.print('No vendors yet; add one with `vendor add NAME URL`.\n');
        for (const item of list) context.print(`${summaryLine(item)}\n`);
      });
    });
}

/** `vendor show`: the vendor and the counts of its workspace. */
function registerShowCommand(vendor: Command, context: CliContext): void {
  vendor
    .command('show')
    .description('show a vendor and what its workspace holds')
    .argument('<name>')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: JsonOption, command: Command) => {
      await withClient(context, command, ({ portfolio, sync }) => {
        const overview = portfolio.one(name);
        const shown = { ...overview, workspace: sync.workspace(overview.name).counts() };
        if (options.json === true) {
          printJson(context, shown);
          return;
        }
        context.print(
          `${summaryLine(overview)}\nprovider: ${overview.provider ?? '(not synced yet)'}\n`,
        );
      });
    });
}

/** `vendor edit`: CtpBase, token, TLS trust or OpenCTS address. */
function registerEditCommand(vendor: Command, context: CliContext): void {
  vendor
    .command('edit')
    .description("change a vendor's CtpBase, token or TLS trust")
    .argument('<name>')
    .option('--url <url>', 'the new CtpBase')
    .option('--token-file <file>', 'a file holding the new bearer token')
    .option('--no-token', 'forget the token')
    .option('--ca <file>', 'trust this PEM CA bundle')
    .option('--fingerprint <sha256>', "pin the server certificate's SHA-256 fingerprint")
    .option('--system-ca', 'trust the system CAs again')
    .option(
      '--cts <url>',
      "where the vendor's OpenCTS telemetry is read (default: the CtpBase's origin + /cts)",
    )
    .action(async (name: string, options: EditOptions, command: Command) => {
      if (
        [options.ca, options.fingerprint, options.systemCa].filter((item) => item !== undefined)
          .length > 1
      ) {
        throw new AppError(
          'VENDOR_INVALID',
          'Give at most one of --ca, --fingerprint, --system-ca.',
        );
      }
      const trust: TrustInput | undefined =
        options.systemCa === true
          ? { kind: 'system' }
          : options.ca !== undefined || options.fingerprint !== undefined
            ? await trustFrom(context, options)
            : undefined;
      const token =
        options.token === false
          ? null
          : options.tokenFile === undefined
            ? undefined
            : await readInputText(context, options.tokenFile, 'the token file');
      if (options.cts !== undefined) {
        const cts = await (await context.modules(command).cts()).auditor();
        context.print(
          `OpenCTS telemetry of ${name} is read at ${cts.setUrl(name, options.cts === 'default' ? null : options.cts)}.\n`,
        );
      }
      await withClient(context, command, ({ vendors }) => {
        const edited = vendors.edit(name, {
          ...(options.url === undefined ? {} : { url: options.url }),
          ...(token === undefined ? {} : { token }),
          ...(trust === undefined ? {} : { trust }),
        });
        context.print(
          `Changed vendor ${edited.name}: ${edited.baseUrl} (trust: ${edited.trust.kind}${edited.tokenRef === null ? ', no token' : ''}).\n`,
        );
      });
    });
}

/** `vendor remove`. */
function registerRemoveCommand(vendor: Command, context: CliContext): void {
  vendor
    .command('remove')
    .description('stop following a vendor and delete its workspace data and token')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      await withClient(context, command, ({ vendors }) => {
        vendors.remove(name);
        context.print(`Removed vendor ${name}.\n`);
      });
    });
}

/** `vendor sync`: exit code 1 when a sync had errors. */
function registerSyncCommand(vendor: Command, context: CliContext): void {
  vendor
    .command('sync')
    .description("fetch what a vendor's CTP server exposes (all vendors without NAME)")
    .argument('[name]')
    .option('--json', 'print the sync report(s) as one JSON document')
    .action(async (name: string | undefined, options: JsonOption, command: Command) => {
      await withClient(context, command, async ({ vendors, runner }) => {
        const names =
          name === undefined ? vendors.list().map((item) => item.name) : [vendors.get(name).name];
        const reports: SyncReport[] = [];
        for (const vendorName of names) {
          const bar = syncProgressBar(context);
          const { report } = await runner.sync(vendorName, { onProgress: bar.update });
          bar.done();
          reports.push(report);
          if (options.json !== true) printReport(context, report);
        }
        if (options.json === true) printJson(context, name === undefined ? reports : reports[0]);
        context.exitCode = reports.every((report) => report.errors.length === 0) ? 0 : 1;
      });
    });
}

/** `vendor graph`: the supply chain across followed vendors, offline. */
function registerGraphCommand(vendor: Command, context: CliContext): void {
  vendor
    .command('graph')
    .description('the supply chain across followed vendors (CTP appendix B), offline')
    .option('--json', 'print one JSON document')
    .action(async (options: JsonOption, command: Command) => {
      await withClient(context, command, ({ sync }) => {
        const graph = sync.supplyChain();
        if (options.json === true) {
          printJson(context, graph);
          return;
        }
        const names = new Map(graph.nodes.map((node) => [node.id, node]));
        for (const edge of graph.edges) {
          const from = names.get(edge.from);
          const to = names.get(edge.to);
          context.print(
            `${from?.name ?? edge.from} (${from?.provider ?? ''}) ${edge.kind} ${to?.name ?? edge.to} (${to?.provider ?? ''})${to?.thirdParty === true ? ' [third party]' : ''}\n`,
          );
        }
      });
    });
}

/** `vendor history`: every result of a measurement, offline. */
function registerHistoryCommand(vendor: Command, context: CliContext): void {
  vendor
    .command('history')
    .description('every result seen for a measurement, oldest first (offline)')
    .argument('<name>')
    .requiredOption('--measurement <url>', "the measurement's URL")
    .option('--json', 'print one JSON document')
    .option(
      '--csv',
      'print CSV: one line per result row, each field of the result format, signature and our objective outcome',
    )
    .action(async (name: string, options: HistoryOptions, command: Command) => {
      if (options.json === true && options.csv === true) {
        throw new AppError('CLI_USAGE', 'Give --json or --csv, not both.');
      }
      await withClient(context, command, async ({ sync, views }) => {
        if (options.csv === true) {
          const history = await views.history(name, options.measurement, { limit: Infinity });
          // CSV is data for a spreadsheet: written exact (its quoting keeps it one field per cell).
          context.io.stdout(historyToCsv(history));
          return;
        }
        const entries = sync.workspace(name).history(options.measurement);
        if (options.json === true) {
          printJson(
            context,
            entries.map((entry) => ({
              updateTime: entry.updateTime,
              result: JSON.parse(entry.resultText) as unknown,
              authorityId: entry.authorityId,
              firstSeenAt: entry.firstSeenAt,
            })),
          );
          return;
        }
        if (entries.length === 0) context.print('No results kept for this measurement.\n');
        for (const entry of entries) {
          context.print(`${entry.updateTime ?? '(no updateTime)'}\t${entry.resultText}\n`);
        }
      });
    });
}

/** `vendor check`: registered by registerVendorCommands. */
function registerCheckCommand(vendor: Command, context: CliContext): void {
  vendor
    .command('check')
    .description(
      "re-evaluate every objective and verify every kept result's signature (offline); keys in <data-dir>/authorities.json",
    )
    .argument('<name>')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: JsonOption, command: Command) => {
      await withClient(context, command, async ({ check }) => {
        const checks = await check(name);
        if (options.json === true) printJson(context, checks);
        else {
          for (const item of checks.objectives.filter((check) => check.disagrees)) {
            context.print(
              `DISAGREES ${item.measurementUrl}: vendor says ${item.claimed}, we get ${item.ours}${item.message === null ? '' : ` (${item.message})`}\n`,
            );
          }
          for (const item of checks.signatures.filter((check) => check.status === 'invalid')) {
            context.print(
              `INVALID SIGNATURE ${item.measurementUrl} ${item.updateTime ?? ''}: ${item.message ?? ''}\n`,
            );
          }
          const s = checks.summary;
          context.print(
            `${checks.objectives.length} objectives checked, ${checks.disagreements} disagree; signatures: ${s.verified} verified, ${s.unsigned} unsigned, ${s.invalid} invalid, ${s.unknown_authority} unknown authority.\n`,
          );
        }
        context.exitCode = checks.disagreements === 0 && checks.summary.invalid === 0 ? 0 : 1;
      });
    });
}

/** The sync's progress: done/total resources of one vendor. */
function syncProgressBar(context: CliContext) {
  return progressBar(context, (progress: SyncProgress) => ({
    fraction: progress.total === 0 ? 0 : progress.done / progress.total,
    prefix: progress.vendor,
    label: `${progress.done}/${progress.total}`,
  }));
}

function printReport(context: CliContext, report: SyncReport): void {
  context.print(
    `${report.vendor}: ${report.status}, ${report.resources} resources, ${report.newResults} new results, ` +
      `${report.newLogs} new log entries, ${report.skippedUnchanged} unchanged subtrees skipped, ` +
      `${report.requests} requests in ${report.durationMs} ms, ${report.errors.length} errors.\n`,
  );
  for (const error of report.errors.slice(0, 20))
    context.print(`  ${error.code}: ${error.message}\n`);
  if (report.errors.length > 20)
    context.print(`  … ${report.errors.length - 20} more (see --json)\n`);
}

function describeTrust(kind: string, fingerprint: string | null): string {
  return kind === 'fingerprint'
    ? `pinned ${fingerprint ?? ''}`
    : kind === 'ca'
      ? 'CA file'
      : 'system CAs';
}

function summaryLine(item: VendorSummary): string {
  const sync =
    item.lastSync === null
      ? 'never synced'
      : `last sync ${item.lastSync.startedAt} ${item.lastSync.status}${item.lastSync.errors > 0 ? ` (${item.lastSync.errors} errors)` : ''}`;
  return `${item.name}\t${item.baseUrl}\t${describeTrust(item.trust, item.fingerprint)}\t${item.hasToken ? 'token' : 'no token'}\t${sync}`;
}

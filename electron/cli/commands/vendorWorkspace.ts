import type { Command } from 'commander';

import type {
  MeasurementGlance,
  SyncChanges,
  VendorChanges,
  VendorTree,
} from '../../../shared/client';
import type { ClientServices } from '../../core/client/clientModule';
import type { CliContext } from '../context';
import { printJson } from '../context';

interface JsonOption {
  json?: boolean;
}

const KIND_LABEL: Record<string, string> = {
  serviceView: 'service view',
  dependency: 'dependency',
  asset: 'asset',
  attribute: 'attribute',
  measurement: 'measurement',
};

const OUTCOME_LABEL: Record<string, string> = {
  true: 'met',
  false: 'failed',
  error: 'error',
  no_result: 'no result',
};

function outcome(value: string | null): string {
  return value === null ? '-' : (OUTCOME_LABEL[value] ?? value);
}

/** One measurement's line: state, the vendor's claim, ours, signature, at a glance. */
function glanceText(glance: MeasurementGlance): string {
  const parts = [
    glance.state,
    `vendor: ${outcome(glance.claimed)}`,
    `ours: ${outcome(glance.ours)}`,
    ...(glance.disagrees ? ['DISAGREES'] : []),
    `signature: ${glance.signature ?? '-'}`,
  ];
  return parts.join('  ');
}

export function treeText(tree: VendorTree): string {
  if (tree.nodes.length === 0) return 'Nothing synced yet: run `vendor sync NAME` first.\n';
  return tree.nodes
    .map((node) => {
      const indent = '  '.repeat(node.depth);
      const detail =
        node.measurement === null ? `[${KIND_LABEL[node.kind]}]` : glanceText(node.measurement);
      return `${indent}${node.name}  ${detail}\n`;
    })
    .join('');
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function changeLines(changes: SyncChanges): string[] {
  const { counts } = changes;
  const lines = [
    `${plural(counts.newResults, 'new result')}, ${plural(counts.statusChanges, 'objective status change')}, ` +
      `${plural(counts.added, 'resource')} added, ${counts.removed} removed.`,
    ...changes.newResults.map(
      (item) => `  new result  ${item.name}  ${item.updateTime ?? '(no updateTime)'}`,
    ),
    ...changes.statusChanges.map(
      (item) => `  status      ${item.name}  ${outcome(item.before)} -> ${outcome(item.after)}`,
    ),
    ...changes.added.map(
      (item) => `  added       ${KIND_LABEL[item.kind] ?? item.kind}  ${item.name}`,
    ),
    ...changes.removed.map(
      (item) => `  removed     ${KIND_LABEL[item.kind] ?? item.kind}  ${item.name}`,
    ),
  ];
  const shown =
    changes.newResults.length +
    changes.statusChanges.length +
    changes.added.length +
    changes.removed.length;
  const total = counts.newResults + counts.statusChanges + counts.added + counts.removed;
  if (shown < total) lines.push(`  … ${total - shown} more (see --json)`);
  return lines;
}

export function changesText(changes: VendorChanges): string {
  if (changes.sync === null) return 'Never synced: run `vendor sync NAME` first.\n';
  const head = `Last sync ${changes.sync.startedAt} (${changes.sync.status}).`;
  if (changes.changes === null) return `${head}\nIts changes were not recorded.\n`;
  return `${[head, ...changeLines(changes.changes)].join('\n')}\n`;
}

/** Runs `work` with the client module of the command's data folder. */
async function withClient(
  context: CliContext,
  command: Command,
  work: (client: ClientServices) => Promise<void> | void,
): Promise<void> {
  await work(await context.modules(command).client());
}

/** `vendor tree` and `vendor changes`: registered by registerVendorCommands. */
export function registerWorkspaceCommands(vendor: Command, context: CliContext): void {
  vendor
    .command('tree')
    .description(
      "the vendor's service views, assets, attributes and measurements, each with its objective and signature status (offline)",
    )
    .argument('<name>')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: JsonOption, command: Command) => {
      await withClient(context, command, async ({ views }) => {
        const tree = await views.tree(name);
        if (options.json === true) printJson(context, tree);
        else context.print(treeText(tree));
      });
    });

  vendor
    .command('changes')
    .description(
      'what the last sync changed: new results, objective status changes, resources added or removed (offline)',
    )
    .argument('<name>')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: JsonOption, command: Command) => {
      await withClient(context, command, ({ views }) => {
        const changes = views.changes(name);
        if (options.json === true) printJson(context, changes);
        else context.print(changesText(changes));
      });
    });
}

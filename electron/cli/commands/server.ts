import type { Command } from 'commander';

import { CTP_ID_PATTERN } from '../../../shared/ctp/ids';
import { MAX_RESULT_BYTES } from '../../../shared/ctp/results';
import { AppError } from '../../../shared/errors';
import { printJson, type CliContext } from '../context';
import { parseJsonInput, readInputText } from '../inputs';
import { registerNotifierCommands } from './notifier';

/** The provider side of the embedded CTP server: `server import|token create|publish`. */
export function registerServerCommands(program: Command, context: CliContext): void {
  const server = program
    .command('server')
    .description('manage what the embedded CTP server publishes (provider side)');

  server
    .command('import')
    .description('create or update the served tree from a provider JSON file (- for stdin)')
    .argument('<provider.json>')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      const text = await readInputText(context, file, 'the provider file');
      const document = parseJsonInput(text, file, 'CTP_PROVIDER_INVALID');
      const { importer } = await context.modules(command).provider();
      const summary = await importer.importDocument(document);
      await (await context.modules(command).cts()).provider().telemetry.refresh();
      if (options.json === true) printJson(context, summary);
      else {
        context.print(
          `Imported ${file}: ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged; ${summary.results} results, ${summary.alerts} alerts.\n`,
        );
      }
    });

  const token = server.command('token').description('bearer tokens of customer accounts (CTP 6.3)');
  token
    .command('create')
    .description('create a token for an account (created if new) and print it once')
    .requiredOption('--account <name>', 'the customer account')
    .option('--views <ids>', 'comma-separated service view ids the account may see')
    .action(async (options: { account: string; views?: string }, command: Command) => {
      const name = options.account.trim();
      if (name === '') throw new AppError('CLI_USAGE', '--account must not be empty.');
      const views = parseViews(options.views);
      const { accounts } = await context.modules(command).provider();
      if (views === undefined && (await accounts.get(name)) === undefined) {
        throw new AppError(
          'CLI_USAGE',
          `Account "${name}" does not exist yet: give the service views it may see with --views ID,ID.`,
        );
      }
      const created = await accounts.createToken(name, views);
      const granted = (await accounts.get(name))?.serviceViews.join(', ') ?? '';
      context.print(`${created}\n`);
      context.warn(
        `Token for account "${name}" (views: ${granted}). It is shown only this once; the server keeps only its SHA-256 digest.\n`,
      );
    });

  server
    .command('publish')
    .description('publish a new result (- for stdin): objective and triggers are evaluated')
    .argument('<measurementId>')
    .argument('<result.json>')
    .option('--json', 'print the outcome as JSON')
    .action(
      async (
        measurementId: string,
        file: string,
        options: { json?: boolean },
        command: Command,
      ) => {
        if (!CTP_ID_PATTERN.test(measurementId)) {
          throw new AppError('CLI_USAGE', `"${measurementId}" is not a CTP identifier.`);
        }
        const text = await readInputText(context, file, 'the result file', MAX_RESULT_BYTES);
        const { publisher } = await context.modules(command).provider();
        const outcome = await publisher.publish(measurementId, text);
        await (await context.modules(command).cts()).provider().telemetry.refresh();
        if (options.json === true) printJson(context, outcome);
        else {
          context.print(
            `Published a result to ${measurementId} (${outcome.updateTime}): objective ${outcome.objectiveStatus ?? 'none'}, ${outcome.evaluated} triggers evaluated, ${outcome.alerts.length} alerts.\n`,
          );
        }
        // Exit 1 when a trigger failed to evaluate (DESIGN.md: the checked thing failed).
        if (outcome.alerts.some((alert) => alert.kind === 'error')) context.exitCode = 1;
      },
    );

  registerNotifierCommands(server, context);
}

function parseViews(text: string | undefined): string[] | undefined {
  const views = text
    ?.split(',')
    .map((view) => view.trim())
    .filter((view) => view.length > 0);
  for (const view of views ?? []) {
    if (!CTP_ID_PATTERN.test(view)) {
      throw new AppError('CLI_USAGE', `--views: "${view}" is not a CTP identifier.`);
    }
  }
  return views;
}

import type { Command } from 'commander';

import type { VendorTrigger } from '../../../shared/alerts';
import { AppError } from '../../../shared/errors';
import { printJson, type CliContext } from '../context';

interface AddOptions {
  measurement: string;
  condition: string;
  guardTime?: string;
  tags?: string;
  notify?: string;
  name?: string;
  annotation?: string;
  json?: boolean;
}

/**
 * `vendor trigger add|list|remove` (DESIGN "Command line", CTP 5.2.14–5.2.17): triggers on
 * a followed vendor's CTP server, written with the vendor's token.
 */
export function registerVendorTriggerCommands(vendor: Command, context: CliContext): void {
  const trigger = vendor
    .command('trigger')
    .description("triggers on a vendor's CTP server (alerts over XMPP)");

  trigger
    .command('add')
    .description('create a trigger on a measurement (its condition is checked first)')
    .argument('<name>', 'the vendor')
    .requiredOption('--measurement <url>', "the measurement's URL (from `vendor tree`)")
    .requiredOption(
      '--condition <expr>',
      'a CTPScript condition, e.g. "value[0].percentage < 99.9"',
    )
    .option('--guard-time <seconds>', 'seconds between two alerts of this trigger', '0')
    .option('--tags <a,b>', 'tags the log entries carry')
    .option('--notify <uri>', 'xmpp:JID to notify (default: your alerts account; "" for none)')
    .option('--name <text>', 'a name for the trigger')
    .option('--annotation <text>', 'a description')
    .option('--json', 'print the created trigger as JSON')
    .action(async (name: string, options: AddOptions, command: Command) => {
      const guardTime = Number(options.guardTime);
      if (!/^\d+(\.\d+)?$/.test(options.guardTime ?? '') || !Number.isFinite(guardTime)) {
        throw new AppError(
          'CLI_USAGE',
          `--guard-time must be a number of seconds, 0 or more; got ${JSON.stringify(options.guardTime)}.`,
        );
      }
      const tags = options.tags
        ?.split(',')
        .map((tag) => tag.trim())
        .filter((tag) => tag !== '');
      const triggers = await (await context.modules(command).alerts()).triggers();
      const created = await triggers.create({
        vendor: name,
        measurement: options.measurement,
        condition: options.condition,
        guardTime,
        ...(tags === undefined ? {} : { tags }),
        ...(options.notify === undefined ? {} : { notification: options.notify }),
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.annotation === undefined ? {} : { annotation: options.annotation }),
      });
      if (options.json === true) printJson(context, created);
      else
        context.print(
          `Created ${created.url}${created.notification === '' ? ' (no notification)' : ` notifying ${created.notification}`}; status ${created.status ?? 'unknown'}.\n`,
        );
    });

  trigger
    .command('list')
    .description("the vendor's triggers (read from its server)")
    .argument('<name>', 'the vendor')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const triggers = await (await context.modules(command).alerts()).triggers();
      const { triggers: list, report } = await triggers.list(name);
      for (const error of report.errors) context.warn(`warning: ${error.message}\n`);
      if (options.json === true) {
        printJson(context, list);
        return;
      }
      if (list.length === 0) context.print(`${name} has no triggers visible to your account.\n`);
      for (const item of list) context.print(`${triggerLine(item)}\n`);
    });

  trigger
    .command('remove')
    .description('delete a trigger (its log entries stay)')
    .argument('<name>', 'the vendor')
    .argument('<triggerUrl>', "the trigger's URL (from `vendor trigger list`)")
    .action(async (name: string, url: string, _options: unknown, command: Command) => {
      const triggers = await (await context.modules(command).alerts()).triggers();
      await triggers.remove(name, url);
      context.print(`Deleted ${url}.\n`);
    });
}

function triggerLine(trigger: VendorTrigger): string {
  const label = trigger.name === '' ? '' : ` ${trigger.name}:`;
  return `${trigger.url}${label} ${trigger.condition}  [status ${trigger.status ?? '?'}, guard ${trigger.guardTime} s${trigger.notification === '' ? '' : `, ${trigger.notification}`}]`;
}

import type { Command } from 'commander';

import type { AlertItem } from '../../../shared/alerts';
import { AppError } from '../../../shared/errors';
import { printJson, printJsonLine, type CliContext } from '../context';
import { idsOrAll } from '../idArguments';
import { readAccount, withAccountOptions, type AccountOptions } from './xmppAccountOptions';

interface ListOptions {
  vendor?: string;
  unread?: boolean;
  limit: string;
  json?: boolean;
}

/**
 * `alerts account set|show|remove`, `alerts listen`, `alerts list`, `alerts ack` (DESIGN
 * "Command line"): the auditor's XMPP account and inbox. Everything an alert holds came
 * from outside: human output goes through `context.print` (controls escaped), `--json`
 * through `printJson`/`printJsonLine`.
 */
export function registerAlertsCommands(program: Command, context: CliContext): void {
  const alerts = program.command('alerts').description("alerts from vendors' triggers, over XMPP");
  registerAccountCommands(alerts, context);

  alerts
    .command('listen')
    .description('run the listener in the foreground: one line per new alert (Ctrl+C stops)')
    .option('--json', 'one JSON document per line')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { inbox } = await context.modules(command).alerts();
      const account = await inbox.account.get();
      if (account === null) {
        throw new AppError(
          'ALERTS_NOT_CONFIGURED',
          'No alerts account is set: run `alerts account set JID --password-file F` first.',
        );
      }
      const listener = await inbox.listener();
      inbox.onAlert((alert) => {
        if (options.json === true) printJsonLine(context, alert);
        else context.print(`${alertLine(alert)}\n`);
      });
      const stopped = new Promise<void>((resolve) =>
        context.onShutdownSignal(async () => {
          await listener.stop();
          await context.dispose();
          resolve();
        }),
      );
      await listener.start();
      context.warn(`Listening as ${account.jid}; catching up on what arrived meanwhile…\n`);
      await listener.caughtUp();
      context.warn('Caught up. Waiting for alerts (Ctrl+C stops).\n');
      await stopped;
    });

  alerts
    .command('list')
    .description('the inbox: unread first, then newest first')
    .option('--vendor <name>', "only this vendor's alerts")
    .option('--unread', 'only unread alerts')
    .option('--limit <n>', 'at most this many', '500')
    .option('--json', 'print one JSON document')
    .action(async (options: ListOptions, command: Command) => {
      const limit = Number(options.limit);
      if (!/^\d{1,4}$/.test(options.limit) || limit < 1) {
        throw new AppError(
          'CLI_USAGE',
          `--limit must be a whole number from 1 to 5000; got ${JSON.stringify(options.limit)}.`,
        );
      }
      const { inbox } = await context.modules(command).alerts();
      inbox.importSynced();
      const page = inbox.repository.list({
        ...(options.vendor === undefined ? {} : { vendor: options.vendor }),
        ...(options.unread === true ? { unread: true } : {}),
        limit: Math.min(limit, 5000),
      });
      if (options.json === true) {
        printJson(context, page);
        return;
      }
      if (page.items.length === 0) context.print('No alerts.\n');
      for (const alert of page.items) context.print(`${alertLine(alert)}\n`);
      context.print(`${page.total} alerts, ${page.unread} unread.\n`);
    });

  alerts
    .command('ack')
    .description('mark alerts read')
    .argument('[ids...]', 'alert ids (as `alerts list` shows them)')
    .option('--all', 'every alert')
    .action(async (ids: string[], options: { all?: boolean }, command: Command) => {
      const numbers = idsOrAll(ids, options.all, 'alert id');
      const { inbox } = await context.modules(command).alerts();
      const { unread } = numbers === null ? inbox.markAllRead() : inbox.setRead(numbers, true);
      context.print(
        `Marked ${numbers === null ? 'every alert' : `${numbers.length} alert(s)`} read; ${unread} unread.\n`,
      );
    });
}

function registerAccountCommands(alerts: Command, context: CliContext): void {
  const account = alerts.command('account').description('the XMPP account alerts are sent to');
  withAccountOptions(
    account.command('set').description('set the account (the password goes to the secret store)'),
  ).action(async (jid: string, options: AccountOptions, command: Command) => {
    const input = await readAccount(context, jid, options);
    const { inbox } = await context.modules(command).alerts();
    const status = await inbox.setAccount(input);
    context.print(
      `Alerts account set: ${status.account?.jid ?? jid}. New triggers notify it by default; the app and \`serve --ui\` listen with it, \`alerts listen\` too.\n`,
    );
  });
  account
    .command('show')
    .description('the account (never its password)')
    .option('--json', 'print one JSON document')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { inbox } = await context.modules(command).alerts();
      const settings = await inbox.account.get();
      const shown =
        settings === null
          ? null
          : { jid: settings.jid, service: settings.service, customCa: settings.caPem !== null };
      if (options.json === true) printJson(context, shown);
      else if (shown === null)
        context.print(
          'No alerts account: set one with `alerts account set JID --password-file F`.\n',
        );
      else
        context.print(
          `${shown.jid} (${shown.service ?? 'its server, port 5222'}${shown.customCa ? ', own CA' : ''})\n`,
        );
    });
  account
    .command('remove')
    .description('forget the account and its password (alerts stay)')
    .action(async (_options: unknown, command: Command) => {
      const { inbox } = await context.modules(command).alerts();
      context.print(
        (await inbox.removeAccount())
          ? 'Alerts account removed.\n'
          : 'No alerts account was set.\n',
      );
    });
}

/** One line of an alert: id, state, vendor, what fired, when (all text from outside is printed safely). */
export function alertLine(alert: AlertItem): string {
  const mark = alert.read ? ' ' : '*';
  const what =
    alert.origin === 'malformed'
      ? `malformed message from ${alert.sender ?? 'unknown'}: ${alert.problem ?? ''}`
      : alert.origin === 'unknown'
        ? `unknown sender ${alert.sender ?? ''}: ${alert.logUrl ?? ''}`
        : `${alert.vendor ?? ''}  ${alert.kind === 'error' ? `ERROR ${alert.error ?? ''}` : `${alert.measurementName ?? alert.triggerUrl ?? ''}${alert.condition === null ? '' : ` [${alert.condition}]`}`}`;
  return `${mark}${String(alert.id).padStart(5)}  ${alert.creationTime ?? alert.receivedAt}  ${what}`;
}

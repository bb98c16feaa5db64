import type { Command } from 'commander';

import type { NotifierStatus, OutboxEntry, OutboxState } from '../../../shared/alerts';
import { AppError } from '../../../shared/errors';
import { printJson, type CliContext } from '../context';
import { idsOrAll } from '../idArguments';
import { readAccount, withAccountOptions, type AccountOptions } from './xmppAccountOptions';

/**
 * `server notifier set|show|remove|test` and `server outbox [retry]` (DESIGN "Command line"): the
 * provider's XMPP account and the notifications queued for it. The notifier itself runs
 * while `serve` runs.
 */
export function registerNotifierCommands(server: Command, context: CliContext): void {
  const notifier = server
    .command('notifier')
    .description('the XMPP account that sends trigger alerts to customers (CTP 4.2.7)');

  withAccountOptions(
    notifier.command('set').description('set the account (the password goes to the secret store)'),
  ).action(async (jid: string, options: AccountOptions, command: Command) => {
    const input = await readAccount(context, jid, options);
    const { notifier: service } = await context.modules(command).alerts();
    const status = await service.setAccount(input);
    context.print(
      `Notifier account set: ${status.jid} (${status.service ?? 'its server, port 5222'}${status.customCa ? ', own CA' : ''}). \`serve\` sends the outbox with it; try it with \`server notifier test JID\`.\n`,
    );
  });

  notifier
    .command('show')
    .description('the account and the outbox counts')
    .option('--json', 'print one JSON document')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { notifier: service } = await context.modules(command).alerts();
      const status = await service.status();
      if (options.json === true) printJson(context, status);
      else printStatus(context, status);
    });

  notifier
    .command('remove')
    .description('forget the account and its password (queued notifications stay queued)')
    .action(async (_options: unknown, command: Command) => {
      const { notifier: service } = await context.modules(command).alerts();
      const removed = await service.removeAccount();
      context.print(removed ? 'Notifier account removed.\n' : 'No notifier account was set.\n');
    });

  notifier
    .command('test')
    .description('send one test message from the account to JID')
    .argument('<jid>', 'the recipient (name@server, or an xmpp: URI)')
    .action(async (jid: string, _options: unknown, command: Command) => {
      const { notifier: service } = await context.modules(command).alerts();
      try {
        const outcome = await service.test(jid);
        context.print(
          `Sent a test message from ${outcome.from} to ${outcome.to}: ${outcome.acknowledged ? 'the server acknowledged it' : 'the server accepted it (it does not acknowledge stanzas, XEP-0198)'}.\n`,
        );
      } catch (error) {
        // The checked thing failed (exit 1), unlike a usage or account problem (exit 2).
        if (!(error instanceof AppError) || error.code !== 'ALERTS_NOTIFICATION_REFUSED')
          throw error;
        context.warn(`${error.message}\n`);
        context.exitCode = 1;
      }
    });

  registerOutboxCommands(server, context);
}

/**
 * `server outbox` lists the notifications; `server outbox retry SEQ... | --all` queues
 * failed ones again (the app's Retry calls the same service).
 */
function registerOutboxCommands(server: Command, context: CliContext): void {
  const outbox = server
    .command('outbox')
    .description('queued, sent and failed XMPP notifications, newest first')
    .option('--state <state>', 'only queued, sent or failed')
    .option('--limit <n>', 'at most this many rows', '100')
    .option('--json', 'print one JSON document')
    .action(
      async (options: { state?: string; limit: string; json?: boolean }, command: Command) => {
        const state = parseState(options.state);
        const limit = Number(options.limit);
        if (!/^\d{1,6}$/.test(options.limit) || limit < 1) {
          throw new AppError(
            'CLI_USAGE',
            `--limit must be a whole number above 0; got ${JSON.stringify(options.limit)}.`,
          );
        }
        const { notifier: service } = await context.modules(command).alerts();
        const rows = await service.outbox({ ...(state === undefined ? {} : { state }), limit });
        if (options.json === true) {
          printJson(context, rows);
          return;
        }
        if (rows.length === 0) context.print('The outbox is empty.\n');
        for (const row of rows) context.print(`${outboxLine(row)}\n`);
      },
    );

  outbox
    .command('retry')
    .description('queue failed notifications again (the notifier sends them while `serve` runs)')
    .argument('[seqs...]', 'outbox row numbers (as `server outbox` shows them)')
    .option('--all', 'every failed notification')
    .action(async (seqs: string[], options: { all?: boolean }, command: Command) => {
      const numbers = idsOrAll(seqs, options.all, 'outbox row number');
      const { notifier: service } = await context.modules(command).alerts();
      const requeued = await service.retry(numbers);
      context.print(
        requeued.length === 0
          ? 'No failed notification to retry.\n'
          : `Queued ${requeued.length} notification(s) again: ${requeued.join(', ')}.\n`,
      );
      const left = (numbers ?? []).filter((seq) => !requeued.includes(seq));
      if (left.length > 0) {
        // Asked for by number and not failed (sent, queued, or no such row): say so, exit 1.
        context.warn(`Not failed, so not retried: ${left.join(', ')}.\n`);
        context.exitCode = 1;
      }
    });
}

function parseState(text: string | undefined): OutboxState | undefined {
  if (text === undefined) return undefined;
  if (text === 'queued' || text === 'sent' || text === 'failed') return text;
  throw new AppError(
    'CLI_USAGE',
    `--state must be queued, sent or failed; got ${JSON.stringify(text)}.`,
  );
}

function outboxLine(row: OutboxEntry): string {
  const when =
    row.state === 'sent' ? row.sentAt : row.state === 'failed' ? row.failedAt : row.createdAt;
  const error = row.lastError === null ? '' : `  (${row.lastError})`;
  return `${String(row.seq).padStart(6)}  ${row.state.padEnd(6)}  ${when ?? ''}  ${row.notification}  log ${row.logId}  attempts ${row.attempts}${error}`;
}

function printStatus(context: CliContext, status: NotifierStatus): void {
  const { outbox } = status;
  const lines = [
    status.jid === null
      ? 'No notifier account: set one with `server notifier set JID --password-file F`.'
      : `Account   ${status.jid} (${status.service ?? 'its server, port 5222'}${status.customCa ? ', own CA' : ''})`,
    `Outbox    ${outbox.queued} queued, ${outbox.sent} sent, ${outbox.failed} failed${outbox.oldestQueuedAt === null ? '' : `; oldest queued ${outbox.oldestQueuedAt}`}`,
    ...status.recentFailures.map((row) => `Failed    ${outboxLine(row)}`),
    'The notifier sends the outbox while `serve` runs.',
  ];
  context.print(`${lines.join('\n')}\n`);
}

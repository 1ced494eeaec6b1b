import type { Command } from 'commander';
import { buildEngine } from '../../app/engine';
import type { Dispute } from '../../domain/types';
import { systemClock } from '../../ports/clock';
import { DisputeResolutionError, resolveDispute } from '../../services/sync/dispute-resolution';
import { withContext } from '../context';
import { CliFailure } from '../errors';
import { printJson, printTable, type Output } from '../output';

export function registerDisputeCommands(program: Command, o: Output): void {
  const disputes = program.command('disputes').description('records that matched more than one person');
  disputes
    .command('list')
    .description('list open disputes (ambiguous correlations that changed nothing)')
    .requiredOption('--config <file>', 'configuration file')
    .option('--all', 'include resolved disputes')
    .option('--json', 'print JSON')
    .action(async (opts: { config: string; all?: boolean; json?: boolean }) =>
      withContext(opts.config, async ({ store }) => {
        const rows = await store.listDisputes(!opts.all);
        if (opts.json) return printJson(o, rows);
        if (rows.length === 0) return o.out('no open disputes.');
        const usernames = new Map((await store.getIdentities(rows.flatMap((d) => d.candidates))).map((i) => [i.id, i.username]));
        const decision = (d: Dispute) => (d.resolution ? `joined to ${d.resolution.username} by ${d.resolution.decidedBy.id}` : d.resolvedAt ? 'resolved' : 'open');
        printTable(
          o,
          ['ID', 'SOURCE', 'RECORD', 'RULE', 'CANDIDATES', 'OPENED', ...(opts.all ? ['DECISION'] : [])],
          rows.map((d) => [d.id, d.source, d.externalId, d.rule, d.candidates.map((c) => usernames.get(c) ?? c).join(','), d.openedAt, ...(opts.all ? [decision(d)] : [])]),
        );
      }),
    );
  disputes
    .command('resolve')
    .description('decide which candidate a disputed record belongs to: link it there and apply it now')
    .requiredOption('--config <file>', 'configuration file')
    .argument('<id>', 'id of the dispute (see `disputes list`)')
    .requiredOption('--join <username>', 'the candidate the record belongs to')
    .option('--actor <name>', 'who decides (recorded in the audit trail)', process.env.SUDO_USER ?? process.env.USER ?? 'operator')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { config: string; join: string; actor: string; json?: boolean }) =>
      withContext(opts.config, async (ctx) => {
        const engine = buildEngine(ctx);
        try {
          const deps = { store: ctx.store, sync: engine.sync, sources: [...engine.sources.values()], clock: systemClock };
          const result = await resolveDispute(deps, { disputeId: id, join: opts.join, actor: { kind: 'helpdesk', id: opts.actor } }).catch((err: Error) => {
            throw err instanceof DisputeResolutionError ? new CliFailure(`${err.message}; nothing was changed.`) : err;
          });
          if (opts.json) return printJson(o, result);
          o.out(`dispute ${id} resolved by ${opts.actor}: ${result.dispute.source} record ${result.dispute.externalId} joined to ${result.username}.`);
          o.out(`${result.outcome}.`);
        } finally {
          await engine.close();
        }
      }),
    );
}

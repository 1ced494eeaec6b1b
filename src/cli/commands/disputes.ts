import type { Command } from 'commander';
import { withContext } from '../context';
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
        printTable(
          o,
          ['ID', 'SOURCE', 'RECORD', 'RULE', 'CANDIDATES', 'OPENED'],
          rows.map((d) => [d.id, d.source, d.externalId, d.rule, d.candidates.map((c) => usernames.get(c) ?? c).join(','), d.openedAt]),
        );
      }),
    );
}

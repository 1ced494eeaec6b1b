import type { Command } from 'commander';
import type { SyncRun } from '../../domain/types';
import { withContext } from '../context';
import { CliFailure } from '../errors';
import { printJson, printTable, type Output } from '../output';
import { buildEngine } from '../../app/engine';
import { accessRules } from '../../app/provisioning';
import { RunNotAllowableError } from '../../services/sync';

function countsOf(r: SyncRun): string {
  const c = r.counts;
  return `+${c.created} ~${c.updated} -${c.terminated} susp ${c.suspended} disp ${c.disputed} err ${c.errors}`;
}

export function registerRunCommands(program: Command, o: Output): void {
  const runs = program.command('runs').description('source runs, including held ones');
  runs
    .command('list')
    .description('list recent runs with their counts; held runs wait for `runs allow`')
    .requiredOption('--config <file>', 'configuration file')
    .option('--source <name>', 'only this source')
    .option('--held', 'only held runs')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { config: string; source?: string; held?: boolean; limit: string; json?: boolean }) =>
      withContext(opts.config, async ({ store }) => {
        const rows = await store.listRuns({
          source: opts.source,
          status: opts.held ? ['held'] : undefined,
          limit: Number(opts.limit) || 50,
        });
        if (opts.json) return printJson(o, rows.map(({ staged: _staged, ...r }) => r));
        if (rows.length === 0) return o.out('no runs yet.');
        printTable(
          o,
          ['ID', 'SOURCE', 'STATUS', 'STARTED', 'COUNTS', 'REASON'],
          rows.map((r) => [r.id, r.source, r.status, r.startedAt, countsOf(r), r.reason ?? '']),
        );
      }),
    );
  runs
    .command('allow')
    .description('apply a held run exactly as it was held')
    .requiredOption('--config <file>', 'configuration file')
    .argument('<runId>', 'id of the held run')
    .option('--actor <name>', 'who allows it (recorded in the audit trail)', process.env.SUDO_USER ?? process.env.USER ?? 'operator')
    .action(async (runId: string, opts: { config: string; actor: string }) =>
      withContext(opts.config, async (ctx) => {
        const run = await ctx.store.getRun(runId);
        if (!run) throw new CliFailure(`no run with id ${runId}; see \`idsync runs list --held\`.`);
        if (run.status !== 'held') throw new CliFailure(`run ${runId} is ${run.status}, not held; only held runs can be allowed.`);
        const engine = buildEngine(ctx, accessRules(ctx.loaded.config));
        const report = await engine.allowRun(runId, opts.actor).catch((err: Error) => {
          throw err instanceof RunNotAllowableError ? new CliFailure(`${err.message}; nothing was applied.`) : err;
        });
        o.out(`run ${runId} allowed by ${opts.actor}: ${countsOf(report)}.`);
      }),
    );
}

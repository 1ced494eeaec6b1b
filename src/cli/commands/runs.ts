import type { Command } from 'commander';
import type { SyncRun } from '../../domain/types';
import { withContext } from '../context';
import { CliFailure } from '../errors';
import { printJson, printTable, type Output } from '../output';
import { buildEngine } from '../../app/engine';
import { RunNotAllowableError } from '../../services/sync';
import { allowTargetRun, isTargetRun } from '../../services/provisioning/holds';
import { adminOf } from '../admin';
import { AdminUnreachableError, callAdmin } from '../admin-client';
import type { CliContext } from '../context';

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
        if (rows.length === 0) return o.out(opts.held ? 'no held runs.' : 'no runs yet.');
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
    .option('--actor <name>', 'who allows it (recorded in the audit trail; through the running daemon the audit names the admin token)', process.env.SUDO_USER ?? process.env.USER ?? 'operator')
    .action(async (runId: string, opts: { config: string; actor: string }) =>
      withContext(opts.config, async (ctx) => {
        const run = await ctx.store.getRun(runId);
        if (!run) throw new CliFailure(`no run with id ${runId}; see \`idsync runs list --held\`.`);
        if (run.status !== 'held') throw new CliFailure(`run ${runId} is ${run.status}, not held; only held runs can be allowed.`);
        if (isTargetRun(run)) return allowHeldTargetRun(ctx, runId, opts.actor, o);
        const engine = buildEngine(ctx);
        const report = await engine.allowRun(runId, opts.actor).catch((err: Error) => {
          throw err instanceof RunNotAllowableError ? new CliFailure(`${err.message}; nothing was applied.`) : err;
        });
        o.out(`run ${runId} allowed by ${opts.actor}: ${countsOf(report)}.`);
      }),
    );
}

/**
 * A held batch of target removals. Through the daemon's admin API when it runs (it sends the
 * released jobs at once, and the audit names the admin token, not a name the caller claims);
 * otherwise in the store, and the daemon's outbox sweep sends them later.
 */
async function allowHeldTargetRun(ctx: CliContext, runId: string, actor: string, o: Output): Promise<void> {
  const admin = adminOf(ctx.loaded.config);
  if (admin) {
    try {
      const res = await callAdmin<{ allowed?: { released: number }; error?: string }>(admin.listen, admin.token, 'POST', `/v1/runs/${encodeURIComponent(runId)}/allow`, {});
      if (res.body.error) throw new CliFailure(`${res.body.error}; nothing was applied.`);
      return o.out(`run ${runId} allowed through the admin API (audited as the admin token): ${res.body.allowed?.released ?? 0} job(s) released and sent.`);
    } catch (err) {
      if (!(err instanceof AdminUnreachableError)) throw err;
    }
  }
  const res = await allowTargetRun(ctx.store, runId, { kind: 'helpdesk', id: actor }, new Date().toISOString()).catch((err: Error) => {
    throw new CliFailure(`${err.message}; nothing was applied.`);
  });
  o.out(`run ${runId} allowed by ${actor}: ${res.released} job(s) released; the daemon sends them on its next outbox sweep.`);
}

import type { Command } from 'commander';
import { withContext } from '../context';
import { CliFailure } from '../errors';
import type { Output } from '../output';
import { buildEngine, type SourceRunOutcome } from '../../app/engine';
import { connectConfiguredRedis } from '../../app/infrastructure';
import { publishCommits } from '../../app/change-feed';
import { accessRules } from '../../app/provisioning';

function describeOutcome(o: SourceRunOutcome): string {
  if (!o.ran) return `${o.source}: skipped, ${o.reason}`;
  const r = o.report;
  const c = r.counts;
  const counts = `${c.seen} seen, ${c.created} created, ${c.updated} updated, ${c.terminated} terminated, ${c.suspended} suspended, ${c.disputed} disputed, ${c.writes} writes`;
  return `${o.source}: run ${r.id} ${r.status} (${counts})${r.reason ? `: ${r.reason}` : ''}`;
}

export function registerSyncCommand(program: Command, o: Output): void {
  program
    .command('sync')
    .description('read every source now and apply what changed')
    .requiredOption('--config <file>', 'configuration file')
    .option('--once', 'run every source once and exit (the only mode outside the daemon)')
    .option('--source <name>', 'only this source')
    .option('--dry-run', 'print the plan and change nothing')
    .action(async (opts: { config: string; once?: boolean; source?: string; dryRun?: boolean }) => {
      if (!opts.once) throw new CliFailure('sync runs sources once and exits: add --once (the daemon, `idsync run`, runs them on their schedules).', 2);
      await withContext(opts.config, async (ctx) => {
        const redis = opts.dryRun ? null : await connectConfiguredRedis(ctx.loaded);
        try {
          const engine = buildEngine(ctx, { redis: redis?.client ?? null, ...accessRules(ctx.loaded.config) });
          // Running daemons refresh their LDAP view within a second through this channel.
          const stopPublishing = redis ? publishCommits(ctx.store, redis.client, ctx.loaded.config.redis.prefix, () => undefined) : () => undefined;
          const outcomes = await engine.runSources({ only: opts.source, dryRun: !!opts.dryRun });
          let failed = 0;
          const skipped: string[] = [];
          for (const out of outcomes) {
            if (opts.dryRun && out.ran) for (const line of out.report.plan ?? []) o.out(line);
            o.out(describeOutcome(out));
            if (out.ran && (out.report.status === 'failed' || out.report.status === 'incomplete')) failed++;
            if (!out.ran) skipped.push(out.reason);
          }
          stopPublishing();
          // a skipped run did not run: a cron job or timer must not count it as done
          if (skipped.length > 0) throw new CliFailure(`not run: ${skipped.join('; ')}.`);
          if (failed > 0) throw new CliFailure(`${failed} source run(s) did not complete; access was not removed from anyone.`);
        } finally {
          await redis?.close();
        }
      });
    });
}

import type { Command } from 'commander';
import { withContext } from '../context';
import { CliFailure, UsageError } from '../errors';
import type { Output } from '../output';
import { buildEngine, type SourceRunOutcome } from '../../app/engine';
import { connectConfiguredRedis } from '../../app/infrastructure';
import { changeChannel, publishCommits, redisChangeFeed } from '../../change-feed';

function describeOutcome(o: SourceRunOutcome, dryRun: boolean): string {
  if (!o.ran) return `${o.source}: skipped, ${o.reason}`;
  const r = o.report;
  const c = r.counts;
  const g = r.groups;
  // only sources that bring groups say anything about them
  const groups = g ? `, groups ${g.created} created, ${g.updated} updated, ${g.deleted} deleted, ${g.restored} restored, members +${g.membersAdded} -${g.membersRemoved}` : '';
  const counts = `${c.seen} seen, ${c.created} created, ${c.updated} updated, ${c.terminated} terminated, ${c.suspended} suspended, ${c.disputed} disputed${groups}, ${c.writes} writes`;
  // a dry run stores no run, so it has no id to show and applied nothing
  if (dryRun) return `${o.source}: dry run, nothing applied; a run would be ${r.status} (${counts.replace(/, \d+ writes$/, '')})${r.reason ? `: ${r.reason}` : ''}`;
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
      if (!opts.once) throw new UsageError('sync runs sources once and exits: add --once (the daemon, `idsync run`, runs them on their schedules).');
      const dryRun = !!opts.dryRun;
      await withContext(opts.config, async (ctx) => {
        const redis = dryRun ? null : await connectConfiguredRedis(ctx.loaded, ctx.log);
        try {
          const engine = buildEngine(ctx, { redis: redis?.client ?? null });
          // Running daemons refresh their LDAP view and send intents within a second through this feed.
          const feed = redis ? redisChangeFeed(redis.client, changeChannel(ctx.loaded.config.redis.prefix), ctx.log) : null;
          const stopPublishing = feed ? publishCommits(ctx.store, feed, ctx.log) : () => undefined;
          try {
            const outcomes = await engine.runSources({ only: opts.source, dryRun });
            let failed = 0;
            const skipped: string[] = [];
            for (const out of outcomes) {
              if (dryRun && out.ran) for (const line of out.report.plan ?? []) o.out(line);
              o.out(describeOutcome(out, dryRun));
              if (out.ran && (out.report.status === 'failed' || out.report.status === 'incomplete')) failed++;
              if (!out.ran) skipped.push(out.reason);
            }
            // a skipped run did not run: a cron job or timer must not count it as done
            if (skipped.length > 0) throw new CliFailure(`not run: ${skipped.join('; ')}.`);
            if (failed > 0) throw new CliFailure(`${failed} source run(s) did not complete; access was not removed from anyone.`);
          } finally {
            stopPublishing();
            await engine.close();
            await feed?.close();
          }
        } finally {
          await redis?.close();
        }
      });
    });
}

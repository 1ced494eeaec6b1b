// `idsync resync`, `idsync queue failed`, `idsync queue retry`: through the daemon's admin API when
// it runs, from the store when it does not (and when that can be done safely without it).
import type { Command } from 'commander';
import { openContext, loadCliConfig, type CliContext } from '../context';
import { CliFailure } from '../errors';
import { printJson, type Output } from '../output';
import { adminOf } from '../admin';
import { AdminUnreachableError, callAdmin } from '../admin-client';
import { systemClock } from '../../ports/clock';
import { buildEngine } from '../../app/engine';
import { openTargetConnectors } from '../../app/provisioning';
import { parseTargets } from '../../app/rules';
import { listDeadLetters, renderDeadLetters, type DeadLetter } from '../../services/provisioning/dead-letters';
import { findPerson, ResyncError, resyncUser, type ResyncResult } from '../../services/provisioning/resync';

export interface ResyncOptions {
  config: string;
  user: string;
  target?: string;
  dryRun?: boolean;
  json?: boolean;
}

export async function resync(opts: ResyncOptions, o: Output): Promise<void> {
  const loaded = loadCliConfig(opts.config);
  const admin = adminOf(loaded.config);
  if (admin) {
    try {
      const res = await callAdmin<ResyncResult | { error: string }>(admin.listen, admin.token, 'POST', '/v1/resync', {
        user: opts.user,
        target: opts.target,
        dryRun: !!opts.dryRun,
      });
      if ('error' in res.body) throw new CliFailure(`resync failed: ${res.body.error}`);
      return printResync(o, res.body, opts.json);
    } catch (err) {
      if (!(err instanceof AdminUnreachableError)) throw err;
      if (!opts.dryRun) return withoutDaemon(opts, `${err.message}; start it, or use --dry-run to see the plan without the daemon.`);
    }
  }
  if (!opts.dryRun) return withoutDaemon(opts, 'no admin API is configured (admin.listen and admin.token): a resync needs the running daemon; --dry-run works without it.');
  return resyncDryRunInProcess(opts, o);
}

/** Without a daemon nothing is applied; a person nobody matches is still named as such. */
async function withoutDaemon(opts: ResyncOptions, reason: string): Promise<never> {
  const ctx = await openContext(opts.config);
  try {
    await findPerson(ctx.store, opts.user).catch((err) => {
      throw err instanceof ResyncError ? new CliFailure(`${err.message}; nothing was done.`) : err;
    });
  } finally {
    await ctx.close();
  }
  throw new CliFailure(reason);
}

/** --dry-run without a daemon: re-read sources and compute plans in this process; writes nothing. */
async function resyncDryRunInProcess(opts: ResyncOptions, o: Output): Promise<void> {
  const ctx = await openContext(opts.config);
  const targets = parseTargets(ctx.loaded.config);
  const connectors = openTargetConnectors(targets, ctx.log);
  try {
    // the daemon's engine, rules and all: the plan shown is the plan the daemon would apply
    const engine = buildEngine(ctx);
    try {
      const result = await resyncUser(dryRunDeps(ctx, engine, targets, connectors), { user: opts.user, target: opts.target, dryRun: true }).catch((err) => {
        throw err instanceof ResyncError ? new CliFailure(`${err.message}; nothing was done.`) : err;
      });
      printResync(o, result, opts.json);
    } finally {
      await engine.close();
    }
  } finally {
    for (const c of connectors.values()) await c.close?.().catch((err: Error) => ctx.log.warn({ target: c.name, err: err.message }, 'closing a target connector failed'));
    await ctx.close();
  }
}

function dryRunDeps(ctx: CliContext, engine: ReturnType<typeof buildEngine>, targets: ReturnType<typeof parseTargets>, connectors: ReturnType<typeof openTargetConnectors>) {
  return {
    store: ctx.store,
    sync: engine.sync,
    sources: [...engine.sources.values()],
    provisioning: {
      targetNames: () => targets.map((t) => t.name),
      targetOf: (n: string) => {
        const t = targets.find((x) => x.name === n);
        if (!t) throw new CliFailure(`no target named "${n}" in the configuration`);
        return t;
      },
      connector: (n: string) => connectors.get(n)!,
      // a dry run never enqueues
      queue: undefined as never,
    },
    clock: systemClock,
  };
}

export function printResync(o: Output, r: ResyncResult, json = false): void {
  if (json) {
    printJson(o, r);
  } else {
    o.out(`${r.dryRun ? 'plan for' : 'resync of'} ${r.user} (correlation ${r.correlationId})`);
    for (const s of r.sources) o.out(`  source ${s.source}: ${s.status}`);
    for (const t of r.targets) {
      for (const line of t.plan) o.out(`  ${line}`);
      o.out(`  ${t.target}: ${t.outcome}${t.error ? ` (${t.error})` : ''}`);
    }
  }
  const failed = r.targets.filter((t) => t.outcome === 'failed' || t.outcome === 'error');
  if (failed.length) throw new CliFailure(`${failed.map((t) => t.target).join(', ')}: not brought up to date for ${r.user}.`);
}

export async function queueFailed(opts: { config: string; target?: string; json?: boolean }, o: Output): Promise<void> {
  // The store is the record of dead letters, so this works with or without the daemon.
  const ctx = await openContext(opts.config);
  try {
    const letters = await listDeadLetters(ctx.store, { target: opts.target });
    if (opts.json) printJson(o, letters);
    else for (const line of renderDeadLetters(letters)) o.out(line);
  } finally {
    await ctx.close();
  }
}

export async function queueRetry(opts: { config: string; target?: string; user?: string }, o: Output): Promise<void> {
  const loaded = loadCliConfig(opts.config);
  const admin = adminOf(loaded.config);
  if (admin) {
    try {
      const res = await callAdmin<{ retried: DeadLetter[] } | { error: string }>(admin.listen, admin.token, 'POST', '/v1/queue/retry', {
        target: opts.target,
        user: opts.user,
      });
      if ('error' in res.body) throw new CliFailure(`retry failed: ${res.body.error}`);
      o.out(`retried ${res.body.retried.length} job(s)${res.body.retried.map((l) => `\n  ${l.jobId} ${l.username ?? ''}`).join('')}`);
      return;
    } catch (err) {
      if (!(err instanceof AdminUnreachableError)) throw err;
    }
  }
  // Daemon down: make the intents pending again; the daemon's outbox sweep sends them when it starts.
  const ctx = await openContext(opts.config);
  try {
    let letters = await listDeadLetters(ctx.store, { target: opts.target });
    if (opts.user) letters = letters.filter((l) => l.identityId === opts.user || l.username?.toLowerCase() === opts.user!.toLowerCase());
    const now = new Date(0).toISOString();
    for (const l of letters) {
      const intents = await Promise.all(l.intentIds.map((id) => ctx.store.getIntent(id)));
      await ctx.store.commit({ intents: intents.flatMap((i) => (i ? [{ ...i, status: 'pending' as const, updatedAt: now }] : [])) });
    }
    o.out(`marked ${letters.length} job(s) for retry; the daemon sends them on its next outbox sweep.`);
  } finally {
    await ctx.close();
  }
}

export function registerProvisioningCommands(program: Command, o: Output): void {
  program
    .command('resync')
    .description('re-read one person from every source now, apply at the highest priority, wait, and print what changed in each target')
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--user <who>', 'username, employee id or email')
    .option('--target <name>', 'only this target')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--json', 'print JSON')
    .action((opts: ResyncOptions) => resync(opts, o));
  const queue = program.command('queue').description('provisioning jobs that failed for good (dead letters)');
  queue
    .command('failed')
    .description('list jobs a target rejected permanently')
    .requiredOption('--config <file>', 'configuration file')
    .option('--target <name>', 'only this target')
    .option('--json', 'print JSON')
    .action((opts: { config: string; target?: string; json?: boolean }) => queueFailed(opts, o));
  queue
    .command('retry')
    .description('send failed jobs again')
    .requiredOption('--config <file>', 'configuration file')
    .option('--target <name>', 'only this target')
    .option('--user <who>', 'only this person')
    .action((opts: { config: string; target?: string; user?: string }) => queueRetry(opts, o));
}

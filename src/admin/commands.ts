// CLI command bodies the coordinator wires into commander: `idsync resync`, `idsync queue failed`,
// `idsync queue retry`. Each returns an exit code; output goes through the given Output.
import type { Config } from '../config/schema';
import { openContext, loadCliConfig } from '../cli/context';
import type { Output } from '../cli/output';
import { stdio } from '../cli/output';
import { systemClock } from '../ports/clock';
import { buildEngine } from '../app/engine';
import { adminSchema, parseListen, type ListenAddress } from './config';
import { AdminUnreachableError, callAdmin } from './client';
import { listDeadLetters, renderDeadLetters, type DeadLetter } from '../services/provisioning/dead-letters';
import { resyncUser, type ResyncResult } from '../services/provisioning/resync';
import { openTargetConnectors, provisioningPolicy, parseTargets } from './wiring';

export interface ResyncOptions {
  config: string;
  user: string;
  target?: string;
  dryRun?: boolean;
  json?: boolean;
}

export async function resyncCommand(opts: ResyncOptions, o: Output = stdio): Promise<number> {
  const loaded = loadCliConfig(opts.config);
  const admin = adminOf(loaded.config);
  if (admin) {
    try {
      const res = await callAdmin<ResyncResult | { error: string }>(admin.listen, admin.token, 'POST', '/v1/resync', {
        user: opts.user,
        target: opts.target,
        dryRun: !!opts.dryRun,
        actor: process.env.SUDO_USER ?? process.env.USER ?? 'cli',
      });
      if ('error' in res.body) {
        o.err(`resync failed: ${res.body.error}`);
        return res.status === 404 ? 3 : 1;
      }
      return printResync(o, res.body, opts.json);
    } catch (err) {
      if (!(err instanceof AdminUnreachableError)) throw err;
      if (!opts.dryRun) {
        o.err(`${err.message}; start it, or use --dry-run to see the plan without the daemon.`);
        return 2;
      }
    }
  }
  if (!opts.dryRun) {
    o.err('no admin API configured (admin.listen and admin.token): a resync needs the running daemon; --dry-run works without it.');
    return 2;
  }
  return resyncDryRunInProcess(opts, o);
}

/** --dry-run without a daemon: re-read sources and compute plans in this process; writes nothing. */
async function resyncDryRunInProcess(opts: ResyncOptions, o: Output): Promise<number> {
  const ctx = await openContext(opts.config);
  const targets = parseTargets(ctx.loaded.config);
  const connectors = openTargetConnectors(targets);
  try {
    const { policy, planner } = provisioningPolicy(ctx.loaded.config);
    const engine = buildEngine(ctx, { policy, planner });
    try {
      const result = await resyncUser(
        {
          store: ctx.store,
          sync: engine.sync,
          sources: [...engine.sources.values()],
          provisioning: {
            targetNames: () => targets.map((t) => t.name),
            targetOf: (n) => {
              const t = targets.find((x) => x.name === n);
              if (!t) throw new Error(`no target named "${n}" in the configuration`);
              return t;
            },
            connector: (n) => connectors.get(n)!,
            queue: undefined as never,
          },
          clock: systemClock,
        },
        { user: opts.user, target: opts.target, dryRun: true },
      );
      return printResync(o, result, opts.json);
    } finally {
      await engine.close();
    }
  } finally {
    for (const c of connectors.values()) await c.close?.().catch(() => undefined);
    await ctx.close();
  }
}

export function printResync(o: Output, r: ResyncResult, json = false): number {
  if (json) {
    o.out(JSON.stringify(r, null, 2));
  } else {
    o.out(`${r.dryRun ? 'plan for' : 'resync of'} ${r.user} (correlation ${r.correlationId})`);
    for (const s of r.sources) o.out(`  source ${s.source}: ${s.status}`);
    for (const t of r.targets) {
      for (const line of t.plan) o.out(`  ${line}`);
      o.out(`  ${t.target}: ${t.outcome}${t.error ? ` (${t.error})` : ''}`);
    }
  }
  return r.targets.some((t) => t.outcome === 'failed' || t.outcome === 'error') ? 1 : 0;
}

export async function queueFailedCommand(opts: { config: string; target?: string; json?: boolean }, o: Output = stdio): Promise<number> {
  // The store is the record of dead letters, so this works with or without the daemon.
  const ctx = await openContext(opts.config);
  try {
    const letters = await listDeadLetters(ctx.store, { target: opts.target });
    if (opts.json) o.out(JSON.stringify(letters, null, 2));
    else for (const line of renderDeadLetters(letters)) o.out(line);
    return 0;
  } finally {
    await ctx.close();
  }
}

export async function queueRetryCommand(opts: { config: string; target?: string; user?: string }, o: Output = stdio): Promise<number> {
  const loaded = loadCliConfig(opts.config);
  const admin = adminOf(loaded.config);
  if (admin) {
    try {
      const res = await callAdmin<{ retried: DeadLetter[] } | { error: string }>(admin.listen, admin.token, 'POST', '/v1/queue/retry', {
        target: opts.target,
        user: opts.user,
      });
      if ('error' in res.body) {
        o.err(`retry failed: ${res.body.error}`);
        return 1;
      }
      o.out(`retried ${res.body.retried.length} job(s)${res.body.retried.map((l) => `\n  ${l.jobId} ${l.username ?? ''}`).join('')}`);
      return 0;
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
    return 0;
  } finally {
    await ctx.close();
  }
}

export function adminOf(config: Config): { listen: ListenAddress; token: string } | null {
  if (!config.admin) return null;
  const parsed = adminSchema.parse(config.admin);
  return { listen: parseListen(parsed.listen)!, token: parsed.token };
}

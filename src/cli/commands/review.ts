// `idsync review start|status|close|export`: access review campaigns. Reviewers decide in the console;
// these commands open a campaign and report on it.
import type { Command } from 'commander';
import { withContext, type CliContext } from '../context';
import { CliFailure, UsageError } from '../errors';
import { printJson, printTable, type Output } from '../output';
import { toCsv } from '../csv';
import { accessRules } from '../../app/rules';
import { reviewDeps } from '../../app/reviews';
import { describeScope, ReviewScopeError } from '../../domain/reviews/campaign';
import { campaignStatus, closeCampaign, exportRows, ReviewError, startCampaign, type CampaignStatus } from '../../services/reviews/campaigns';
import { systemClock } from '../../ports/clock';

export function registerReviewCommands(program: Command, o: Output): void {
  const review = program.command('review').description('access review campaigns: who has what, decided by their managers');
  review
    .command('start')
    .description('open a campaign: every in-scope entitlement of every active person becomes an item for their manager')
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--name <name>', 'campaign name, e.g. Q1-2027')
    .option('--scope <kind-and-name...>', 'only "role NAME", "target NAME" or "group NAME" (default: every entitlement)')
    .option('--actor <name>', 'who opens it (recorded in the audit trail)', process.env.SUDO_USER ?? process.env.USER ?? 'operator')
    .action(async (opts: { config: string; name: string; scope?: string[]; actor: string }) => {
      const [kind, name, ...rest] = opts.scope ?? [];
      if (rest.length) throw new UsageError(`--scope takes a kind and a name, e.g. --scope role engineering; got "${opts.scope!.join(' ')}"`);
      await withContext(opts.config, (ctx) =>
        translated(async () => {
          const deps = reviewDeps(ctx.loaded.config, ctx.store, accessRules(ctx.loaded.config), systemClock);
          const res = await startCampaign(deps, { name: opts.name, scopeKind: kind, scopeName: name, actor: { kind: 'helpdesk', id: opts.actor } });
          o.out(`campaign ${res.campaign.name} opened (scope: ${describeScope(res.campaign.scope)}): ${res.items} items.`);
          if (res.items) printTable(o, ['REVIEWER', 'ITEMS'], [...res.byReviewer].map(([r, n]) => [r, String(n)]));
        }),
      );
    });
  review
    .command('status')
    .description('per campaign: items, decided, kept, revoked, and what each reviewer still has to decide')
    .requiredOption('--config <file>', 'configuration file')
    .option('--name <name>', 'one campaign (default: all)')
    .option('--json', 'print JSON')
    .action(async (opts: { config: string; name?: string; json?: boolean }) =>
      withContext(opts.config, (ctx) => translated(() => printStatus(ctx, o, opts))),
    );
  review
    .command('close')
    .description('end a campaign: pending items can no longer be decided (decisions taken stand)')
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--name <name>', 'the campaign')
    .option('--actor <name>', 'who closes it (recorded in the audit trail)', process.env.SUDO_USER ?? process.env.USER ?? 'operator')
    .action(async (opts: { config: string; name: string; actor: string }) =>
      withContext(opts.config, (ctx) =>
        translated(async () => {
          await closeCampaign({ store: ctx.store, clock: systemClock }, opts.name, { kind: 'helpdesk', id: opts.actor });
          o.out(`campaign ${opts.name} closed.`);
        }),
      ),
    );
  review
    .command('export')
    .description('one row per item: person, entitlement, rule, reviewer, decision, comment, decided by, decided at')
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--name <name>', 'the campaign')
    .option('--format <format>', 'csv', 'csv')
    .action(async (opts: { config: string; name: string; format: string }) => {
      if (opts.format !== 'csv') throw new UsageError(`--format ${opts.format} is not supported; use --format csv`);
      await withContext(opts.config, (ctx) =>
        translated(async () => {
          const rows = await exportRows(ctx.store, opts.name);
          const header = ['person', 'entitlement', 'rule', 'reviewer', 'decision', 'comment', 'decided by', 'decided at'];
          o.out(toCsv(header, rows.map((r) => [r.person, r.entitlement, r.rule, r.reviewer, r.decision, r.comment, r.decidedBy, r.decidedAt])));
        }),
      );
    });
}

async function printStatus(ctx: CliContext, o: Output, opts: { name?: string; json?: boolean }): Promise<void> {
  const all = await campaignStatus(ctx.store, accessRules(ctx.loaded.config).policy, opts.name);
  if (opts.json) return printJson(o, all.map(statusJson));
  if (all.length === 0) return o.out('no review campaigns yet; open one with `idsync review start --name NAME`.');
  for (const s of all) {
    const p = s.progress;
    o.out(`${s.campaign.name} (${s.campaign.status}, scope ${describeScope(s.campaign.scope)}, opened ${s.campaign.openedAt} by ${s.campaign.openedBy.id}): ` +
      `${p.items} items, ${p.decided} decided (${p.kept} kept, ${p.revoked} revoked), ${p.items - p.decided} pending; ` +
      `exceptions: ${s.exceptions.live} holding, ${s.exceptions.lapsed} lapsed (rule changed).`);
    if (s.pending.size) printTable(o, ['  REVIEWER', 'PENDING'], [...s.pending].map(([r, n]) => [`  ${r}`, String(n)]));
  }
}

function statusJson(s: CampaignStatus) {
  const p = s.progress;
  return {
    name: s.campaign.name,
    status: s.campaign.status,
    scope: s.campaign.scope,
    openedAt: s.campaign.openedAt,
    openedBy: s.campaign.openedBy,
    items: p.items,
    decided: p.decided,
    kept: p.kept,
    revoked: p.revoked,
    pending: p.items - p.decided,
    pendingByReviewer: Object.fromEntries(s.pending),
    exceptions: s.exceptions,
  };
}

/** Review errors are the user's to act on: one sentence, exit 1 (a malformed scope is wrong usage: exit 2). */
async function translated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ReviewScopeError) throw err.usage ? new UsageError(`${err.message}.`) : new CliFailure(`${err.message}.`);
    if (err instanceof ReviewError) throw new CliFailure(`${err.message}.`);
    throw err;
  }
}

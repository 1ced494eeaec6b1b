import type { Command } from 'commander';
import { ChainVerifier, describeFault, type AuditAnchor, type ChainFault } from '../../domain/audit-chain';
import type { AuditRecord } from '../../domain/types';
import type { IdentityStore } from '../../ports/identity-store';
import { readAuditAnchors } from '../../observability/audit-export';
import { withContext, type CliContext } from '../context';
import { CliFailure } from '../errors';
import { printJson, printTable, type Output } from '../output';
import { findIdentity } from './lookup';

const PAGE = 5000;

/**
 * Walks the whole chain in seq order and checks it against the separately kept head marker and the
 * anchors kept outside the store (exported files, signed checkpoints).
 */
export async function verifyAuditChain(
  store: IdentityStore,
  anchors: AuditAnchor[] = [],
): Promise<{ count: number; fault: string | null; kind: ChainFault['kind'] | null }> {
  const verifier = new ChainVerifier(anchors);
  let fault: ChainFault | null = null;
  for (let from = 1; !fault; ) {
    const page = await store.readAudit(from, PAGE);
    for (const rec of page) if ((fault = verifier.push(rec))) break;
    if (page.length < PAGE) break;
    from = page[page.length - 1].seq + 1;
  }
  fault ??= verifier.finish(await store.auditHead());
  return { count: verifier.count, fault: fault ? describeFault(fault) : null, kind: fault?.kind ?? null };
}

async function verifyWithAnchors({ store, loaded }: CliContext): Promise<Awaited<ReturnType<typeof verifyAuditChain>>> {
  const { anchors, problem } = await readAuditAnchors(loaded.config.audit, loaded.baseDir);
  if (problem) return { count: 0, fault: problem, kind: null };
  return verifyAuditChain(store, anchors);
}

/** Faults of the head marker alone; a cut tail is repaired only when the loss is accepted. */
const HEAD_FAULTS: ReadonlyArray<ChainFault['kind']> = ['head-missing'];
const CUT_FAULTS: ReadonlyArray<ChainFault['kind']> = ['truncated', 'anchor-ahead'];

async function repairHead(ctx: CliContext, acceptCut: boolean): Promise<string> {
  const result = await verifyWithAnchors(ctx);
  if (!result.fault) return `audit head is sound (${result.count} record(s)); nothing to repair.`;
  const repairable = HEAD_FAULTS.includes(result.kind!) || (acceptCut && CUT_FAULTS.includes(result.kind!));
  if (!repairable) {
    const hint = CUT_FAULTS.includes(result.kind!) ? ' Re-run with --accept-cut to continue the trail after the loss (it is recorded).' : '';
    throw new CliFailure(`audit head not repaired: ${result.fault}.${hint}`);
  }
  const { before, after } = await ctx.store.repairAuditHead();
  await ctx.store.commit({
    audit: [
      {
        time: new Date().toISOString(),
        actor: { kind: 'system', id: 'audit repair-head' },
        action: 'audit.head-repaired',
        subject: { kind: 'audit', id: 'head' },
        before,
        after: { ...after, fault: result.fault },
        correlationId: `repair-head:${after.seq}`,
      },
    ],
  });
  return `audit head re-derived from record ${after.seq} (was ${before ? `seq ${before.seq}` : 'missing'}); the repair is audit record ${after.seq + 1}.`;
}

function summarise(r: AuditRecord): string[] {
  const changed = r.after && typeof r.after === 'object' ? Object.keys(r.after as object).join(',') : '';
  return [String(r.seq), r.time, r.action, `${r.actor.kind}:${r.actor.id}`, changed, r.correlationId];
}

export function registerAuditCommands(program: Command, o: Output): void {
  const audit = program.command('audit').description('the hash-chained audit trail');
  audit
    .command('verify')
    .description('check that no audit record was changed, removed, reordered or cut off')
    .requiredOption('--config <file>', 'configuration file')
    .action(async (opts: { config: string }) =>
      withContext(opts.config, async (ctx) => {
        const { count, fault } = await verifyWithAnchors(ctx);
        if (fault) throw new CliFailure(`audit chain broken: ${fault}.`);
        o.out(`audit chain intact: ${count} record(s) verified.`);
      }),
    );
  audit
    .command('repair-head')
    .description('re-derive a missing or stale head marker from the last record, after verify found the records intact (audited)')
    .requiredOption('--config <file>', 'configuration file')
    .option('--accept-cut', 'also continue after a cut tail (the lost range is named in the repair record)')
    .action(async (opts: { config: string; acceptCut?: boolean }) =>
      withContext(opts.config, async (ctx) => o.out(await repairHead(ctx, !!opts.acceptCut))),
    );
  audit
    .command('show')
    .description("list one person's history")
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--user <who>', 'username, employee id or email')
    .option('--json', 'print JSON')
    .action(async (opts: { config: string; user: string; json?: boolean }) =>
      withContext(opts.config, async ({ store }) => {
        const identity = await findIdentity(store, opts.user);
        const records = await store.auditOfSubject(identity.id);
        if (opts.json) return printJson(o, records);
        o.out(`${identity.username} (${identity.employeeId ?? 'no employee id'}), ${records.length} record(s):`);
        printTable(o, ['SEQ', 'TIME', 'ACTION', 'ACTOR', 'CHANGED', 'CORRELATION'], records.map(summarise));
      }),
    );
}

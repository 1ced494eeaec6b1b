import type { Command } from 'commander';
import { ChainVerifier, describeFault } from '../../domain/audit-chain';
import type { AuditRecord } from '../../domain/types';
import type { IdentityStore } from '../../ports/identity-store';
import { withContext } from '../context';
import { CliFailure } from '../errors';
import { printJson, printTable, type Output } from '../output';
import { findIdentity } from './lookup';

const PAGE = 5000;

/** Walks the whole chain in seq order and checks it against the separately kept head marker. */
export async function verifyAuditChain(store: IdentityStore): Promise<{ count: number; fault: string | null }> {
  const verifier = new ChainVerifier();
  for (let from = 1; ; ) {
    const page = await store.readAudit(from, PAGE);
    for (const rec of page) {
      const fault = verifier.push(rec);
      if (fault) return { count: verifier.count, fault: describeFault(fault) };
    }
    if (page.length < PAGE) break;
    from = page[page.length - 1].seq + 1;
  }
  const fault = verifier.finish(await store.auditHead());
  return { count: verifier.count, fault: fault ? describeFault(fault) : null };
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
      withContext(opts.config, async ({ store }) => {
        const { count, fault } = await verifyAuditChain(store);
        if (fault) throw new CliFailure(`audit chain broken: ${fault}.`);
        o.out(`audit chain intact: ${count} record(s) verified.`);
      }),
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

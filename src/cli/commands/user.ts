import type { Command } from 'commander';
import type { Identity } from '../../domain/types';
import { sourceGroupsOf, type SourceGroupView } from '../../domain/people/source-groups-of';
import { withContext } from '../context';
import { printJson, type Output } from '../output';
import { findIdentity } from './lookup';

export { sourceGroupsOf, type SourceGroupView };

const SHOWN_ATTRIBUTES = ['givenName', 'sn', 'displayName', 'mail', 'title', 'department', 'manager', 'employeeType', 'location', 'startDate', 'endDate'];

/** The JSON contract of `idsync user show --json` (other tools parse it). */
export function userView(i: Identity, sourceGroups: SourceGroupView[] = []): Record<string, unknown> {
  const attributes: Record<string, string | null> = {};
  for (const k of SHOWN_ATTRIBUTES) attributes[k] = i.attributes[k] ?? null;
  for (const [k, v] of Object.entries(i.attributes)) if (!(k in attributes)) attributes[k] = v;
  return {
    id: i.id,
    username: i.username,
    employeeId: i.employeeId,
    state: i.state,
    stateChangedAt: i.stateChangedAt,
    uidNumber: i.uidNumber,
    attributes,
    provenance: i.provenance,
    entitlements: i.entitlements,
    sourceGroups,
    links: i.links,
    revision: i.revision,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

function printHuman(o: Output, i: Identity, sourceGroups: SourceGroupView[]): void {
  o.out(`${i.username}  uidNumber ${i.uidNumber}  employee ${i.employeeId ?? '-'}  ${i.state}`);
  for (const k of Object.keys(i.attributes).sort()) {
    const p = i.provenance[k];
    o.out(`  ${k.padEnd(14)} ${String(i.attributes[k] ?? '').padEnd(36)} ${p ? `from ${p.source}:${p.externalId} (${p.rule})` : ''}`);
  }
  for (const e of i.entitlements) o.out(`  ${e.kind} ${e.name}${e.values?.length ? ` [${e.values.join(', ')}]` : ''}  granted by ${e.rule}`);
  for (const g of sourceGroups) o.out(`  source group ${g.name}  from ${g.origin}${g.direct ? '' : ' (through a nested group)'}`);
}

export function registerUserCommands(program: Command, o: Output): void {
  const user = program.command('user').description('people');
  user
    .command('show')
    .description('show one person: attributes with provenance, state, entitlements with the rule that granted them, source groups')
    .requiredOption('--config <file>', 'configuration file')
    .argument('<who>', 'username, employee id or email')
    .option('--json', 'print JSON')
    .action(async (who: string, opts: { config: string; json?: boolean }) =>
      withContext(opts.config, async ({ store }) => {
        const identity = await findIdentity(store, who);
        const sourceGroups = sourceGroupsOf(identity.id, await store.listGroups());
        if (opts.json) printJson(o, userView(identity, sourceGroups));
        else printHuman(o, identity, sourceGroups);
      }),
    );
}

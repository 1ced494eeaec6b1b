// Groups declared in the `groups:` section exist in the directory even when no role grants them to
// anyone directly (a parent like all-staff has only nested groups as members). They get their
// gidNumber from the same sequence as every other group, once, and are never renumbered.
import type { AuditActor, Group } from '../../domain/types';
import type { GroupDeclaration } from '../../domain/roles/nesting';
import type { IdentityStore } from '../../ports/identity-store';

export const DECLARED_GROUP_ORIGIN = 'config:groups';

/** Inserts the declared groups the store does not hold yet; returns the names it created. */
export async function ensureDeclaredGroups(
  store: Pick<IdentityStore, 'listGroups' | 'reserveSequence' | 'commit'>,
  declared: GroupDeclaration[],
  opts: { gidNumberStart: number; now: string; actor: AuditActor },
): Promise<string[]> {
  if (declared.length === 0) return [];
  const known = new Set((await store.listGroups()).map((g) => g.name.toLowerCase()));
  const missing = declared.filter((d) => !known.has(d.name.toLowerCase()));
  if (missing.length === 0) return [];
  const first = await store.reserveSequence('gidNumber', missing.length, opts.gidNumberStart);
  const groups: Group[] = missing.map((d, i) => ({
    name: d.name,
    gidNumber: first + i,
    description: d.description ?? null,
    origin: DECLARED_GROUP_ORIGIN,
    createdAt: opts.now,
  }));
  await store.commit({
    groups,
    audit: groups.map((g) => ({
      time: opts.now,
      actor: opts.actor,
      action: 'group.create',
      subject: { kind: 'group', id: g.name },
      before: null,
      after: { gidNumber: g.gidNumber, origin: g.origin, include: missing.find((d) => d.name === g.name)!.include },
      correlationId: `declared-group:${g.name}`,
    })),
  });
  return groups.map((g) => g.name);
}

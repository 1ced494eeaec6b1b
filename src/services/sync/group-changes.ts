// How a run's group plan is written, audited, counted and shown in a dry run.
import { shownName, type GroupChange } from '../../domain/source-groups';
import type { AuditActor, AuditDraft } from '../../domain/types';
import type { ChangeSet, IdentityStore } from '../../ports/identity-store';
import type { GroupRunCounts, GroupRunPlan } from './types';

/**
 * The group rows, removals and audit records of a run's group plan. New groups get their gidNumber
 * here from the one sequence every group uses; a restored group has its old one back.
 */
export async function groupChangeSet(
  plan: GroupRunPlan,
  ctx: { store: Pick<IdentityStore, 'reserveSequence'>; gidNumberStart: number; actor: AuditActor; now: string; runId: string },
): Promise<ChangeSet> {
  const created = plan.changes.filter((c) => c.after.gidNumber === 0);
  if (created.length) {
    const first = await ctx.store.reserveSequence('gidNumber', created.length, ctx.gidNumberStart);
    created.forEach((c, i) => (c.after.gidNumber = first + i));
  }
  return {
    groupRemovals: plan.changes.flatMap((c) => (c.replaces ? [c.replaces] : [])),
    groupWrites: plan.changes.map((c) => c.after),
    audit: plan.changes.flatMap((c) => groupAudit(c, ctx)),
  };
}

function groupAudit(c: GroupChange, ctx: { actor: AuditActor; now: string; runId: string }): AuditDraft[] {
  const name = shownName(c);
  const base = { time: ctx.now, actor: ctx.actor, subject: { kind: 'group', id: name }, correlationId: `${ctx.runId}:group:${c.externalId}` };
  const summary = { name, gidNumber: c.after.gidNumber, origin: c.after.origin, externalId: c.externalId };
  const out: AuditDraft[] = [];
  if (c.action === 'group.create' || c.action === 'group.restore') {
    out.push({ ...base, action: c.action, before: null, after: { ...summary, description: c.after.description, memberGroups: c.after.memberGroups } });
  } else if (c.action === 'group.delete') {
    out.push({ ...base, action: c.action, before: { ...summary, members: c.membersRemoved.length }, after: { tombstone: c.after.name } });
    return out;
  } else if (c.before && (c.replaces || c.before.description !== c.after.description || c.groupsAdded.length || c.groupsRemoved.length)) {
    out.push({
      ...base,
      action: 'group.update',
      before: { name: c.before.name, description: c.before.description, memberGroups: c.before.memberGroups ?? [] },
      after: { name: c.after.name, description: c.after.description, memberGroups: c.after.memberGroups ?? [] },
    });
  }
  if (c.membersAdded.length) out.push({ ...base, action: 'group.member.add', before: null, after: { members: c.membersAdded } });
  if (c.membersRemoved.length) out.push({ ...base, action: 'group.member.remove', before: { members: c.membersRemoved }, after: null });
  return out;
}

export function groupCounts(plan: GroupRunPlan): GroupRunCounts {
  const counts: GroupRunCounts = { created: 0, updated: 0, restored: 0, deleted: 0, membersAdded: 0, membersRemoved: 0 };
  for (const c of plan.changes) {
    if (c.action === 'group.create') counts.created++;
    else if (c.action === 'group.restore') counts.restored++;
    else if (c.action === 'group.delete') counts.deleted++;
    else counts.updated++;
    counts.membersAdded += c.membersAdded.length;
    counts.membersRemoved += c.membersRemoved.length;
  }
  return counts;
}

/** `+ group Engineering (3 members)`, `~ group Engineering +member jdoe`, `- delete group Old (2 members)` */
export function groupLines(plan: GroupRunPlan): string[] {
  const who = (id: string) => plan.labels.get(id) ?? id;
  const lines: string[] = [];
  for (const c of plan.changes) {
    const name = c.after.name;
    if (c.action === 'group.delete') {
      lines.push(`- delete group ${c.before?.name} (${c.membersRemoved.length} members)`);
      continue;
    }
    if (c.action === 'group.create') lines.push(`+ group ${name} (${c.after.members?.length ?? 0} members)`);
    if (c.action === 'group.restore') lines.push(`+ restore group ${name} (gidNumber ${c.after.gidNumber}, ${c.after.members?.length ?? 0} members)`);
    if (c.action !== 'group.update') continue;
    if (c.replaces) lines.push(`~ group ${c.replaces} renamed to ${name}`);
    for (const id of c.membersAdded) lines.push(`~ group ${name} +member ${who(id)}`);
    for (const id of c.membersRemoved) lines.push(`~ group ${name} -member ${who(id)}`);
    for (const g of c.groupsAdded) lines.push(`~ group ${name} +group ${g}`);
    for (const g of c.groupsRemoved) lines.push(`~ group ${name} -group ${g}`);
  }
  return lines;
}

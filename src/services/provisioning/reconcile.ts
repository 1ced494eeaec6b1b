// Target reconcile: read every account the target holds, repair drift (an attribute changed by hand,
// an account re-enabled by hand) by sending the pair through the queue again, and report orphans
// (accounts no identity owns), deleting them only when the target is configured to.
import { randomUUID } from 'node:crypto';
import type { AuditDraft, Identity, Intent } from '../../domain/types';
import type { ChangeQueue } from '../../ports/change-queue';
import type { Clock } from '../../ports/clock';
import type { IdentityStore } from '../../ports/identity-store';
import type { ActualAccount, TargetConnector } from '../../ports/target-connector';
import { desiredAccount, type DesiredStateTarget } from '../../domain/provisioning/desired';
import { planAccount, renderPlan } from '../../domain/provisioning/plan';
import { intentOf, PRIORITY_REPAIR, PRIORITY_REVOKE } from '../../domain/provisioning/planner';

export interface ReconcileTarget extends DesiredStateTarget {
  reconcile: { deleteOrphans: boolean };
}

export interface ReconcileReport {
  target: string;
  correlationId: string;
  accounts: number;
  /** people whose account differs from the desired one, with the plan that repairs it */
  drift: { username: string; plan: string[] }[];
  /** people who should have an account and have none */
  missing: string[];
  orphans: string[];
  orphansRemoved: number;
}

export interface ReconcileDeps {
  store: IdentityStore;
  connector: TargetConnector;
  target: ReconcileTarget;
  clock: Clock;
  queue?: ChangeQueue;
}

export async function reconcileTarget(deps: ReconcileDeps, opts: { dryRun?: boolean } = {}): Promise<ReconcileReport> {
  const { store, target, clock } = deps;
  const now = clock.now();
  const correlationId = `reconcile:${target.name}:${randomUUID()}`;
  const people = await store.listIdentities();
  const owners = await ownerIndex(store, target, people, now);
  const report: ReconcileReport = { target: target.name, correlationId, accounts: 0, drift: [], missing: [], orphans: [], orphansRemoved: 0 };
  const repairs: Intent[] = [];
  const seen = new Set<string>();
  for await (const actual of deps.connector.list()) {
    report.accounts++;
    const owner = owners.byExternalId.get(actual.externalId) ?? owners.byUserName.get(actual.userName.toLowerCase());
    if (!owner) {
      report.orphans.push(actual.userName);
      continue;
    }
    seen.add(owner.id);
    const plan = planAccount(actual, desiredAccount(owner, target, now));
    if (plan.action === 'none') continue;
    report.drift.push({ username: owner.username, plan: renderPlan(target.name, actual.userName, plan) });
    const priority = plan.action === 'disable' || plan.action === 'remove' ? PRIORITY_REVOKE : PRIORITY_REPAIR;
    repairs.push(intentOf(target.name, owner, priority, 'reconcile.drift', correlationId, now.toISOString()));
  }
  for (const p of people) {
    if (seen.has(p.id) || !desiredAccount(p, target, now)?.active) continue;
    report.missing.push(p.username);
    repairs.push(intentOf(target.name, p, PRIORITY_REPAIR, 'reconcile.missing', correlationId, now.toISOString()));
  }
  if (opts.dryRun) return report;
  if (target.reconcile.deleteOrphans) report.orphansRemoved = await removeOrphans(deps, report.orphans, correlationId);
  await store.commit({ intents: repairs, audit: [reconcileAudit(target.name, report, now.toISOString())] });
  if (deps.queue) {
    for (const i of repairs) {
      await deps.queue.enqueue({ target: i.target, identityId: i.identityId, priority: i.priority, correlationId, intentId: i.id });
    }
  }
  return report;
}

async function ownerIndex(store: IdentityStore, target: ReconcileTarget, people: Identity[], now: Date) {
  const byId = new Map(people.map((p) => [p.id, p]));
  const byExternalId = new Map<string, Identity>();
  for (const a of await store.listTargetAccounts(target.name)) {
    const owner = byId.get(a.identityId);
    if (a.externalId && owner) byExternalId.set(a.externalId, owner);
  }
  const byUserName = new Map<string, Identity>();
  for (const p of people) {
    const name = desiredAccount(p, target, now)?.userName ?? p.username;
    byUserName.set(name.toLowerCase(), p);
  }
  return { byExternalId, byUserName };
}

async function removeOrphans(deps: ReconcileDeps, userNames: string[], correlationId: string): Promise<number> {
  const audit: AuditDraft[] = [];
  for (const userName of userNames) {
    const actual: ActualAccount | null = await deps.connector.lookup(userName, null);
    if (!actual) continue;
    await deps.connector.remove(actual);
    audit.push({
      time: deps.clock.now().toISOString(),
      actor: { kind: 'system', id: 'reconcile' },
      action: 'target.orphan.remove',
      subject: { kind: 'account', id: `${deps.target.name}:${actual.externalId}`, username: actual.userName },
      before: { userName: actual.userName, active: actual.active },
      after: null,
      correlationId,
    });
  }
  if (audit.length) await deps.store.commit({ audit });
  return audit.length;
}

function reconcileAudit(target: string, r: ReconcileReport, now: string): AuditDraft {
  return {
    time: now,
    actor: { kind: 'system', id: 'reconcile' },
    action: 'target.reconcile',
    subject: { kind: 'target', id: target },
    before: null,
    after: { accounts: r.accounts, drift: r.drift.length, missing: r.missing.length, orphans: r.orphans, orphansRemoved: r.orphansRemoved },
    correlationId: r.correlationId,
  };
}

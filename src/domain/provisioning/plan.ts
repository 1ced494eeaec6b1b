// What a worker must do to bring an actual account to the desired one, and how to show it to people.
import type { ActualAccount, DesiredAccount } from '../accounts';

export type AccountAction = 'create' | 'update' | 'disable' | 'remove' | 'none';

export interface AttributeChange {
  attribute: string;
  from: string | null;
  to: string | null;
}

export interface AccountPlan {
  action: AccountAction;
  changes: AttributeChange[];
}

export function planAccount(actual: ActualAccount | null, desired: DesiredAccount | null): AccountPlan {
  if (!desired) return { action: actual ? 'remove' : 'none', changes: [] };
  if (!actual) return desired.active ? { action: 'create', changes: creationChanges(desired) } : { action: 'none', changes: [] };
  if (!desired.active) return { action: actual.active ? 'disable' : 'none', changes: [] };
  const changes = differences(actual, desired);
  return { action: changes.length ? 'update' : 'none', changes };
}

/** Attribute, group and active differences; attributes the desired state leaves null are only compared when the target has them. */
export function differences(actual: ActualAccount, desired: DesiredAccount): AttributeChange[] {
  const changes: AttributeChange[] = [];
  if (!actual.active) changes.push({ attribute: 'active', from: 'false', to: 'true' });
  for (const [name, to] of Object.entries(desired.attributes)) {
    const from = actual.attributes[name] ?? null;
    if ((from ?? '') !== (to ?? '')) changes.push({ attribute: name, from, to });
  }
  const have = [...actual.groups].sort().join(',');
  const want = [...desired.groups].sort().join(',');
  if (have !== want) changes.push({ attribute: 'groups', from: have || null, to: want || null });
  return changes;
}

function creationChanges(desired: DesiredAccount): AttributeChange[] {
  const attrs = Object.entries(desired.attributes)
    .filter(([, v]) => v !== null)
    .map(([attribute, to]) => ({ attribute, from: null, to }));
  return desired.groups.length ? [...attrs, { attribute: 'groups', from: null, to: desired.groups.join(',') }] : attrs;
}

/** `+ create`, `~ attribute: old -> new`, `- disable`, `- remove`, `= no change` */
export function renderPlan(target: string, userName: string, plan: AccountPlan): string[] {
  const head = `${target} ${userName}`;
  switch (plan.action) {
    case 'create':
      return [`+ create ${head}`, ...plan.changes.map((c) => `    ${c.attribute}: ${c.to}`)];
    case 'update':
      return [`~ update ${head}`, ...plan.changes.map((c) => `~ ${c.attribute}: ${c.from ?? '(none)'} -> ${c.to ?? '(none)'}`)];
    case 'disable':
      return [`- disable ${head}`];
    case 'remove':
      return [`- remove ${head}`];
    case 'none':
      return [`= no change ${head}`];
  }
}

// What a person's audit trail says, in the words the helpdesk reads: the states they went through
// (with when and who), the last change each target applied, and one line per record.
import type { AuditActor, AuditRecord, LifecycleState } from '../types';
import { renderPlan, type AccountAction, type AttributeChange } from '../provisioning/plan';

export interface StateStep {
  time: string;
  from: LifecycleState | null;
  to: LifecycleState;
  action: string;
  actor: string;
}

export interface AppliedChange {
  time: string;
  action: string;
  lines: string[];
  correlationId: string;
}

const STATES: readonly string[] = ['prehire', 'active', 'suspended', 'terminated'];

export function actorName(a: AuditActor): string {
  switch (a.kind) {
    case 'helpdesk':
      return a.id === 'token' ? 'admin API token' : `helpdesk ${a.id}`;
    case 'source-run':
      return `source ${a.source}`;
    case 'worker':
      return `worker for ${a.target}`;
    case 'system':
      return `system ${a.id}`;
  }
}

function field(v: unknown, name: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[name] : undefined;
}

function stateIn(v: unknown): LifecycleState | null {
  const s = field(v, 'state');
  return typeof s === 'string' && STATES.includes(s) ? (s as LifecycleState) : null;
}

/** Creation and every state change, oldest first. */
export function stateHistory(records: AuditRecord[]): StateStep[] {
  const out: StateStep[] = [];
  for (const r of [...records].sort((a, b) => a.seq - b.seq)) {
    if (r.subject.kind !== 'identity' || !r.action.startsWith('identity.')) continue;
    const to = stateIn(r.after);
    if (!to) continue;
    const from = stateIn(r.before);
    if (r.action !== 'identity.create' && from === to) continue;
    out.push({ time: r.time, from: r.action === 'identity.create' ? null : from, to, action: r.action, actor: actorName(r.actor) });
  }
  return out;
}

function isTargetChange(r: AuditRecord, target: string): boolean {
  return r.action.startsWith('target.') && r.action !== 'target.none' && field(r.after, 'target') === target;
}

/** The newest change a worker applied to `target` for this person, as plan lines, or null. */
export function lastAppliedChange(records: AuditRecord[], target: string, userName: string): AppliedChange | null {
  const last = records.filter((r) => isTargetChange(r, target)).sort((a, b) => b.seq - a.seq)[0];
  if (!last) return null;
  const action = last.action.slice('target.'.length);
  const raw = field(last.after, 'changes');
  const changes = Array.isArray(raw) ? (raw as AttributeChange[]) : [];
  const known = ['create', 'update', 'disable', 'remove'].includes(action);
  const lines = known ? renderPlan(target, userName, { action: action as AccountAction, changes }) : [`${action} ${target} ${userName}`];
  return { time: last.time, action, lines, correlationId: last.correlationId };
}

/** One readable line of what an audit record changed. */
export function auditSummary(r: AuditRecord): string {
  const target = field(r.after, 'target');
  if (r.action.startsWith('target.') && typeof target === 'string') {
    const last = lastAppliedChange([r], target, r.subject.username ?? r.subject.id);
    if (last) return last.lines.join('; ');
  }
  const parts: string[] = [];
  const attrsBefore = field(r.before, 'attributes');
  const attrsAfter = field(r.after, 'attributes');
  if (r.action !== 'identity.create' && typeof attrsAfter === 'object' && attrsAfter !== null) {
    for (const [k, v] of Object.entries(attrsAfter)) parts.push(`${k}: ${String(field(attrsBefore, k) ?? '(none)')} -> ${String(v ?? '(none)')}`);
  }
  const from = stateIn(r.before);
  const to = stateIn(r.after);
  if (to && from !== to) parts.push(from ? `state: ${from} -> ${to}` : `state: ${to}`);
  if (parts.length) return parts.join('; ');
  const text = JSON.stringify(r.after ?? r.before ?? null);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

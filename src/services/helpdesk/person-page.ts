// Everything the helpdesk's page of one person shows, read from the store: state and its history,
// attributes with the source and rule that gave each, entitlements with their rule, each target's
// account (status, last applied change, last error), source groups and the audit trail, paged.
import type { AuditRecord, Entitlement, Identity, Intent, LifecycleState, TargetAccountStatus } from '../../domain/types';
import type { IdentityStore } from '../../ports/identity-store';
import { actorName, auditSummary, lastAppliedChange, stateHistory, type AppliedChange, type StateStep } from '../../domain/people/history';
import { displayNameOf } from '../../domain/people/search';
import { sourceGroupsOf, type SourceGroupView } from '../../domain/people/source-groups-of';

export const AUDIT_PAGE_SIZE = 25;

export type PersonStore = Pick<IdentityStore, 'getIdentity' | 'auditOfSubject' | 'listIntents' | 'getTargetAccount' | 'listGroups'>;

export interface AttributeView {
  name: string;
  value: string | null;
  source: string | null;
  externalId: string | null;
  rule: string | null;
}

export interface AccountView {
  target: string;
  /** the account row's status, or 'none' when the target never had one for this person */
  status: TargetAccountStatus | 'none';
  externalId: string | null;
  /** what is waiting for the target: pending or failed intents */
  waiting: { pending: number; failed: number };
  lastChange: AppliedChange | null;
  lastError: string | null;
  updatedAt: string | null;
}

export interface PersonView {
  id: string;
  username: string;
  displayName: string;
  employeeId: string | null;
  mail: string | null;
  state: LifecycleState;
  stateChangedAt: string;
  stateHistory: StateStep[];
  attributes: AttributeView[];
  entitlements: Entitlement[];
  accounts: AccountView[];
  sourceGroups: SourceGroupView[];
  links: { source: string; externalId: string }[];
}

export interface AuditLine {
  seq: number;
  time: string;
  actor: string;
  action: string;
  summary: string;
  correlationId: string;
}

export interface AuditPage {
  page: number;
  pages: number;
  total: number;
  records: AuditLine[];
}

export async function personView(store: PersonStore, targets: string[], username: string): Promise<PersonView | null> {
  const identity = await store.getIdentity({ by: 'username', value: username });
  if (!identity) return null;
  const [audit, intents, groups] = await Promise.all([store.auditOfSubject(identity.id), store.listIntents({ identityId: identity.id }), store.listGroups()]);
  const accounts = await Promise.all(targets.map((t) => accountView(store, identity, t, audit, intents)));
  return {
    id: identity.id,
    username: identity.username,
    displayName: displayNameOf(identity),
    employeeId: identity.employeeId,
    mail: identity.attributes.mail ?? null,
    state: identity.state,
    stateChangedAt: identity.stateChangedAt,
    stateHistory: stateHistory(audit),
    attributes: attributeViews(identity),
    entitlements: identity.entitlements,
    accounts,
    sourceGroups: sourceGroupsOf(identity.id, groups),
    links: identity.links,
  };
}

function attributeViews(i: Identity): AttributeView[] {
  return Object.keys(i.attributes)
    .sort()
    .map((name) => {
      const p = i.provenance[name];
      return { name, value: i.attributes[name] ?? null, source: p?.source ?? null, externalId: p?.externalId ?? null, rule: p?.rule ?? null };
    });
}

async function accountView(store: PersonStore, identity: Identity, target: string, audit: AuditRecord[], intents: Intent[]): Promise<AccountView> {
  const row = await store.getTargetAccount(target, identity.id);
  const mine = intents.filter((i) => i.target === target);
  const lastFailed = mine.filter((i) => i.status === 'failed').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  return {
    target,
    status: row?.status ?? 'none',
    externalId: row?.externalId ?? null,
    waiting: { pending: mine.filter((i) => i.status === 'pending').length, failed: mine.filter((i) => i.status === 'failed').length },
    lastChange: lastAppliedChange(audit, target, identity.username),
    lastError: row?.lastError ?? lastFailed?.lastError ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}

/** Page `page` (1 = newest) of the person's audit trail, newest first; null for an unknown person. */
export async function auditPage(store: PersonStore, username: string, page: number): Promise<AuditPage | null> {
  const identity = await store.getIdentity({ by: 'username', value: username });
  if (!identity) return null;
  const all = (await store.auditOfSubject(identity.id)).sort((a, b) => b.seq - a.seq);
  const pages = Math.max(1, Math.ceil(all.length / AUDIT_PAGE_SIZE));
  const at = Math.min(Math.max(1, Math.floor(page)), pages);
  const records = all.slice((at - 1) * AUDIT_PAGE_SIZE, at * AUDIT_PAGE_SIZE).map((r) => ({
    seq: r.seq,
    time: r.time,
    actor: actorName(r.actor),
    action: r.action,
    summary: auditSummary(r),
    correlationId: r.correlationId,
  }));
  return { page: at, pages, total: all.length, records };
}

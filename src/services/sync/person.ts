import { randomUUID } from 'node:crypto';
import { precedenceFromRule, type Contribution, type Merged, mergeAttributes } from '../../domain/merge';
import type { Identity, LifecycleState, SourceLink, SourceRecord } from '../../domain/types';
import type { AccessPolicy } from '../../ports/access-policy';
import { recordKey, type RunState } from './load-state';
import type { RunSourceSettings } from './types';

export interface SourceRanking {
  precedence: number;
  attributePrecedence: Record<string, number>;
}

/**
 * Merges the record being applied with every other source record linked to the identity. Other
 * sources rank by their configured precedence, or, when their config is not at hand, by what their
 * last merge recorded in provenance.
 */
export function mergeFor(
  identity: Identity | null,
  record: SourceRecord,
  settings: RunSourceSettings,
  state: RunState,
  rankings?: Map<string, SourceRanking>,
): Merged {
  const contributions: Contribution[] = [contributionOf(record, settings.precedence, settings.attributePrecedence)];
  for (const link of identity?.links ?? []) {
    if (link.source === record.source) continue;
    const other = state.otherRecords.get(recordKey(link.source, link.externalId));
    if (!other) continue;
    const ranking = rankings?.get(link.source);
    contributions.push(ranking ? contributionOf(other, ranking.precedence, ranking.attributePrecedence) : recordedContribution(other, identity as Identity));
  }
  return mergeAttributes(contributions);
}

function contributionOf(record: SourceRecord, precedence: number, attributePrecedence: Record<string, number>): Contribution {
  return { source: record.source, externalId: record.externalId, attributes: record.attributes, precedence, attributePrecedence };
}

function recordedContribution(record: SourceRecord, identity: Identity): Contribution {
  let precedence = 100;
  const attributePrecedence: Record<string, number> = {};
  for (const [attribute, p] of Object.entries(identity.provenance)) {
    if (p.source !== record.source) continue;
    const value = precedenceFromRule(p.rule);
    if (value === null) continue;
    if (p.rule.startsWith('attributePrecedence:')) attributePrecedence[attribute] = value;
    else precedence = value;
  }
  return contributionOf(record, precedence, attributePrecedence);
}

export function linksWith(identity: Identity | null, link: SourceLink): SourceLink[] {
  const links = identity?.links ?? [];
  if (links.some((l) => l.source === link.source && l.externalId === link.externalId)) return links;
  return [...links, link];
}

export interface EvolveInput {
  before: Identity | null;
  merged: Merged;
  state: LifecycleState;
  links: SourceLink[];
  now: string;
  policy: AccessPolicy;
  /** for a new identity only */
  username?: string;
  /** the source groups the person is in, for role conditions */
  groups?: string[];
}

/** The identity after this change. uidNumber of a new identity stays 0 until the commit reserves one. */
export function evolveIdentity(input: EvolveInput): Identity {
  const { before, merged, state, now } = input;
  const base: Identity = before ?? {
    id: randomUUID(),
    revision: 0,
    username: input.username ?? '',
    uidNumber: 0,
    employeeId: null,
    state,
    stateChangedAt: now,
    attributes: {},
    provenance: {},
    links: [],
    entitlements: [],
    createdAt: now,
    updatedAt: now,
  };
  const next: Identity = {
    ...base,
    attributes: merged.attributes,
    provenance: merged.provenance,
    employeeId: merged.attributes.employeeId ?? base.employeeId,
    state,
    stateChangedAt: before && before.state === state ? before.stateChangedAt : now,
    links: input.links,
    updatedAt: now,
  };
  next.entitlements = input.policy.entitlements(next, { groups: input.groups ?? [] });
  return next;
}

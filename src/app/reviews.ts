// The access-review use cases wired with the daemon's own rules: the CLI and the console both
// build them here, so a revoke plans with the very policy and planner a sync run applies.
import type { Config } from '../config/schema';
import { rolesSchema } from '../config/sections/targets';
import type { ScopeNames } from '../domain/reviews/campaign';
import type { Clock } from '../ports/clock';
import type { IdentityStore } from '../ports/identity-store';
import { ReviewError, type CampaignDeps } from '../services/reviews/campaigns';
import { decideItem, type DecideDeps } from '../services/reviews/decide';
import { OPERATORS_REVIEWER } from '../domain/reviews/types';
import type { ReviewBackend } from '../console/reviews';
import type { AccessRules } from './rules';

export type ReviewDeps = CampaignDeps & DecideDeps;

/** What a campaign scope may name: the configured roles and targets and the groups roles grant. */
export function scopeNames(config: Config): ScopeNames {
  const roles = rolesSchema.parse(config.roles);
  return {
    roles: roles.map((r) => r.name),
    targets: config.targets.map((t) => t.name),
    groups: [...new Set(roles.flatMap((r) => r.groups ?? []))],
  };
}

export function reviewDeps(config: Config, store: IdentityStore, rules: AccessRules, clock: Clock): ReviewDeps {
  return { store, clock, known: scopeNames(config), policy: rules.policy, planner: rules.planner };
}

/** The review pages' backend over the daemon's store and rules. */
export function reviewConsoleBackend(config: Config, store: IdentityStore, rules: AccessRules, clock: Clock): ReviewBackend {
  const deps = reviewDeps(config, store, rules, clock);
  return {
    campaigns: () => store.listReviewCampaigns(),
    campaign: (name) => store.getReviewCampaign(name),
    items: (campaignId) => store.listReviewItems({ campaignId }),
    names: async (ids) => {
      const found = await store.getIdentities(ids.filter((id) => id !== OPERATORS_REVIEWER));
      return new Map(found.map((i) => [i.id, i.attributes.displayName || i.username]));
    },
    decide: async (input) => {
      try {
        const res = await decideItem(deps, input);
        return { ok: true, item: res.item, targets: [...new Set(res.intents.map((i) => i.target))] };
      } catch (err) {
        if (err instanceof ReviewError) return { ok: false, refusal: { status: err.status, message: err.message } };
        throw err;
      }
    },
  };
}

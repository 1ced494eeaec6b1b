// Index plan: a sorted list of candidate ids that contains every entry the filter can match, or null
// when no index helps (the caller then walks the scope). Candidates are always re-checked by the
// evaluator, so a plan may be generous but never too narrow.
import type { DirFilter } from '../contract';
import { IN_CHAIN, type EvalContext } from '../filter/evaluate';
import { attributeType } from '../schema/attributes';
import { normalizeDN } from '../schema/dn';
import { normalizeValue, prepCaseIgnore } from '../schema/matching';
import { unionSorted } from './cow-map';
import { BASE_ID, GROUPS_OU_ID, PEOPLE_OU_ID, personId, SERVICES_OU_ID, type GroupRec, type Rec } from './records';
import { ancestorGroups, descendantGroups } from './group-graph';
import type { ViewState } from './state';

const PERSON_CLASSES = new Set(['person', 'organizationalperson', 'inetorgperson', 'posixaccount', 'shadowaccount']);
const GROUP_CLASSES = new Set(['groupofnames', 'posixgroup']);

export function planCandidates(s: ViewState, f: DirFilter, ctx: EvalContext<Rec>): readonly number[] | null {
  switch (f.type) {
    case 'false':
      return [];
    case 'eq':
      return equalityCandidates(s, f.attr, f.value);
    case 'and': {
      // Intersection by re-evaluation: the smallest candidate list wins, the matcher does the rest.
      let best: readonly number[] | null = null;
      for (const c of f.filters) {
        const r = planCandidates(s, c, ctx);
        if (r && (!best || r.length < best.length)) best = r;
        if (best?.length === 0) break;
      }
      return best;
    }
    case 'or': {
      const lists: (readonly number[])[] = [];
      for (const c of f.filters) {
        const r = planCandidates(s, c, ctx);
        if (!r) return null;
        lists.push(r);
      }
      return unionSorted(lists);
    }
    case 'ext':
      return f.rule === IN_CHAIN && f.attr ? inChainCandidates(s, f.attr, f.value) : null;
    default:
      return null;
  }
}

const one = (id: number | undefined): number[] => (id === undefined ? [] : [id]);

function equalityCandidates(s: ViewState, attr: string, value: string): readonly number[] | null {
  const type = attributeType(attr);
  if (!type) return null;
  const key = type.name.toLowerCase();
  const v = prepCaseIgnore(value);
  switch (key) {
    case 'objectclass':
      return objectClassCandidates(s, v);
    case 'uid':
    case 'samaccountname':
      return one(s.uid.get(v));
    case 'userprincipalname': {
      const at = v.lastIndexOf('@');
      return at < 0 ? [] : one(s.uid.get(v.slice(0, at)));
    }
    case 'cn':
      return s.cn.get(v) ?? [];
    case 'mail':
      return s.mail.get(v) ?? [];
    case 'employeenumber':
      return one(s.employee.get(v));
    case 'uidnumber': {
      const n = normalizeValue(type, value);
      return n === null || !s.recs.has(personId(Number(n))) ? [] : [personId(Number(n))];
    }
    case 'gidnumber':
      return gidCandidates(s, normalizeValue(type, value));
    case 'memberuid': {
      const person = recById(s, s.uid.get(v));
      return person?.kind === 'person' ? person.groupIds : [];
    }
    case 'member': {
      const rec = recByDn(s, value);
      return rec?.kind === 'person' ? rec.groupIds : rec?.kind === 'group' ? rec.parentIds : [];
    }
    case 'memberof': {
      const rec = recByDn(s, value);
      return rec?.kind === 'group' ? unionSorted([rec.memberIds, rec.nestedIds]) : [];
    }
    case 'manager': {
      const rec = recByDn(s, value);
      return rec?.kind === 'person' && rec.employeeId ? (s.reports.get(prepCaseIgnore(rec.employeeId)) ?? []) : [];
    }
    case 'entrydn':
      return one(s.byDn.get(normalizeDN(value) ?? ''));
    case 'entryuuid': {
      const id = s.byIdentity.get(v);
      return id === undefined ? null : [id];
    }
    default:
      return null;
  }
}

function objectClassCandidates(s: ViewState, v: string): readonly number[] | null {
  if (PERSON_CLASSES.has(v)) return s.people;
  if (GROUP_CLASSES.has(v)) return s.groups;
  if (v === 'applicationprocess') return s.services;
  if (v === 'organizationalunit') return [PEOPLE_OU_ID, GROUPS_OU_ID, SERVICES_OU_ID];
  if (v === 'organization' || v === 'dcobject') return [BASE_ID];
  return null; // 'top', OIDs, anything else: walk the scope
}

function gidCandidates(s: ViewState, n: string | null): readonly number[] {
  if (n === null) return [];
  const group = s.groupByGid.get(Number(n));
  if (group === undefined) return [];
  // People carry the primary group's gidNumber; people ids sort before group ids.
  return group === s.primaryGroupId ? [...s.people, group] : [group];
}

function recById(s: ViewState, id: number | undefined): Rec | undefined {
  return id === undefined ? undefined : s.recs.get(id);
}

function recByDn(s: ViewState, dn: string): Rec | undefined {
  const ndn = normalizeDN(dn);
  return ndn === null ? undefined : recById(s, s.byDn.get(ndn));
}

function inChainCandidates(s: ViewState, attr: string, value: string): readonly number[] | null {
  const key = attributeType(attr)?.name.toLowerCase();
  const target = recByDn(s, value);
  if (key === 'memberof') {
    if (target?.kind !== 'group') return [];
    // The target itself stays a candidate: in a cycle it is nested in itself (the evaluator decides).
    const groups = [...descendantGroups(s, target.id)].sort((a, b) => a - b);
    return unionSorted([...groups.map((g) => (s.recs.get(g) as GroupRec).memberIds), groups]);
  }
  if (key === 'member') {
    if (!target) return [];
    return [...ancestorGroups(s, target.id)].sort((a, b) => a - b);
  }
  return null;
}

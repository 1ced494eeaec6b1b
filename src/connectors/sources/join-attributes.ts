// Whether each `{ attribute }` join rule of a source section names an attribute that source can
// have. Needs the whole section (the attribute may be one the section maps itself), so it runs
// beside the kind's schema, on the raw section, and its problems are reported with the schema's.
import { resolveJoinRule } from '../../domain/join-rules';
import { CANONICAL_ATTRIBUTES } from '../../domain/types';
import { DEFAULT_COLUMNS } from './csv/columns';
import { attributeMapping } from './entra/users';
import { defaultAttributes } from './google/mapping';
import { mappingOf } from './ldap/defaults';
import { DEFAULT_OKTA_ATTRIBUTES } from './okta/connector';
import type { SourceConfig, SourceConfigIssue } from './registry';

/** Where a section names the attributes it adds: entra/okta/google/ldap `attributes`, csv `columns`. */
const MAPPING_KEYS = ['attributes', 'columns'] as const;

export function joinAttributeIssues(section: Record<string, unknown>): SourceConfigIssue[] {
  if (!Array.isArray(section.join)) return [];
  const known = knownAttributes(section);
  const issues: SourceConfigIssue[] = [];
  section.join.forEach((rule: unknown, i: number) => {
    const attribute = rule && typeof rule === 'object' ? (rule as { attribute?: unknown }).attribute : undefined;
    if (typeof attribute !== 'string' || attribute === '' || known.has(attribute)) return;
    issues.push({ path: ['join', i, 'attribute'], message: `unknown attribute "${attribute}"; known: ${[...known].join(', ')} (or map it under ${mappingKeyOf(section)})` });
  });
  return issues;
}

function knownAttributes(section: Record<string, unknown>): Set<string> {
  const known = new Set<string>(CANONICAL_ATTRIBUTES);
  for (const key of MAPPING_KEYS) {
    const mapping = section[key];
    if (mapping && typeof mapping === 'object' && !Array.isArray(mapping)) for (const name of Object.keys(mapping)) known.add(name);
  }
  // a fake source's records carry whatever keys they are written with
  if (section.kind === 'fake' && Array.isArray(section.records)) {
    for (const record of section.records) if (record && typeof record === 'object') for (const name of Object.keys(record)) known.add(name);
  }
  return known;
}

function mappingKeyOf(section: Record<string, unknown>): string {
  return section.kind === 'csv' ? 'columns' : 'attributes';
}

/** The schema's problems with the join attribute ones among them, in join entry order. */
export function withJoinAttributeIssues(schemaIssues: SourceConfigIssue[], joinIssues: SourceConfigIssue[]): SourceConfigIssue[] {
  const out = [...schemaIssues];
  for (const issue of joinIssues) {
    const entry = issue.path[1] as number;
    const isJoin = (o: SourceConfigIssue) => o.path[0] === 'join' && typeof o.path[1] === 'number';
    let at = out.findIndex((o) => isJoin(o) && (o.path[1] as number) > entry);
    if (at < 0) {
      at = out.length;
      for (let i = out.length - 1; i >= 0; i--) if (isJoin(out[i])) { at = i + 1; break; }
    }
    out.splice(at, 0, issue);
  }
  return out;
}

/** Join attributes a kind may simply not fill: a rule on one it does not map never matches. */
const OPTIONAL_JOIN_ATTRIBUTES = ['upn', 'login'];

/**
 * For `config check`: join rules on `upn` or `login` in a source that does not map that attribute
 * (by default or under `attributes:`/`columns:`), each with where to map it.
 */
export function unmappedJoinRules(cfg: SourceConfig): SourceConfigIssue[] {
  const mapped = mappedAttributes(cfg);
  if (!mapped) return [];
  const out: SourceConfigIssue[] = [];
  cfg.join.forEach((spec, i) => {
    const { attribute } = resolveJoinRule(spec);
    if (!OPTIONAL_JOIN_ATTRIBUTES.includes(attribute) || mapped.has(attribute)) return;
    const where = cfg.kind === 'csv' ? `columns: { ${attribute}: <header> }` : `attributes: { ${attribute}: <${cfg.kind} attribute> }`;
    out.push({ path: ['join', i], message: `source "${cfg.name}" maps no ${attribute} attribute (kind ${cfg.kind} maps none by default), so this rule never matches; map it with ${where}` });
  });
  return out;
}

/** The attributes a source's records carry, by its kind's default mapping and its overrides; null: any. */
function mappedAttributes(cfg: SourceConfig): Set<string> | null {
  const present = (mapping: Record<string, string | null>) => new Set(Object.keys(mapping).filter((k) => mapping[k] !== null));
  switch (cfg.kind) {
    case 'csv':
      return present({ ...DEFAULT_COLUMNS, ...cfg.columns });
    case 'entra':
      return present(attributeMapping(cfg.attributes));
    case 'okta':
      return present({ ...DEFAULT_OKTA_ATTRIBUTES, ...cfg.attributes });
    case 'google':
      // google maps by code, not a table: the keys of a mapped empty user are its defaults
      return present({ ...Object.fromEntries(Object.keys(defaultAttributes({}, false)).map((k) => [k, k])), ...cfg.attributes });
    case 'ldap':
      return present(mappingOf(cfg));
    default:
      return null;
  }
}

// Okta's filter expressions as the Management API evaluates them for list calls:
// `attr op "value"` clauses (eq, gt, ge, lt, le, sw) joined by `and` / `or`, with parentheses,
// e.g. `type eq "OKTA_GROUP" and (lastUpdated gt "..." or lastMembershipUpdated gt "...")`.
// A malformed expression throws, which the fake answers 400 E0000031 as Okta does.

type Node = { op: 'and' | 'or'; left: Node; right: Node } | { attr: string; cmp: string; value: string | number | boolean };

const TOKEN = /\s*(\(|\)|"(?:[^"\\]|\\.)*"|[^\s()"]+)/y;

function tokenize(filter: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < filter.length && (m = TOKEN.exec(filter))) out.push(m[1]);
  if (filter.slice(TOKEN.lastIndex).trim() !== '') throw new Error(`cannot read the filter at "${filter.slice(TOKEN.lastIndex)}"`);
  return out;
}

export function parseOktaFilter(filter: string): Node {
  const tokens = tokenize(filter);
  let i = 0;
  const expr = (): Node => {
    let left = term();
    while (tokens[i]?.toLowerCase() === 'or') {
      i++;
      left = { op: 'or', left, right: term() };
    }
    return left;
  };
  const term = (): Node => {
    let left = factor();
    while (tokens[i]?.toLowerCase() === 'and') {
      i++;
      left = { op: 'and', left, right: factor() };
    }
    return left;
  };
  const factor = (): Node => {
    if (tokens[i] === '(') {
      i++;
      const inner = expr();
      if (tokens[i++] !== ')') throw new Error('a "(" is not closed');
      return inner;
    }
    const [attr, cmp, raw] = [tokens[i++], tokens[i++]?.toLowerCase(), tokens[i++]];
    if (!attr || !['eq', 'gt', 'ge', 'lt', 'le', 'sw'].includes(cmp ?? '') || raw === undefined) throw new Error(`not a clause: ${attr} ${cmp} ${raw}`);
    return { attr, cmp: cmp!, value: literal(raw) };
  };
  const tree = expr();
  if (i !== tokens.length) throw new Error(`unexpected "${tokens[i]}"`);
  return tree;
}

function literal(raw: string): string | number | boolean {
  if (raw.startsWith('"')) return JSON.parse(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  throw new Error(`not a value: ${raw}`);
}

export function matchesOktaFilter(node: Node, resource: unknown): boolean {
  if ('op' in node) return node.op === 'and' ? matchesOktaFilter(node.left, resource) && matchesOktaFilter(node.right, resource) : matchesOktaFilter(node.left, resource) || matchesOktaFilter(node.right, resource);
  const actual = node.attr.split('.').reduce((v: any, k) => (v == null ? undefined : v[k]), resource);
  if (actual === undefined || actual === null) return false;
  const a = typeof node.value === 'string' ? String(actual) : actual;
  switch (node.cmp) {
    case 'eq': return a === node.value;
    case 'gt': return a > node.value;
    case 'ge': return a >= node.value;
    case 'lt': return a < node.value;
    case 'le': return a <= node.value;
    default: return String(a).startsWith(String(node.value));
  }
}

// SCIM filters (RFC 7644 §3.4.2.2): attribute names and operators case-insensitive, string
// comparisons case-insensitive unless the attribute is case-exact (id, externalId, member values).
// Parsed strictly: anything outside the grammar is a 400 invalidFilter naming where it went wrong.
import { ScimError } from './errors';
import { valuesAt, type AttrPath, parseAttrPath } from './paths';

export type Filter =
  | { op: 'and' | 'or'; left: Filter; right: Filter }
  | { op: 'not'; filter: Filter }
  | { op: 'pr'; path: AttrPath }
  | { op: CompareOp; path: AttrPath; value: string | number | boolean | null }
  | { op: 'value'; path: AttrPath; filter: Filter };

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const MAX_FILTER_LENGTH = 4096;
const MAX_DEPTH = 16;

type Token = { kind: 'word' | 'string' | 'number' | 'punct'; text: string; value?: unknown; at: number };

export function invalidFilter(detail: string): ScimError {
  return new ScimError(400, detail, 'invalidFilter');
}

export function parseFilter(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw invalidFilter(`filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const parser = new Parser(tokenize(text));
  const filter = parser.expression(0);
  parser.end();
  return filter;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if ('()[]'.includes(c)) {
      out.push({ kind: 'punct', text: c, at: i++ });
    } else if (c === '"') {
      const end = stringEnd(text, i);
      const raw = text.slice(i, end + 1);
      out.push({ kind: 'string', text: raw, value: parseJsonString(raw, i), at: i });
      i = end + 1;
    } else {
      const m = /^[^\s()[\]"]+/.exec(text.slice(i))!;
      const word = m[0];
      const isNumber = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(word);
      out.push({ kind: isNumber ? 'number' : 'word', text: word, value: isNumber ? Number(word) : undefined, at: i });
      i += word.length;
    }
  }
  return out;
}

function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j;
  }
  throw invalidFilter(`unterminated string starting at character ${start + 1}`);
}

function parseJsonString(raw: string, at: number): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    throw invalidFilter(`bad escape in the string at character ${at + 1}`);
  }
}

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  end(): void {
    const t = this.tokens[this.i];
    if (t) throw invalidFilter(`unexpected "${t.text}" at character ${t.at + 1}`);
  }

  /** or-expression: and-terms joined by "or" (and binds tighter, as the RFC says) */
  expression(depth: number): Filter {
    if (depth > MAX_DEPTH) throw invalidFilter(`filter nests deeper than ${MAX_DEPTH} levels`);
    let left = this.conjunction(depth);
    while (this.keyword('or')) left = { op: 'or', left, right: this.conjunction(depth) };
    return left;
  }

  private conjunction(depth: number): Filter {
    let left = this.term(depth);
    while (this.keyword('and')) left = { op: 'and', left, right: this.term(depth) };
    return left;
  }

  private term(depth: number): Filter {
    if (this.keyword('not')) {
      this.expect('(');
      const filter = this.expression(depth + 1);
      this.expect(')');
      return { op: 'not', filter };
    }
    if (this.peek('(')) {
      this.i++;
      const inner = this.expression(depth + 1);
      this.expect(')');
      return inner;
    }
    return this.attributeExpression(depth);
  }

  private attributeExpression(depth: number): Filter {
    const t = this.next('an attribute name');
    if (t.kind !== 'word') throw invalidFilter(`expected an attribute name at character ${t.at + 1}, found "${t.text}"`);
    const path = parsePathOrThrow(t);
    if (this.peek('[')) {
      this.i++;
      const filter = this.expression(depth + 1);
      this.expect(']');
      return { op: 'value', path, filter };
    }
    const opToken = this.next(`an operator after "${t.text}"`);
    const op = opToken.text.toLowerCase();
    if (op === 'pr') return { op: 'pr', path };
    if (opToken.kind !== 'word' || !COMPARE_OPS.has(op)) {
      throw invalidFilter(`"${opToken.text}" at character ${opToken.at + 1} is not an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)`);
    }
    return { op: op as CompareOp, path, value: this.compareValue() };
  }

  private compareValue(): string | number | boolean | null {
    const t = this.next('a value');
    if (t.kind === 'string' || t.kind === 'number') return t.value as string | number;
    const word = t.text.toLowerCase();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    throw invalidFilter(`expected a quoted string, number, true, false or null at character ${t.at + 1}, found "${t.text}"`);
  }

  private keyword(word: string): boolean {
    const t = this.tokens[this.i];
    if (t?.kind === 'word' && t.text.toLowerCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  private peek(punct: string): boolean {
    const t = this.tokens[this.i];
    return t?.kind === 'punct' && t.text === punct;
  }

  private expect(punct: string): void {
    const t = this.next(`"${punct}"`);
    if (t.kind !== 'punct' || t.text !== punct) throw invalidFilter(`expected "${punct}" at character ${t.at + 1}, found "${t.text}"`);
  }

  private next(what: string): Token {
    const t = this.tokens[this.i++];
    if (!t) throw invalidFilter(`filter ends where ${what} was expected`);
    return t;
  }
}

function parsePathOrThrow(t: Token): AttrPath {
  const path = parseAttrPath(t.text);
  if (!path) throw invalidFilter(`"${t.text}" at character ${t.at + 1} is not an attribute path`);
  return path;
}

const CASE_EXACT = new Set(['id', 'externalid', 'value']);

/** Whether a resource (or one element of a multi-valued attribute) matches. */
export function matches(filter: Filter, resource: Record<string, unknown>): boolean {
  switch (filter.op) {
    case 'and':
      return matches(filter.left, resource) && matches(filter.right, resource);
    case 'or':
      return matches(filter.left, resource) || matches(filter.right, resource);
    case 'not':
      return !matches(filter.filter, resource);
    case 'pr':
      return valuesAt(resource, filter.path).some((v) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0));
    case 'value':
      return valuesAt(resource, filter.path).some((el) => !!el && typeof el === 'object' && matches(filter.filter, el as Record<string, unknown>));
    default:
      return valuesAt(resource, filter.path).some((v) => compare(filter.op as CompareOp, v, filter.value, caseExact(filter.path)));
  }
}

function caseExact(path: AttrPath): boolean {
  const last = (path.sub ?? path.name).toLowerCase();
  // members.value and manager.value name resources by id; "value" of emails is an address
  if (last === 'value') return path.name.toLowerCase() === 'members' || path.name.toLowerCase() === 'manager' || !path.sub;
  return CASE_EXACT.has(last);
}

function compare(op: CompareOp, actual: unknown, expected: string | number | boolean | null, exact: boolean): boolean {
  if (expected === null) return op === 'eq' ? actual == null : op === 'ne' ? actual != null : false;
  if (actual === null || actual === undefined || typeof actual === 'object') return op === 'ne';
  if (typeof expected === 'boolean') {
    const b = typeof actual === 'boolean' ? actual : String(actual).toLowerCase() === 'true';
    return op === 'eq' ? b === expected : op === 'ne' ? b !== expected : false;
  }
  const a = exact ? String(actual) : String(actual).toLowerCase();
  const e = exact ? String(expected) : String(expected).toLowerCase();
  switch (op) {
    case 'eq': return a === e;
    case 'ne': return a !== e;
    case 'co': return a.includes(e);
    case 'sw': return a.startsWith(e);
    case 'ew': return a.endsWith(e);
    case 'gt': return a > e;
    case 'ge': return a >= e;
    case 'lt': return a < e;
    case 'le': return a <= e;
  }
}

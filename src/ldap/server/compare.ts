// The Compare operation (RFC 4511 4.10): does an entry hold a value, by the attribute's equality
// matching rule? Apache's `Require ldap-group` and ldapcompare use it. A client may compare only
// what it could read with a search: the rootDSE and subschema entry always, the tree once bound
// (or anonymously when `ldap.anonymous: read`).
import { normalizeDN } from '../auth/dn';
import type { AssertionOutcome } from '../contract';
import { evaluateAssertion, renderedEntryContext } from '../filter/assertion';
import { BerError, children, readString, type Envelope } from './ber-read';
import { OP } from './ber-write';
import type { LdapConnection, OpContext } from './connection';
import { rootDse, SUBSCHEMA_DN } from './root-dse';

interface CompareRequest {
  dn: string;
  attribute: string;
  value: string;
}

const CODES: Record<AssertionOutcome, number> = {
  true: 6,
  false: 5,
  noSuchAttribute: 16,
  undefinedAttributeType: 17,
  inappropriateMatching: 18,
  invalidAttributeSyntax: 21,
  noSuchObject: 32,
  invalidDNSyntax: 34,
};

const MESSAGES: Partial<Record<AssertionOutcome, string>> = {
  noSuchAttribute: 'the entry has no such attribute',
  undefinedAttributeType: 'attribute type is not defined in the schema',
  inappropriateMatching: 'attribute has no equality matching rule',
  invalidAttributeSyntax: 'assertion value is not valid for the attribute syntax',
  noSuchObject: 'no such object',
  invalidDNSyntax: 'entry name is not a valid DN',
};

/** Log fields are cut short: a client chooses them, and a log line must stay a line. */
const LOGGED_CHARS = 256;
const clip = (s: string | undefined): string | undefined => (s && s.length > LOGGED_CHARS ? `${s.slice(0, LOGGED_CHARS)}...` : s);

/** CompareRequest ::= [APPLICATION 14] SEQUENCE { entry LDAPDN, ava SEQUENCE { attributeDesc, assertionValue } } */
export function parseCompare(pdu: Buffer, env: Envelope): CompareRequest {
  const fields = children(pdu, env.op);
  if (fields.length !== 2 || fields[0].tag !== 0x04 || fields[1].tag !== 0x30) {
    throw new BerError('a compare request is an entry name and an attribute value assertion');
  }
  const ava = children(pdu, fields[1]);
  if (ava.length !== 2 || ava[0].tag !== 0x04 || ava[1].tag !== 0x04) {
    throw new BerError('an attribute value assertion is an attribute description and a value');
  }
  const attribute = readString(pdu, ava[0]);
  if (attribute === '') throw new BerError('empty attribute description');
  return { dn: readString(pdu, fields[0]), attribute, value: readString(pdu, ava[1]) };
}

export async function handleCompare(conn: LdapConnection, ctx: OpContext, pdu: Buffer, env: Envelope): Promise<void> {
  const parsed = tryParse(pdu, env);
  const req = parsed instanceof Error ? null : parsed;
  // Anything runCompare throws is ours, not the client's: the dispatcher answers it with 80.
  const { code, message } = req ? answerOf(runCompare(conn, req)) : { code: 2, message: `malformed compare request: ${(parsed as Error).message}` };
  if (!ctx.abandoned) conn.respond(ctx.messageId, OP.compareResponse, { code, message });
  ctx.log.info(
    {
      req: ctx.requestId,
      op: 'compare',
      msgid: ctx.messageId,
      bindDN: conn.session?.dn ?? '',
      dn: clip(req?.dn),
      attribute: clip(req?.attribute),
      code: ctx.abandoned ? 'abandoned' : code,
      ms: +(performance.now() - ctx.startedAt).toFixed(2),
    },
    'compare',
  );
}

function tryParse(pdu: Buffer, env: Envelope): CompareRequest | Error {
  try {
    return parseCompare(pdu, env);
  } catch (err) {
    return err as Error;
  }
}

function answerOf(outcome: AssertionOutcome | 50): { code: number; message: string } {
  if (outcome === 50) return { code: 50, message: 'bind first: anonymous sessions may read only the rootDSE' };
  return { code: CODES[outcome], message: MESSAGES[outcome] ?? '' };
}

/** The outcome, or 50 when the session may not read the tree (the same refusal a search gets). */
function runCompare(conn: LdapConnection, req: CompareRequest): AssertionOutcome | 50 {
  const { config, view } = conn.deps;
  const snapshot = view.current();
  conn.recheckSession(snapshot);
  const ndn = normalizeDN(req.dn);
  if (ndn === '') {
    const startTls = !!conn.deps.tlsContext() && config.tls?.startTls !== false && !conn.secure;
    return evaluateAssertion(renderedEntryContext, rootDse(config.baseDN, startTls, conn.deps.vendorVersion), req.attribute, req.value);
  }
  if (ndn === SUBSCHEMA_DN.toLowerCase()) return snapshot.compare(req.dn, req.attribute, req.value);
  if (!conn.session && config.anonymous !== 'read') return 50;
  return snapshot.compare(req.dn, req.attribute, req.value);
}

import { isIP } from 'node:net';
import { children, readInt, readString, type Envelope } from './ber-read';
import { OP } from './ber-write';
import type { LdapConnection, OpContext } from './connection';
import { boundedText } from './log-text';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export function isLoopback(address: string): boolean {
  return isIP(address) !== 0 && LOOPBACK.test(address);
}

interface BindRequest {
  version: number;
  name: string;
  /** null for SASL */
  password: string | null;
}

function parseBind(pdu: Buffer, env: Envelope): BindRequest {
  const [v, n, auth] = children(pdu, env.op);
  if (!v || !n || !auth) throw new Error('bind request is missing fields');
  return {
    version: readInt(pdu, v),
    name: readString(pdu, n),
    password: auth.tag === 0x80 ? readString(pdu, auth) : null,
  };
}

/** Simple binds only; SASL answers authMethodNotSupported (7) and the connection stays usable. */
export async function handleBind(conn: LdapConnection, ctx: OpContext, pdu: Buffer, env: Envelope): Promise<void> {
  let req: BindRequest;
  try {
    req = parseBind(pdu, env);
  } catch (err) {
    return finish(conn, ctx, '', 2, (err as Error).message);
  }
  // RFC 4513 4: a bind request first drops whatever authorization the connection had.
  conn.session = null;
  if (req.version !== 3) return finish(conn, ctx, req.name, 2, 'only LDAPv3 is supported');
  if (req.password === null) return finish(conn, ctx, req.name, 7, 'SASL is not supported; use a simple bind');
  if (req.name === '' && req.password === '') return finish(conn, ctx, '', 0, '');
  if (req.name === '') return finish(conn, ctx, '', 49, 'invalid credentials');
  const { config } = conn.deps;
  if (!conn.secure && !config.allowCleartextBinds && !isLoopback(conn.address)) {
    return finish(conn, ctx, req.name, 13, 'simple bind over a cleartext connection; use LDAPS or StartTLS');
  }
  const outcome = await conn.deps.auth.authenticate({
    dn: req.name,
    password: req.password,
    address: conn.address,
    snapshot: conn.deps.view.current(),
  });
  if (ctx.abandoned && conn.isClosed) return;
  if (outcome.ok) {
    conn.session = { dn: outcome.dn, ndn: outcome.ndn, subject: outcome.subject };
    return finish(conn, ctx, req.name, 0, '');
  }
  return finish(conn, ctx, req.name, outcome.code, outcome.message, outcome.reason);
}

function finish(conn: LdapConnection, ctx: OpContext, dn: string, code: number, msg: string, reason?: string): void {
  conn.respond(ctx.messageId, OP.bindResponse, { code, message: msg });
  if (code === 0) conn.noteBindSucceeded();
  ctx.log.info(
    { req: ctx.requestId, op: 'bind', msgid: ctx.messageId, bindDN: boundedText(dn), code, reason, ms: +(performance.now() - ctx.startedAt).toFixed(2) },
    'bind',
  );
}

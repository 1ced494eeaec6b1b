import { children, readString, type Envelope } from './ber-read';
import { OP } from './ber-write';
import type { LdapConnection, OpContext } from './connection';
import { boundedText } from './log-text';
import { OID } from './root-dse';

/** Who am I?, StartTLS; every other extended operation (password modify included) is refused with 53. */
export async function handleExtended(conn: LdapConnection, ctx: OpContext, pdu: Buffer, env: Envelope): Promise<void> {
  const fields = children(pdu, env.op);
  const nameField = fields.find((f) => f.tag === 0x80);
  const name = nameField ? readString(pdu, nameField) : '';
  const done = (code: number, message: string, responseValue?: Buffer, responseName?: string): void => {
    conn.respond(ctx.messageId, OP.extendedResponse, { code, message, responseValue, responseName });
    ctx.log.info(
      { req: ctx.requestId, op: 'extended', name: boundedText(name), msgid: ctx.messageId, bindDN: conn.session?.dn ?? '', code, ms: +(performance.now() - ctx.startedAt).toFixed(2) },
      'extended',
    );
  };
  if (name === OID.whoAmI) {
    return done(0, '', Buffer.from(conn.session ? `dn:${conn.session.dn}` : '', 'utf8'));
  }
  if (name === OID.startTls) {
    const context = conn.deps.config.tls?.startTls === false ? null : conn.deps.tlsContext();
    if (!context) return done(52, 'StartTLS is not configured');
    if (conn.secure) return done(1, 'TLS is already established');
    done(0, '', undefined, OID.startTls);
    conn.upgradeToTls(context);
    return;
  }
  if (name === OID.passwordModify) return done(53, 'passwords are managed by idsync, not over LDAP');
  return done(53, `extended operation ${boundedText(name) || '(none)'} is not supported`);
}

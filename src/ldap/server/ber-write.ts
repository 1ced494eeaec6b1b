// Minimal BER encoder for the responses idsync sends. Hand-rolled instead of ldapjs's message
// objects because search entries are the hot path: one Buffer per entry, no intermediate objects.
import { encodeSearchEntry, intContentLength, putHeader, putInt, tlvSize } from '../ber/entry-writer';

export function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  if (n < 0x10000) return Buffer.from([0x82, n >> 8, n & 0xff]);
  if (n < 0x1000000) return Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.from([0x84, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

export function tlv(tag: number, content: Buffer | Buffer[]): Buffer {
  const body = Array.isArray(content) ? Buffer.concat(content) : content;
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const octets = (s: string | Buffer, tag = 0x04): Buffer => tlv(tag, Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));

export function integer(n: number, tag = 0x02): Buffer {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}

export const enumerated = (n: number): Buffer => integer(n, 0x0a);
export const boolean = (b: boolean): Buffer => tlv(0x01, Buffer.from([b ? 0xff : 0]));

export interface ResponseControl {
  oid: string;
  critical?: boolean;
  value?: Buffer;
}

function controlsBlock(controls: ResponseControl[]): Buffer[] {
  if (controls.length === 0) return [];
  const encoded = controls.map((c) =>
    tlv(0x30, [octets(c.oid), ...(c.critical ? [boolean(true)] : []), ...(c.value ? [octets(c.value)] : [])]),
  );
  return [tlv(0xa0, encoded)];
}

/** LDAPMessage ::= SEQUENCE { messageID, protocolOp, controls [0] OPTIONAL } */
export function message(messageId: number, protocolOp: Buffer, controls: ResponseControl[] = []): Buffer {
  return tlv(0x30, [integer(messageId), protocolOp, ...controlsBlock(controls)]);
}

export const OP = {
  bindResponse: 0x61,
  searchEntry: 0x64,
  searchDone: 0x65,
  modifyResponse: 0x67,
  addResponse: 0x69,
  delResponse: 0x6b,
  modDnResponse: 0x6d,
  compareResponse: 0x6f,
  extendedResponse: 0x78,
} as const;

/** Response op tag for each request op tag (the ones that get a response at all). */
export const RESPONSE_OP: Record<number, number> = {
  0x60: OP.bindResponse,
  0x63: OP.searchDone,
  0x66: OP.modifyResponse,
  0x68: OP.addResponse,
  0x4a: OP.delResponse,
  0x6c: OP.modDnResponse,
  0x6e: OP.compareResponse,
  0x77: OP.extendedResponse,
};

export interface ResultFields {
  code: number;
  matchedDN?: string;
  message?: string;
  /** extended response name [10] and value [11] */
  responseName?: string;
  responseValue?: Buffer;
}

export function result(messageId: number, op: number, r: ResultFields, controls: ResponseControl[] = []): Buffer {
  if (controls.length === 0 && r.responseName === undefined && r.responseValue === undefined && r.code >= 0 && r.code < 0x80) {
    return plainResult(messageId, op, r.code, r.matchedDN ?? '', r.message ?? '');
  }
  const parts = [enumerated(r.code), octets(r.matchedDN ?? ''), octets(r.message ?? '')];
  if (r.responseName !== undefined) parts.push(octets(r.responseName, 0x8a));
  if (r.responseValue !== undefined) parts.push(octets(r.responseValue, 0x8b));
  return message(messageId, tlv(op, parts), controls);
}

/** SearchResultEntry in one allocation (see src/ldap/ber/entry-writer.ts). */
export function searchEntry(messageId: number, dn: string, attrs: { name: string; values: string[] }[]): Buffer {
  return encodeSearchEntry(messageId, dn, attrs);
}

/** RFC 2696 realSearchControlValue ::= SEQUENCE { size INTEGER, cookie OCTET STRING } */
export function pagedControlValue(size: number, cookie: Buffer): Buffer {
  return tlv(0x30, [integer(size), octets(cookie)]);
}

/** LDAPResult without controls or extended fields (every searchDone and bind answer), in one allocation. */
function plainResult(messageId: number, op: number, code: number, matchedDN: string, msg: string): Buffer {
  const dnLen = Buffer.byteLength(matchedDN, 'utf8');
  const msgLen = Buffer.byteLength(msg, 'utf8');
  const opLen = 3 + tlvSize(dnLen) + tlvSize(msgLen);
  const total = 2 + intContentLength(messageId) + tlvSize(opLen);
  const buf = Buffer.allocUnsafe(tlvSize(total));
  let at = putHeader(buf, 0, 0x30, total);
  at = putInt(buf, at, messageId);
  at = putHeader(buf, at, op, opLen);
  buf[at++] = 0x0a;
  buf[at++] = 1;
  buf[at++] = code;
  at = putHeader(buf, at, 0x04, dnLen);
  at += buf.write(matchedDN, at, 'utf8');
  at = putHeader(buf, at, 0x04, msgLen);
  buf.write(msg, at, 'utf8');
  return buf;
}

// The guard's BER framing and the hand-rolled response encoder, checked against ldapjs's own codec.
import { BerError, checkStructure, readEnvelope } from '../../src/ldap/server/ber-read';
import { octets, searchEntry, tlv } from '../../src/ldap/server/ber-write';
import { PduFramer } from '../../src/ldap/server/framer';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const messages = require('@ldapjs/messages');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BerReader } = require('@ldapjs/asn1');

describe('searchEntry encoder', () => {
  it('produces what ldapjs decodes to the same entry, including multi-byte lengths and UTF-8', () => {
    const attrs = [
      { name: 'cn', values: ['Zoë Müller'] },
      { name: 'memberOf', values: Array.from({ length: 300 }, (_, i) => `cn=group-${i},ou=groups,dc=example,dc=com`) },
      { name: 'description', values: ['x'.repeat(70000)] },
      { name: 'empty', values: [] },
    ];
    const pdu = searchEntry(300, 'uid=zoe,ou=people,dc=example,dc=com', attrs);
    const parsed = messages.LdapMessage.parse(new BerReader(pdu));
    expect(parsed.messageId).toBe(300);
    expect(parsed.objectName.toString()).toBe('uid=zoe,ou=people,dc=example,dc=com');
    const byName = Object.fromEntries(parsed.attributes.map((a: { type: string; values: string[] }) => [a.type, a.values]));
    expect(byName.cn).toEqual(['Zoë Müller']);
    expect(byName.memberOf).toHaveLength(300);
    expect(byName.description[0]).toHaveLength(70000);
    expect(byName.empty).toEqual([]);
  });
});

describe('PduFramer', () => {
  const cap = (n: number) => () => n;
  it('cuts PDUs split across chunks and joined in one chunk', () => {
    const a = tlv(0x30, [octets('a'.repeat(200))]);
    const b = tlv(0x30, [octets('b')]);
    const f = new PduFramer(cap(1024));
    const all = Buffer.concat([a, b]);
    const out = [...f.push(all.subarray(0, 3)), ...f.push(all.subarray(3, 150)), ...f.push(all.subarray(150))];
    expect(out.map((x) => x.toString('hex'))).toEqual([a.toString('hex'), b.toString('hex')]);
    expect(f.pendingBytes).toBe(0);
  });
  it.each([
    ['negative length', '308480000000020101'],
    ['indefinite length', '3080'],
    ['five length bytes', '30850000000001'],
    ['not a SEQUENCE', '0401ff'],
  ])('rejects %s', (_name, hex) => {
    expect(() => new PduFramer(cap(1 << 30)).push(Buffer.from(hex, 'hex'))).toThrow(BerError);
  });
  it('rejects an announced length over the cap before the body arrives', () => {
    expect(() => new PduFramer(cap(256 * 1024)).push(Buffer.from('308440000000', 'hex'))).toThrow(/exceeds the limit/);
  });
});

describe('structure checks', () => {
  it('rejects nesting deeper than the cap without recursion', () => {
    let inner: Buffer = Buffer.from('8700', 'hex');
    for (let i = 0; i < 100; i++) inner = tlv(0xa2, inner);
    expect(() => checkStructure(tlv(0x30, inner), 64)).toThrow(/nested deeper than 64/);
    expect(() => checkStructure(tlv(0x30, inner), 200)).not.toThrow();
  });
  it('rejects an inner length that overruns its container', () => {
    expect(() => checkStructure(Buffer.from('300502010104ff', 'hex'), 64)).toThrow(BerError);
  });
  it('reads controls with and without values (the ppolicy control has none)', () => {
    const ctl = tlv(0xa0, [tlv(0x30, [octets('1.3.6.1.4.1.42.2.27.8.5.1')]), tlv(0x30, [octets('1.2.3'), Buffer.from('0101ff', 'hex'), octets('v')])]);
    const env = readEnvelope(tlv(0x30, [Buffer.from('020107', 'hex'), Buffer.from('4200', 'hex'), ctl]));
    expect(env.messageId).toBe(7);
    expect(env.controls).toEqual([
      { oid: '1.3.6.1.4.1.42.2.27.8.5.1', critical: false, value: null },
      { oid: '1.2.3', critical: true, value: Buffer.from('v') },
    ]);
  });
});

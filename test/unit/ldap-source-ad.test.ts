import { accountExpiresToEndDate, formatObjectGuid, isDisabled, objectGuidFilterValue } from '../../src/connectors/sources/ldap/ad';
import { mappingOf } from '../../src/connectors/sources/ldap/defaults';
import { normDN, toRecord } from '../../src/connectors/sources/ldap/entries';
import { ldapSourceSchema } from '../../src/connectors/sources/ldap/config';

describe('ldap source: Active Directory value formats', () => {
  it('shows objectGUID as the dashed GUID with the first three groups little-endian', () => {
    // .NET Guid("00112233-4455-6677-8899-aabbccddeeff").ToByteArray()
    const bytes = Buffer.from('33221100554477668899aabbccddeeff', 'hex');
    expect(formatObjectGuid(bytes)).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(() => formatObjectGuid(Buffer.alloc(15))).toThrow(/16 bytes/);
  });

  it('turns the dashed GUID back into the escaped stored bytes for a filter', () => {
    expect(objectGuidFilterValue('00112233-4455-6677-8899-aabbccddeeff')).toBe('\\33\\22\\11\\00\\55\\44\\77\\66\\88\\99\\aa\\bb\\cc\\dd\\ee\\ff');
    expect(() => objectGuidFilterValue('uid=alice')).toThrow(/not a GUID/);
  });

  it('reads bit 2 of userAccountControl as disabled', () => {
    expect(isDisabled('512')).toBe(false);
    expect(isDisabled('514')).toBe(true);
    expect(isDisabled('66050')).toBe(true);
    expect(isDisabled('66048')).toBe(false);
    expect(isDisabled(undefined)).toBeNull();
    expect(isDisabled('x')).toBeNull();
  });

  it('converts accountExpires to the last day with access; 0 and 0x7FFFFFFFFFFFFFFF mean never', () => {
    expect(accountExpiresToEndDate('0')).toBeNull();
    expect(accountExpiresToEndDate('9223372036854775807')).toBeNull();
    expect(accountExpiresToEndDate(undefined)).toBeNull();
    // 2025-01-01T00:00:00Z, what ADUC writes for "end of 31 Dec 2024" on a UTC DC
    expect(accountExpiresToEndDate('133801632000000000')).toBe('2024-12-31');
    // 2025-01-01T05:00:00Z (a DC five hours west): still no access on 1 Jan
    expect(accountExpiresToEndDate(String(133801632000000000n + 5n * 3600n * 10000000n))).toBe('2024-12-31');
    expect(() => accountExpiresToEndDate('soon')).toThrow(/accountExpires "soon" is not a number/);
  });
});

describe('ldap source: config', () => {
  const minimal = { name: 'dir', kind: 'ldap', url: 'ldap://dc1:389', bindDN: 'cn=reader,dc=x', bindPassword: 's', baseDN: 'dc=x' };

  it('applies the documented defaults', () => {
    const cfg = ldapSourceSchema.parse(minimal);
    expect(cfg).toMatchObject({ flavor: 'openldap', pageSize: 500, fullEvery: 24, startTls: false, attributes: {} });
  });

  it('names every bad field by its path', () => {
    const r = ldapSourceSchema.safeParse({ ...minimal, bindPassword: undefined, pageSize: 5000, url: 'http://x', flavor: 'novell', extra: 1 });
    expect(r.success).toBe(false);
    const paths = r.success ? [] : r.error.issues.map((i) => i.path.join('.') || i.message);
    expect(paths).toEqual(expect.arrayContaining(['pageSize', 'url', 'flavor']));
    expect(JSON.stringify(r.error)).toMatch(/extra/);
  });
});

describe('ldap source: an AD entry becomes a record', () => {
  const cfg = ldapSourceSchema.parse({ name: 'ad', kind: 'ldap', flavor: 'ad', url: 'ldap://dc1', bindDN: 'cn=r,dc=x', bindPassword: 's', baseDN: 'dc=x' });
  const entry = (uac: string, expires: string) => ({
    dn: 'CN=Ann,OU=Staff,DC=x', objectGUID: Buffer.from('33221100554477668899aabbccddeeff', 'hex'), sAMAccountName: 'ann', givenName: 'Ann', sn: 'Lee',
    employeeID: 'E7', department: 'Ops', userAccountControl: uac, accountExpires: expires, manager: 'CN=Bob, OU=Staff,DC=x',
  });
  const resolve = (dn: string) => (normDN(dn) === normDN('cn=bob,ou=staff,dc=x') ? 'bob-guid' : undefined);

  it('takes objectGUID as the id, a disabled account as leave and accountExpires as endDate', () => {
    const r = toRecord(cfg, mappingOf(cfg), entry('514', '133801632000000000'), resolve);
    expect(r).toEqual({ ok: true, record: { externalId: '00112233-4455-6677-8899-aabbccddeeff', location: 'CN=Ann,OU=Staff,DC=x', attributes: expect.objectContaining({ login: 'ann', employeeId: 'E7', department: 'Ops', status: 'leave', endDate: '2024-12-31', manager: 'bob-guid' }) } });
    const enabled = toRecord(cfg, mappingOf(cfg), entry('512', '0'), resolve);
    expect(enabled.ok && enabled.record.attributes).toMatchObject({ status: 'active', endDate: null });
  });

  it('reports an entry without a readable userAccountControl instead of guessing its state', () => {
    expect(toRecord(cfg, mappingOf(cfg), entry('', '0'), resolve)).toEqual({ ok: false, message: 'userAccountControl is missing or not a number' });
  });
});

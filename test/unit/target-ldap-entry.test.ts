import { ldapTargetSchema } from '../../src/connectors/targets/ldap/config';
import { isActive, newEntry, toAccount, userDN } from '../../src/connectors/targets/ldap/entry';
import { desiredFor } from '../conformance/target-connector';

const ad = ldapTargetSchema.parse({
  name: 'ad',
  kind: 'ldap',
  flavor: 'ad',
  url: 'ldaps://dc1.corp.example',
  bindDN: 'CN=svc,DC=corp,DC=example',
  bindPassword: 'x',
  usersDN: 'OU=Staff,DC=corp,DC=example',
  groupsDN: 'OU=Groups,DC=corp,DC=example',
  upnSuffix: 'corp.example',
});

describe('LDAP entry mapping, AD flavour', () => {
  it('builds a user with sAMAccountName, userPrincipalName and userAccountControl', () => {
    const entry = newEntry(ad, desiredFor('ann-1'));
    expect(entry.objectClass).toEqual(['top', 'person', 'organizationalPerson', 'user']);
    expect(entry.sAMAccountName).toBe('ann-1');
    expect(entry.userPrincipalName).toBe('ann-1@corp.example');
    expect(entry.userAccountControl).toBe('512');
    expect(entry.employeeID).toBeDefined();
    expect(entry.department).toBe('Research');
    expect(newEntry(ad, desiredFor('ann-2', { active: false })).userAccountControl).toBe('514');
  });

  it('reads the ACCOUNTDISABLE bit, whatever other flags are set', () => {
    expect(isActive(ad, { dn: 'x', userAccountControl: '66050' })).toBe(false); // 65536 + 512 + 2
    expect(isActive(ad, { dn: 'x', userAccountControl: '66048' })).toBe(true);
    const account = toAccount(ad, { dn: 'CN=ann-1,OU=Staff', sAMAccountName: 'ann-1', userAccountControl: '514', title: 'Boss' }, []);
    expect(account).toMatchObject({ userName: 'ann-1', active: false, attributes: { title: 'Boss' } });
  });

  it('escapes DN special characters in the RDN', () => {
    expect(userDN(ad, 'smith, john')).toBe('CN=smith\\, john,OU=Staff,DC=corp,DC=example');
  });

  it('requires upnSuffix for AD and names the missing field', () => {
    const r = ldapTargetSchema.safeParse({ ...ad, upnSuffix: undefined });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain('upnSuffix');
  });
});

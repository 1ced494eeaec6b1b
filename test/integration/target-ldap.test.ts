import { openTarget } from '../../src/connectors/targets';
import { PermanentTargetError, RetryableTargetError, type TargetConnector } from '../../src/ports/target-connector';
import { startLdapPeer, type LdapPeer } from '../fakes/ldap-peer';
import { desiredFor } from '../conformance/target-connector';

describe('LDAP target against slapd', () => {
  let peer: LdapPeer;
  let dir: TargetConnector;
  const open = (extra: Record<string, unknown> = {}) =>
    openTarget({
      name: 'dir',
      kind: 'ldap',
      url: peer.slapd.url,
      bindDN: peer.slapd.rootDN,
      bindPassword: peer.slapd.rootPassword,
      usersDN: peer.usersDN,
      groupsDN: peer.groupsDN,
      disabledDN: peer.disabledDN,
      ...extra,
    });
  beforeAll(async () => {
    peer = await startLdapPeer();
    dir = open({ pageSize: 3 });
  });
  afterAll(async () => {
    await dir?.close?.();
    await peer?.stop();
  });

  it('creates an inetOrgPerson + posixAccount when the desired account has a uidNumber', async () => {
    const desired = desiredFor('posix-1');
    desired.attributes.uidNumber = '10042';
    await dir.create(desired);
    const [entry] = await peer.ldapsearch('(uid=posix-1)', ['objectClass', 'uidNumber', 'gidNumber', 'homeDirectory', 'employeeNumber', 'departmentNumber']);
    expect(entry.objectclass).toEqual(expect.arrayContaining(['inetOrgPerson', 'posixAccount']));
    expect(entry.uidnumber).toEqual(['10042']);
    expect(entry.gidnumber).toEqual(['20000']);
    expect(entry.homedirectory).toEqual(['/home/posix-1']);
    expect(entry.departmentnumber).toEqual(['Research']);
  });

  it('moves a disabled account to the disabled OU and keeps its group memberships pointing at it', async () => {
    const desired = desiredFor('mover-1', { groups: ['vpn'] });
    const created = await dir.create(desired);
    expect(created.externalId).toBe(`uid=mover-1,${peer.usersDN}`);
    const disabled = await dir.disable(created);
    expect(disabled.externalId).toBe(`uid=mover-1,${peer.disabledDN}`);
    const [group] = await peer.ldapsearch('(cn=vpn)', ['member']);
    expect(group.member).toEqual([disabled.externalId]);
    const back = await dir.update(disabled, desired);
    expect(back.externalId).toBe(created.externalId);
    expect(back.active).toBe(true);
    const [after] = await peer.ldapsearch('(cn=vpn)', ['member']);
    expect(after.member).toEqual([created.externalId]);
  });

  it('removing the last member of a groupOfNames deletes the group instead of failing', async () => {
    const desired = desiredFor('solo-1', { groups: ['solo-group'] });
    const created = await dir.create(desired);
    await dir.update(created, { ...desired, groups: [] });
    expect(await peer.ldapsearch('(cn=solo-group)')).toHaveLength(0);
  });

  it('lists every account through paged search (page size 3)', async () => {
    for (let i = 0; i < 7; i++) await dir.create(desiredFor(`pager-${i}`));
    const names: string[] = [];
    for await (const a of dir.list()) names.push(a.userName);
    for (let i = 0; i < 7; i++) expect(names).toContain(`pager-${i}`);
    expect(names).toContain('mover-1');
  });

  it('a schema violation is permanent, with the LDAP result in the message', async () => {
    const bad = open({ usersDN: `ou=nowhere,${peer.slapd.suffix}` });
    const err = await bad.create(desiredFor('lost-1')).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentTargetError);
    expect(err.message).toMatch(/LDAP result 32/);
    await bad.close?.();
  });

  it('wrong credentials are permanent (49)', async () => {
    const bad = open({ bindPassword: 'wrong' });
    const err = await bad.lookup('anyone', null).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentTargetError);
    expect(err.status).toBe(49);
  });

  it('an unreachable server is retryable', async () => {
    const gone = open({ url: 'ldap://127.0.0.1:1', timeoutMs: 2000 });
    const err = await gone.lookup('anyone', null).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableTargetError);
    expect(err.message).toMatch(/ECONNREFUSED|connect/i);
  });
});

describe('LDAP target: stale actual state', () => {
  it('disabling or enabling from a stale actual is harmless', async () => {
    const peer = await startLdapPeer();
    const dir = openTarget({ name: 'dir', kind: 'ldap', url: peer.slapd.url, bindDN: peer.slapd.rootDN, bindPassword: peer.slapd.rootPassword, usersDN: peer.usersDN, groupsDN: peer.groupsDN });
    try {
      const desired = desiredFor('stale-1');
      const created = await dir.create(desired);
      await dir.disable(created);
      const again = await dir.disable(created); // created still says active: true
      expect(again.active).toBe(false);
      await dir.update(again, desired);
      const back = await dir.update(again, desired); // again still says active: false
      expect(back.active).toBe(true);
    } finally {
      await dir.close?.();
      await peer.stop();
    }
  });
});

describe('LDAP target: concurrency', () => {
  it('concurrent first calls share one bind, and close() releases it so jest can exit', async () => {
    const peer = await startLdapPeer();
    const dir = openTarget({ name: 'dir', kind: 'ldap', url: peer.slapd.url, bindDN: peer.slapd.rootDN, bindPassword: peer.slapd.rootPassword, usersDN: peer.usersDN, groupsDN: peer.groupsDN });
    try {
      const created = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => dir.create(desiredFor(`conc-${i}`, { groups: ['shared'] }))));
      expect(new Set(created.map((c) => c.externalId)).size).toBe(6);
      const [group] = await peer.ldapsearch('(cn=shared)', ['member']);
      expect(group.member).toHaveLength(6);
    } finally {
      await dir.close?.();
      await peer.stop();
    }
  });
});

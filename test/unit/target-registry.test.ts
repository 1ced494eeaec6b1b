import { openTarget, targetKinds, validateTargetConfig } from '../../src/connectors/targets';

describe('target registry', () => {
  it('knows every built-in kind', () => {
    expect(targetKinds()).toEqual(expect.arrayContaining(['entra', 'ldap', 'okta', 'scim', 'webhook']));
  });

  it('accepts the minimal SCIM configuration { name, kind, url, token }', () => {
    expect(validateTargetConfig({ name: 'app', kind: 'scim', url: 'https://app.example.com/scim/v2', token: 't' }, 'targets[0]')).toEqual([]);
  });

  it('keeps engine-owned keys (queue settings) instead of rejecting them', () => {
    const cfg = { name: 'app', kind: 'scim', url: 'https://a.example/scim', token: 't', concurrency: 4, rateLimit: { max: 10 } };
    expect(validateTargetConfig(cfg, 'targets[0]')).toEqual([]);
  });

  it('reports every problem with its path', () => {
    const problems = validateTargetConfig({ name: 'app', kind: 'scim', url: 'not a url', timeoutMs: -1 }, 'targets[2]');
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^targets\[2\]\.url: /),
        expect.stringMatching(/^targets\[2\]\.timeoutMs: /),
        'targets[2].token: token (or tokenFile) is required',
      ]),
    );
  });

  it('names a missing secret: a tokenFile the loader did not resolve still counts as missing', () => {
    expect(validateTargetConfig({ name: 'app', kind: 'scim', url: 'https://a.example', tokenFile: '/x' }, 't')).toEqual([
      't.token: token (or tokenFile) is required',
    ]);
    expect(validateTargetConfig({ name: 'h', kind: 'webhook', url: 'https://h.example', secret: 'short' }, 't')).toEqual([
      't.secret: must be at least 16 characters',
    ]);
  });

  it('rejects an unknown kind and lists the known ones', () => {
    expect(validateTargetConfig({ name: 'x', kind: 'sap' }, 'targets[1]')[0]).toMatch(/^targets\[1\]\.kind: unknown target kind "sap" \(known: .*scim/);
  });

  it('openTarget throws one error listing all problems, and opens valid configs of every kind', () => {
    expect(() => openTarget({ name: 'l', kind: 'ldap', url: 'http://x' })).toThrow(/targets\.l\.url: must start with ldap.*\n.*bindDN/s);
    const opened = [
      openTarget({ name: 's', kind: 'scim', url: 'https://a.example/scim', token: 't' }),
      openTarget({ name: 'l', kind: 'ldap', url: 'ldap://x', bindDN: 'cn=a,dc=x', bindPassword: 'p', usersDN: 'ou=p,dc=x', groupsDN: 'ou=g,dc=x' }),
      openTarget({ name: 'e', kind: 'entra', tenantId: 't', clientId: 'c', clientSecret: 's', upnDomain: 'x.com' }),
      openTarget({ name: 'o', kind: 'okta', url: 'https://x.okta.com', token: 't' }),
      openTarget({ name: 'w', kind: 'webhook', url: 'https://h.example', secret: '0123456789abcdef' }),
    ];
    expect(opened.map((c) => `${c.name}:${c.kind}`)).toEqual(['s:scim', 'l:ldap', 'e:entra', 'o:okta', 'w:webhook']);
  });
});

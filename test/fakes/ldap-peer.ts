// A private slapd (test/helpers/slapd.ts) prepared as an LDAP target: suffix, people, groups and
// disabled OUs; plus a way to read it with the real ldapsearch CLI, independent of ldapts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { startSlapd, type Slapd } from '../helpers/slapd';

const run = promisify(execFile);

export interface LdapPeer {
  slapd: Slapd;
  usersDN: string;
  groupsDN: string;
  disabledDN: string;
  /** entries matching `filter` under the suffix, as attribute -> values (names lower-cased) */
  ldapsearch(filter: string, attrs?: string[]): Promise<Record<string, string[]>[]>;
  stop(): Promise<void>;
}

export async function startLdapPeer(): Promise<LdapPeer> {
  const slapd = await startSlapd({ indexes: ['uid eq', 'member eq', 'cn eq'] });
  const suffix = slapd.suffix;
  const usersDN = `ou=people,${suffix}`;
  const groupsDN = `ou=groups,${suffix}`;
  const disabledDN = `ou=disabled,${suffix}`;
  const client = new Client({ url: slapd.url });
  try {
    await client.bind(slapd.rootDN, slapd.rootPassword);
    await client.add(suffix, { objectClass: ['top', 'dcObject', 'organization'], dc: 'example', o: 'Example' });
    for (const dn of [usersDN, groupsDN, disabledDN]) {
      await client.add(dn, { objectClass: ['top', 'organizationalUnit'], ou: dn.split(',')[0].split('=')[1] });
    }
  } finally {
    await client.unbind();
  }
  return {
    slapd,
    usersDN,
    groupsDN,
    disabledDN,
    ldapsearch: async (filter, attrs = []) => {
      const { stdout } = await run('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', slapd.url, '-b', suffix, filter, ...attrs]);
      return parseLdif(stdout);
    },
    stop: () => slapd.stop(),
  };
}

function parseLdif(text: string): Record<string, string[]>[] {
  return text
    .split(/\n\n+/)
    .filter((block) => block.trim())
    .map((block) => {
      const entry: Record<string, string[]> = {};
      for (const line of block.split('\n')) {
        const m = /^([^:]+):(:?) ?(.*)$/.exec(line);
        if (!m) continue;
        const value = m[2] === ':' ? Buffer.from(m[3], 'base64').toString('utf8') : m[3];
        (entry[m[1].toLowerCase()] ??= []).push(value);
      }
      return entry;
    });
}

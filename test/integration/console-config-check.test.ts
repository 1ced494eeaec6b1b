// `idsync config check` on admin.console: without an ldap: section nobody could sign in (an error
// naming admin.console); a role group nobody can be in is a warning naming the role's entry.
import { writeFileSync } from 'node:fs';
import { idsync, workspace } from '../helpers/cli';

const admin = (consoleLines: string[]) => ['admin:', '  listen: tcp://127.0.0.1:0', '  token: a-token-of-sixteen-chars', '  console:', ...consoleLines].join('\n');
const ldap = 'ldap: { baseDN: "dc=example,dc=com", listen: [ "ldap://127.0.0.1:0" ] }';
const roles = `roles:\n  - { name: helpdesk-staff, when: 'title == "Helpdesk"', groups: [helpdesk] }`;

describe('config check of the console', () => {
  it('refuses admin.console without an ldap: section, naming admin.console', async () => {
    const ws = workspace(admin(['    roles: { helpdesk: [helpdesk] }']));
    writeFileSync(ws.csv, 'x\n');
    const r = await idsync('config', 'check', '--config', ws.config);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${ws.config}: admin.console: people sign in to the console with their directory password, checked by the LDAP frontend: add an ldap: section`);
  });

  it('accepts it with an ldap: section, warning about a role group nobody can be in', async () => {
    const ws = workspace([ldap, roles, admin(['    roles: { helpdesk: [helpdesk, help-desk], operator: [staff], reviewer: [auditors] }'])].join('\n'));
    writeFileSync(ws.csv, 'x\n');
    const r = await idsync('config', 'check', '--config', ws.config);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
    expect(warnings).toEqual([
      `${ws.config}: warning: admin.console.roles.helpdesk[1]: no role rule grants group "help-desk", the groups section does not declare it and no source brings it, so nobody gets the helpdesk role through it (unless it is a department's group)`,
      `${ws.config}: warning: admin.console.roles.reviewer[0]: no role rule grants group "auditors", the groups section does not declare it and no source brings it, so nobody gets the reviewer role through it (unless it is a department's group)`,
    ]);
  });
});

// Starts the read-only LDAP view for legacy applications when the configuration has an `ldap:`
// section: the in-memory directory fed by the change feed, and the hardened protocol server.
import { startLdapServer } from '../ldap/server';
import { StoreDirectoryView } from '../ldap/view';
import { openCredentialStore } from '../storage/credentials';
import type { DaemonParts } from './parts';

export interface LdapFrontend {
  addresses: string[];
  reloadTls(): Promise<void>;
}

export async function startLdapFrontend(deps: DaemonParts): Promise<LdapFrontend | null> {
  const { config, baseDir } = deps.loaded;
  if (!config.ldap) return null;
  const ldap = config.ldap;
  const log = deps.log.child({ component: 'ldap' });
  // Our own commits reach the view in-process; other instances' through the change feed.
  const view = new StoreDirectoryView(deps.store, {
    baseDN: ldap.baseDN,
    serviceAccounts: ldap.serviceAccounts.map((s) => s.name),
    defaultGroup: config.identity.defaultGroup,
    mailDomain: config.identity.mailDomain,
    changes: deps.changes,
    log,
  });
  await view.start();
  deps.closer.add('directory view', () => view.close());
  const credentials = await openCredentialStore(config, baseDir);
  deps.closer.add('credential store', () => credentials.close());
  // the server logs 'LDAP frontend listening' with its addresses; the view logged its size
  const server = await startLdapServer({ config: ldap, view, credentials, log });
  deps.closer.add('ldap server', () => server.close());
  const addresses = server.addresses().map((a) => a.url);
  return { addresses, reloadTls: () => server.reloadTls() };
}

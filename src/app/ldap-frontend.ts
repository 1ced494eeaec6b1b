// Starts the read-only LDAP view for legacy applications when the configuration has an `ldap:`
// section: the in-memory directory fed by the change feed, and the hardened protocol server.
import { startLdapServer } from '../ldap/server';
import { StoreDirectoryView, publishChange } from '../ldap/view';
import { openCredentialStore } from '../ldap/auth/commands';
import type { OptionalServiceDeps } from './optional-services';

export interface LdapFrontend {
  addresses: string[];
  reloadTls(): Promise<void>;
}

export function changeChannel(prefix: string): string {
  return `${prefix}:changes`;
}

export async function startLdapFrontend(deps: OptionalServiceDeps): Promise<LdapFrontend | null> {
  const { config } = deps.loaded;
  if (!config.ldap) return null;
  const ldap = config.ldap;
  const log = deps.log.child({ component: 'ldap' });
  const channel = changeChannel(config.redis.prefix);
  // Other instances learn of our commits through Redis; our own view hears them in-process.
  const unsubscribe = deps.store.onChange((e) => {
    publishChange(deps.redis.client, channel, e.seq).catch((err: Error) => log.warn({ err: err.message }, 'change publish failed'));
  });
  deps.closer.add('change publisher', () => unsubscribe());
  const view = new StoreDirectoryView(deps.store, {
    baseDN: ldap.baseDN,
    serviceAccounts: ldap.serviceAccounts.map((s) => s.name),
    defaultGroup: config.identity.defaultGroup,
    mailDomain: config.identity.mailDomain,
    redis: deps.redis.client,
    channel,
    log,
  });
  await view.start();
  deps.closer.add('directory view', () => view.close());
  const credentials = openCredentialStore(config);
  deps.closer.add('credential store', () => credentials.close());
  const server = await startLdapServer({ config: ldap, view, credentials, log });
  deps.closer.add('ldap server', () => server.close());
  const addresses = server.addresses().map((a) => a.url);
  log.info({ addresses, entries: view.current().entryCount }, 'LDAP frontend listening');
  return { addresses, reloadTls: () => server.reloadTls() };
}

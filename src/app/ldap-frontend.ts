// Starts the read-only LDAP view for legacy applications when the configuration has an `ldap:`
// section: the in-memory directory fed by the change feed, and the hardened protocol server.
import { startLdapServer } from '../ldap/server';
import { StoreDirectoryView } from '../ldap/view';
import { openCredentialStore } from '../storage/credentials';
import { RedisFailureCounter } from '../redis/failure-counter';
import { compileGroupNesting } from '../domain/roles/nesting';
import { ensureDeclaredGroups } from '../services/policy/declared-groups';
import { ldapListenersCheck } from '../observability/listener-checks';
import { Authenticator } from '../ldap/auth/authenticator';
import { argon2Hasher } from '../ldap/auth/passwords';
import { systemClock } from '../ports/clock';
import type { DirectoryView } from '../ldap/contract';
import type { DaemonParts } from './parts';

export interface LdapFrontend {
  addresses: string[];
  reloadTls(): Promise<void>;
  /** resolves once the view includes change-feed sequence `seq`, or after `maxWaitMs` */
  caughtUp(seq: number, maxWaitMs?: number): Promise<void>;
  /** the directory as binds see it, and the bind checker itself: other sign-in paths (the console) use both */
  view: DirectoryView;
  auth: Authenticator;
}

/** `coalesceMs`: how long the view gathers changes before applying them (StoreDirectoryView's default when unset) */
export async function startLdapFrontend(deps: DaemonParts, tuning: { coalesceMs?: number } = {}): Promise<LdapFrontend | null> {
  const { config, baseDir } = deps.loaded;
  if (!config.ldap) return null;
  const ldap = config.ldap;
  const log = deps.log.child({ component: 'ldap' });
  // Our own commits reach the view in-process; other instances' through the change feed.
  const nestedGroups = compileGroupNesting(config.groups);
  const created = await ensureDeclaredGroups(deps.store, config.groups, {
    gidNumberStart: config.identity.gidNumberStart,
    now: new Date().toISOString(),
    actor: { kind: 'system', id: 'declared-groups' },
  });
  if (created.length) log.info({ groups: created }, 'declared groups created');
  const view = new StoreDirectoryView(deps.store, {
    baseDN: ldap.baseDN,
    serviceAccounts: ldap.serviceAccounts.map((s) => s.name),
    defaultGroup: config.identity.defaultGroup,
    mailDomain: config.identity.mailDomain,
    nestedGroups,
    changes: deps.changes,
    log,
    coalesceMs: tuning.coalesceMs,
  });
  await view.start();
  deps.closer.add('directory view', () => view.close());
  const credentials = await openCredentialStore(config, baseDir);
  deps.closer.add('credential store', () => credentials.close());
  // Lockouts live in Redis so every instance sees them and a restart does not reset them.
  const failures = new RedisFailureCounter(deps.redis.client, config.redis.prefix);
  // the server logs 'LDAP frontend listening' with its addresses; the view logged its size
  const auth = new Authenticator(ldap, credentials, argon2Hasher, systemClock, {
    failures,
    onLockoutError: (err) => log.warn({ err: err.message }, 'bind lockout counter unavailable; checking the password without it'),
  });
  const server = await startLdapServer({ config: ldap, view, credentials, log, failures, auth });
  deps.closer.add('ldap server', () => server.close());
  const addresses = server.addresses().map((a) => a.url);
  deps.health.add(ldapListenersCheck(addresses));
  return { addresses, reloadTls: () => server.reloadTls(), caughtUp: (seq, maxWaitMs) => viewAtLeast(view, seq, maxWaitMs ?? 5000), view, auth };
}

/** A pushed revocation answers only once binds see it; a view stuck behind is logged by the view itself. */
function viewAtLeast(view: StoreDirectoryView, seq: number, maxWaitMs: number): Promise<void> {
  if (view.seq >= seq) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      off();
      clearTimeout(timer);
      resolve();
    };
    const off = view.onSwap(() => {
      if (view.seq >= seq) done();
    });
    const timer = setTimeout(done, maxWaitMs);
  });
}

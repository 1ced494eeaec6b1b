// The helpdesk console's wiring: its core deps from the daemon (the LDAP frontend's view and bind
// checker, the store's audit trail, the Redis failure counters) and the list of page modules.
import type { FastifyInstance } from 'fastify';
import type { ConsoleConfig } from '../admin/config';
import type { Clock } from '../ports/clock';
import { registerConsole, type ConsoleDeps, type ConsolePerson, type PageModule } from '../console';
import { LDAP_UNAVAILABLE } from '../ldap/auth/authenticator';
import { RedisFailureCounter } from '../redis/failure-counter';
import { opsPages } from '../console/ops';
import { opsBackend } from './console-ops';
import type { Engine } from './engine';
import type { LdapFrontend } from './ldap-frontend';
import type { DaemonParts } from './parts';
import type { ProvisioningDaemon } from './provisioning';
import { reviewPages } from '../console/reviews';
import { reviewConsoleBackend } from './reviews';
import { peoplePages } from '../console/people';
import { daemonPeopleBackend } from './people-backend';

/** What the console's pages are built from. */
export interface ConsoleDaemon {
  parts: DaemonParts;
  engine: Engine;
  provisioning: ProvisioningDaemon;
  ldap: LdapFrontend;
  clock: Clock;
}

/** Every console page family; each builds the narrow backend it needs from the daemon. */
export function consoleModules(d: ConsoleDaemon): PageModule[] {
  return [
    peoplePages(daemonPeopleBackend(d)),
    reviewPages(reviewConsoleBackend(d.parts.loaded.config, d.parts.store, d.engine.rules, d.clock)),
    opsPages(opsBackend({ store: d.parts.store, engine: d.engine, provisioning: d.provisioning.service, clock: d.clock, log: d.parts.log.child({ component: 'console-ops' }) })),
  ];
}

export function consoleDeps(d: ConsoleDaemon, config: ConsoleConfig): ConsoleDeps {
  const { ldap, parts } = d;
  const person = (username: string): ConsolePerson | undefined => ldap.view.current().personStanding?.(username);
  return {
    config,
    directory: { person },
    passwords: {
      totpEnrolled: (username) => ldap.auth.totpEnrolled(username),
      verify: async ({ username, password, code, address }) => {
        const snapshot = ldap.view.current();
        // someone the directory does not serve gets a DN nobody has, and pays the same argon2 cost
        const dn = snapshot.personStanding?.(username)?.dn ?? `uid=${username.replace(/[^A-Za-z0-9._-]/g, '_')},ou=nobody`;
        const out = await ldap.auth.verifyPerson({ dn, password, code, address, snapshot });
        return out.ok ? { ok: true } : { ok: false, reason: out.reason, unavailable: out.code === LDAP_UNAVAILABLE };
      },
    },
    audit: { record: async (audit) => void (await parts.store.commit({ audit })) },
    failures: new RedisFailureCounter(parts.redis.client, parts.loaded.config.redis.prefix),
    clock: d.clock,
    log: parts.log.child({ component: 'console' }),
  };
}

export function mountConsole(app: FastifyInstance, d: ConsoleDaemon, config: ConsoleConfig): void {
  registerConsole(app, consoleDeps(d, config), consoleModules(d));
}

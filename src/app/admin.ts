// The admin HTTP server (`admin:`): the API for machines, and the helpdesk console when
// `admin.console` is set. Started after the LDAP frontend: people sign in through its bind path.
import { adminSchema, parseListen } from '../admin/config';
import { startAdminServer, type AdminServer } from '../admin/server';
import { systemClock, type Clock } from '../ports/clock';
import { mountConsole } from './console';
import type { Engine } from './engine';
import type { LdapFrontend } from './ldap-frontend';
import type { DaemonParts } from './parts';
import type { ProvisioningDaemon } from './provisioning';

export async function startAdmin(parts: DaemonParts, engine: Engine, provisioning: ProvisioningDaemon | null, ldap: LdapFrontend | null, opts: { consoleClock?: Clock } = {}): Promise<AdminServer | null> {
  const { config } = parts.loaded;
  // admin: always implies provisioning (rules.ts wantsProvisioning), whose handlers the API calls
  if (!config.admin || !provisioning) return null;
  const cfg = adminSchema.parse(config.admin);
  const consoleCfg = cfg.console?.enabled ? cfg.console : null;
  if (consoleCfg && !ldap) throw new Error('admin.console needs an ldap: section: people sign in to the console with their directory password');
  const daemon = ldap ? { parts, engine, provisioning, ldap, clock: opts.consoleClock ?? systemClock } : null;
  const server = await startAdminServer(parseListen(cfg.listen)!, cfg.token, provisioning.handlers, {
    console: consoleCfg && daemon ? (app) => mountConsole(app, daemon, consoleCfg) : undefined,
  });
  parts.closer.add('admin API', () => server.close());
  parts.log.info({ address: server.address, console: !!consoleCfg }, 'admin API listening');
  return server;
}

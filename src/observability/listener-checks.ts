// LDAP listeners are ready when they accept a TCP connection, checked by connecting, not by
// trusting a flag: a listener whose socket died or whose accept queue is stuck fails here.
import { connect } from 'node:net';
import type { HealthCheck } from './health-check';

const CONNECT_TIMEOUT_MS = 2000;

export function ldapListenersCheck(urls: string[]): HealthCheck {
  return {
    name: 'ldap',
    critical: true,
    run: async () => {
      const results = await Promise.all(urls.map(async (url) => [url, await accepts(url)] as const));
      return {
        ok: results.every(([, r]) => r === 'accepting'),
        detail: { listeners: Object.fromEntries(results) },
        samples: results.map(([url, r]) => ({ name: 'idsync_ldap_listener_up', labels: { url }, value: r === 'accepting' ? 1 : 0 })),
      };
    },
  };
}

/** 'accepting', or why not; a wildcard listen address is probed on loopback */
export function accepts(url: string): Promise<string> {
  const u = new URL(url);
  const bare = u.hostname.replace(/^\[|\]$/g, '');
  const host = bare === '0.0.0.0' || bare === '' ? '127.0.0.1' : bare === '::' ? '::1' : bare;
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(u.port), timeout: CONNECT_TIMEOUT_MS });
    const done = (result: string) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done('accepting'));
    socket.once('timeout', () => done(`no connection within ${CONNECT_TIMEOUT_MS} ms`));
    socket.once('error', (err) => done(err.message));
  });
}

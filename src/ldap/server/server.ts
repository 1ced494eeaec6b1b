import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContext, type TLSSocket } from 'node:tls';
import type { LdapConfig } from '../../config/sections/ldap';
import { systemClock, type Clock } from '../../ports/clock';
import { packageVersion } from '../../util/version';
import type { CredentialStore } from '../../ports/credential-store';
import type { FailureCounter } from '../../ports/failure-counter';
import type { DirectoryView } from '../contract';
import { Authenticator } from '../auth/authenticator';
import { argon2Hasher, type PasswordHasher } from '../auth/passwords';
import { compileFilter } from '../filter/compile';
import { selectAttributes } from '../view/select';
import { selectionFor } from '../view/selection';
import { canonicalAddress } from '../../util/cidr';
import { connectionCapFor } from './address-limits';
import { LdapConnection } from './connection';
import type { LogLike, ModelFunctions, ServerDeps } from './deps';
import { loadTlsMaterial, secureContextOf, type TlsMaterial } from './tls';

export interface LdapServerOptions {
  config: LdapConfig;
  view: DirectoryView;
  credentials: CredentialStore;
  log: LogLike;
  clock?: Clock;
  passwords?: PasswordHasher;
  /** failed-bind counts for lockouts (Redis in the daemon, so they are shared and survive restarts); in memory when omitted */
  failures?: FailureCounter;
  /** the bind checker, when the caller shares it with another sign-in path; built from the options above when omitted */
  auth?: Authenticator;
  /** the directory model's filter compiler and attribute selection; defaults to src/ldap/filter + src/ldap/view */
  model?: ModelFunctions;
}

export interface LdapServerHandle {
  /** idempotent: stops listening, closes every connection */
  close(): Promise<void>;
  /** the real URL of every listener (port 0 resolved) */
  addresses(): { url: string }[];
  /**
   * Re-reads certificate and key (wire to SIGHUP): from `material` when given (the config loader
   * has already replaced certFile/keyFile by their contents), else from ldap.tls.certFile/keyFile.
   * Keeps the old pair when the new one does not load.
   */
  reloadTls(material?: TlsMaterial): Promise<void>;
  connectionCount(): number;
}

interface Listener {
  server: Server;
  scheme: 'ldap' | 'ldaps';
  host: string;
}

const defaultModel = (): ModelFunctions => ({ compileFilter, selectAttributes, selection: selectionFor });

function parseListenUrl(url: string): { scheme: 'ldap' | 'ldaps'; host: string; port: number } {
  const m = /^(ldaps?):\/\/\[?([^\]/]+?)\]?:(\d+)\/?$/i.exec(url);
  if (!m) throw new Error(`ldap.listen: "${url}" is not ldap://host:port or ldaps://host:port`);
  return { scheme: m[1].toLowerCase() as 'ldap' | 'ldaps', host: m[2], port: Number(m[3]) };
}

/** Starts every configured listener; resolves once all of them accept connections. */
export async function startLdapServer(opts: LdapServerOptions): Promise<LdapServerHandle> {
  const { config, view, log } = opts;
  const clock = opts.clock ?? systemClock;
  let tlsMaterial: TlsMaterial | null = await loadTlsMaterial(config);
  let tlsContext: SecureContext | null = tlsMaterial ? secureContextOf(tlsMaterial) : null;
  let requestSeq = 0;
  const deps: ServerDeps = {
    config,
    view,
    log,
    clock,
    auth: opts.auth ?? new Authenticator(config, opts.credentials, opts.passwords ?? argon2Hasher, clock, {
      failures: opts.failures,
      onLockoutError: (err) => log.warn({ err: err.message }, 'bind lockout counter unavailable; checking the password without it'),
    }),
    model: opts.model ?? defaultModel(),
    tlsContext: () => tlsContext,
    vendorVersion: packageVersion(),
    nextRequestId: () => ++requestSeq,
  };
  const connections = new Set<LdapConnection>();
  const perAddress = new Map<string, number>();
  const listeners: Listener[] = [];
  const capFor = connectionCapFor(config.limits.maxConnectionsPerAddress, config.limits.maxConnectionsPerAddressOverrides);

  // Counted on the raw TCP socket so a flood of unfinished TLS handshakes is capped too.
  const admit = (socket: Socket): boolean => {
    // One client counts once, whether it reached an IPv4 or a dual-stack listener.
    const address = canonicalAddress(socket.remoteAddress ?? 'unknown');
    const count = perAddress.get(address) ?? 0;
    const cap = capFor(address);
    if (count >= cap) {
      log.warn({ client: address, count, cap }, 'too many connections from one address; refusing (see ldap.limits.maxConnectionsPerAddressOverrides)');
      socket.destroy();
      return false;
    }
    perAddress.set(address, count + 1);
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
    socket.on('error', () => undefined);
    return true;
  };
  const serve = (socket: Socket | TLSSocket, secure: boolean): void => {
    const c = new LdapConnection(socket, socket.remoteAddress ?? 'unknown', secure, deps, (gone) => connections.delete(gone));
    connections.add(c);
  };

  for (const url of config.listen) {
    const { scheme, host, port } = parseListenUrl(url);
    let server: Server;
    if (scheme === 'ldaps') {
      if (!tlsMaterial) throw new Error(`ldap.listen: ${url} needs ldap.tls.cert and ldap.tls.key`);
      const tlsServer = createTlsServer({ cert: tlsMaterial.cert, key: tlsMaterial.key, minVersion: 'TLSv1.2', handshakeTimeout: 10_000 });
      tlsServer.on('connection', (s: Socket) => void admit(s));
      tlsServer.on('secureConnection', (s: TLSSocket) => serve(s, true));
      tlsServer.on('tlsClientError', (err) => log.debug({ reason: err.message }, 'TLS handshake failed'));
      server = tlsServer;
    } else {
      server = createTcpServer((s) => {
        if (admit(s)) serve(s, false);
      });
    }
    server.maxConnections = config.limits.maxConnections;
    server.on('error', (err) => log.error({ err, url }, 'LDAP listener error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    listeners.push({ server, scheme, host });
  }
  const unsubscribe = view.onSwap((snapshot) => connections.forEach((c) => c.recheckSession(snapshot)));
  log.info({ listen: listeners.map((l) => urlOf(l)) }, 'LDAP frontend listening');

  let closing: Promise<void> | null = null;
  return {
    addresses: () => listeners.map((l) => ({ url: urlOf(l) })),
    connectionCount: () => connections.size,
    async reloadTls(material?: TlsMaterial) {
      const next = material ?? (await loadTlsMaterial(config));
      if (!next) return;
      const context = secureContextOf(next); // throws on a bad pair: the old one stays
      tlsMaterial = next;
      tlsContext = context;
      for (const l of listeners) {
        if (l.scheme === 'ldaps') (l.server as ReturnType<typeof createTlsServer>).setSecureContext({ cert: next.cert, key: next.key });
      }
      log.info('LDAP TLS certificate reloaded');
    },
    close() {
      closing ??= (async () => {
        unsubscribe();
        const stopped = listeners.map((l) => new Promise<void>((r) => l.server.close(() => r())));
        for (const c of connections) {
          c.destroy('server shutting down');
          c.stream.destroy();
        }
        await Promise.all(stopped);
      })();
      return closing;
    },
  };
}

function urlOf(l: Listener): string {
  const a = l.server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  const host = l.host.includes(':') ? `[${l.host}]` : l.host;
  return `${l.scheme}://${host}:${port}`;
}

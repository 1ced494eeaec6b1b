// Listen addresses of the daemon's HTTP listeners: `tcp://host:port` (IPv6 in brackets) or
// `unix:/absolute/path`. One parser, so the admin API and the inbound listener read them alike.
export type ListenAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** null when `listen` is not an address, or (with loopbackOnly) names a host other than this one */
export function parseListenAddress(listen: string, opts: { loopbackOnly?: boolean } = {}): ListenAddress | null {
  if (listen.startsWith('unix:')) {
    const path = listen.slice('unix:'.length);
    return path.startsWith('/') ? { kind: 'unix', path } : null;
  }
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/[\]]+):(\d{1,5})$/.exec(listen);
  if (!m) return null;
  const host = m[1].replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  if (port >= 65536) return null;
  if (opts.loopbackOnly && !LOOPBACK.has(host)) return null;
  return { kind: 'tcp', host, port };
}

/** `tcp://host:port` or `unix:/path` of a bound node server address */
export function describeBound(addr: string | { address: string; port: number } | null): string {
  if (typeof addr === 'string') return `unix:${addr}`;
  if (!addr) return 'unbound';
  const host = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return `tcp://${host}:${addr.port}`;
}

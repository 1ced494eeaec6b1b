// Calls the daemon's admin API over loopback TCP or its unix socket.
import { request } from 'node:http';
import type { ListenAddress } from '../admin/config';

export class AdminUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminUnreachableError';
  }
}

export async function callAdmin<T>(listen: ListenAddress, token: string, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 60000): Promise<{ status: number; body: T }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...(listen.kind === 'unix' ? { socketPath: listen.path } : { host: listen.host, port: listen.port }),
        method,
        path,
        timeout: timeoutMs,
        headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: (res.headers['content-type']?.includes('json') ? JSON.parse(text) : text) as T });
          } catch {
            reject(new Error(`admin API answered ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`admin API did not answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') reject(new AdminUnreachableError(`the idsync daemon is not running (nothing answers at ${describe(listen)})`));
      else reject(err);
    });
    req.end(payload);
  });
}

export function describe(l: ListenAddress): string {
  return l.kind === 'unix' ? `unix:${l.path}` : `tcp://${l.host}:${l.port}`;
}

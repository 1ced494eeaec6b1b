// A stand-in for systemd's notification socket: a unix datagram socket the test binds, recording
// every sd_notify message with the time it arrived.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface DgramSocket {
  bind(path: string): void;
  on(event: 'message', fn: (buf: Buffer) => void): void;
  on(event: 'error' | 'listening', fn: (err?: Error) => void): void;
  close(): void;
}

export interface NotifyMessage {
  at: number;
  fields: Record<string, string>;
}

export interface NotifySocket {
  path: string;
  messages: NotifyMessage[];
  /** called synchronously for each message as it arrives */
  onMessage(fn: (m: NotifyMessage) => void): void;
  close(): void;
}

export async function bindNotifySocket(): Promise<NotifySocket> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dgram = require('unix-dgram') as { createSocket(type: 'unix_dgram'): DgramSocket };
  const dir = mkdtempSync(join(tmpdir(), 'idsync-notify-'));
  const path = join(dir, 'notify.sock');
  const socket = dgram.createSocket('unix_dgram');
  const messages: NotifyMessage[] = [];
  const listeners: ((m: NotifyMessage) => void)[] = [];
  socket.on('message', (buf) => {
    const fields = Object.fromEntries(
      buf
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const m = { at: Date.now(), fields };
    messages.push(m);
    for (const fn of listeners) fn(m);
  });
  await new Promise<void>((resolve, reject) => {
    socket.on('listening', () => resolve());
    socket.on('error', (err) => reject(err));
    socket.bind(path);
  });
  return {
    path,
    messages,
    onMessage: (fn) => listeners.push(fn),
    close: () => {
      socket.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

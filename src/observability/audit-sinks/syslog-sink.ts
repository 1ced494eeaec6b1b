// Syslog copy of the trail (RFC 5424 lines, facility auth). Syslog cannot be read back, so the
// sink's place is a cursor in the store, saved after each batch was handed to the socket: a crash
// or a failure inside a batch resends that batch (at least once; every line carries its seq).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { hostname } from 'node:os';
import { connect, type Socket } from 'node:net';
import type { AuditRecord } from '../../domain/types';
import type { AuditCursorStore, AuditSink } from '../../ports/audit-sink';

export interface SyslogTarget {
  host: string;
  port: number;
  protocol: 'udp4' | 'tcp4' | 'unix';
  path?: string;
  appName: string;
}

const AUTH_INFO = 4 * 8 + 6;

export class SyslogAuditSink implements AuditSink {
  readonly name: string;
  private tcp: Socket | null = null;
  private udp: UdpSocket | null = null;
  private unix: { send(b: Buffer, o: number, l: number, p: string, cb: (e?: Error) => void): void; close(): void } | null = null;

  constructor(private readonly target: SyslogTarget, private readonly cursors: AuditCursorStore) {
    this.name = target.protocol === 'unix' ? `syslog:unix:${target.path}` : `syslog:${target.protocol}://${target.host}:${target.port}`;
  }

  position(): Promise<number> {
    return this.cursors.exportCursor(this.name);
  }

  async write(records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const lines = records.map((r) => this.format(r));
    if (this.target.protocol === 'tcp4') await this.sendTcp(lines.map((l) => l + '\n').join(''));
    else for (const line of lines) await this.sendDatagram(Buffer.from(line));
    await this.cursors.saveExportCursor(this.name, records[records.length - 1].seq);
  }

  private format(r: AuditRecord): string {
    return `<${AUTH_INFO}>1 ${new Date().toISOString()} ${hostname()} ${this.target.appName} ${process.pid} - - ${JSON.stringify(r)}`;
  }

  private async sendTcp(text: string): Promise<void> {
    const socket = this.tcp ?? (await this.connectTcp());
    await new Promise<void>((resolve, reject) => socket.write(text, (err) => (err ? reject(err) : resolve())));
  }

  private connectTcp(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.target.host, port: this.target.port });
      socket.once('connect', () => {
        this.tcp = socket;
        resolve(socket);
      });
      socket.on('error', (err) => {
        if (this.tcp === socket) this.tcp = null;
        socket.destroy();
        reject(err);
      });
      socket.on('close', () => {
        if (this.tcp === socket) this.tcp = null;
      });
    });
  }

  private sendDatagram(buf: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      if (this.target.protocol === 'unix') {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        this.unix ??= (require('unix-dgram') as { createSocket(t: string): NonNullable<SyslogAuditSink['unix']> }).createSocket('unix_dgram');
        this.unix.send(buf, 0, buf.length, String(this.target.path), done);
        return;
      }
      this.udp ??= createSocket('udp4');
      this.udp.send(buf, this.target.port, this.target.host, done);
    });
  }

  async close(): Promise<void> {
    const tcp = this.tcp;
    this.tcp = null;
    if (tcp) await new Promise<void>((r) => tcp.end(() => r()));
    this.udp?.close();
    this.udp = null;
    this.unix?.close();
    this.unix = null;
  }
}

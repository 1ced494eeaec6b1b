// Carries committed audit records out to the sinks an operator chose, through winston: a JSON-lines
// file and/or syslog. The store stays the record; sinks are copies for SIEMs and log shippers.
import winston from 'winston';
import type Transport from 'winston-transport';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AuditRecord } from '../domain/types';
import type { AuditSink } from '../ports/audit-sink';
import type { Config } from '../config/schema';
import { within } from '../util/time';

type SinkConfig = Config['audit']['sinks'][number];

function transportFor(sink: SinkConfig, baseDir: string): Transport {
  if (sink.kind === 'file') {
    const filename = resolve(baseDir, sink.path);
    mkdirSync(dirname(filename), { recursive: true });
    return new winston.transports.File({ filename, format: winston.format.printf((i) => String(i.message)) });
  }
  // winston-syslog registers itself on winston.transports when required.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Syslog } = require('winston-syslog') as { Syslog: new (o: object) => Transport };
  return new Syslog({
    host: sink.host,
    port: sink.port,
    protocol: sink.protocol,
    path: sink.path,
    app_name: sink.appName,
    facility: 'auth',
    format: winston.format.printf((i) => String(i.message)),
  });
}

export class WinstonAuditSink implements AuditSink {
  private logger: winston.Logger;

  constructor(sinks: SinkConfig[], baseDir: string, onError: (err: Error) => void = () => undefined) {
    this.logger = winston.createLogger({
      level: 'info',
      transports: sinks.map((s) => transportFor(s, baseDir)),
      exitOnError: false,
    });
    // A sink that fails (disk full, syslog down) must not take provisioning down with it: it is
    // reported to the operational log, and the store keeps the record.
    this.logger.on('error', (err: Error) => onError(err));
  }

  write(record: AuditRecord): void {
    if (this.logger.transports.length === 0) return;
    this.logger.info(JSON.stringify(record));
  }

  async close(): Promise<void> {
    if (this.logger.transports.length === 0) return;
    const done = new Promise<void>((r) => this.logger.on('finish', () => r()));
    this.logger.end();
    await within(done, 2000);
  }
}

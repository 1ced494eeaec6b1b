import { createSocket } from 'node:dgram';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger';
import { SyslogAuditSink } from '../../src/observability/audit-sinks/syslog-sink';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { chainAudit } from '../../src/domain/audit-chain';

describe('operational log', () => {
  it('writes pino JSON lines with secrets redacted', () => {
    let out = '';
    const sink = new Writable({ write: (c, _e, cb) => { out += String(c); cb(); } });
    const log = createLogger('info', sink);
    log.info({ target: 'wiki', token: 'tok-123', config: { ad: { password: 'pw-456' } }, headers: { authorization: 'Bearer x' } }, 'connecting');
    const line = JSON.parse(out.trim());
    expect(line).toMatchObject({ msg: 'connecting', target: 'wiki', token: '[redacted]', svc: 'idsync' });
    expect(out).not.toContain('tok-123');
    expect(out).not.toContain('pw-456');
    expect(out).not.toContain('Bearer x');
  });
});

describe('audit export to syslog', () => {
  it('sends each committed audit record as JSON to a syslog receiver over UDP', async () => {
    const server = createSocket('udp4');
    const received = new Promise<string>((resolve) => server.once('message', (m) => resolve(String(m))));
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    const port = server.address().port;
    const sink = new SyslogAuditSink({ host: '127.0.0.1', port, protocol: 'udp4', appName: 'idsync' }, new MemoryStore());
    const record = chainAudit(null, {
      time: '2026-01-15T09:00:00.000Z',
      actor: { kind: 'source-run', id: 'run-1', source: 'hr' },
      action: 'identity.create',
      subject: { kind: 'identity', id: 'id-1', username: 'jsmith' },
      before: null,
      after: { title: 'Engineer' },
      correlationId: 'run-1:E1',
    });
    try {
      await sink.write([record]);
      const message = await received;
      expect(message).toMatch(/^<\d+>/); // syslog priority header
      expect(message).toContain('idsync');
      const json = JSON.parse(message.slice(message.indexOf('{')));
      expect(json).toMatchObject({ seq: 1, action: 'identity.create', correlationId: 'run-1:E1', hash: record.hash });
    } finally {
      await sink.close();
      server.close();
    }
  });
});

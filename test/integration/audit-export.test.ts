// The audit copies are driven from the store's audit table: a process killed with SIGKILL while it
// exports leaves a file that, after a restart, holds every seq once and in order; a syslog receiver
// that was down catches up when it returns; a cursor kept in the store survives a restart.
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { FileAuditSink } from '../../src/observability/audit-sinks/file-sink';
import { SyslogAuditSink } from '../../src/observability/audit-sinks/syslog-sink';
import { AuditExporter } from '../../src/observability/audit-exporter';
import { withAuditExport } from '../../src/storage/audit-exporting-store';
import { auditDraft } from '../conformance/fixtures';
import { hrCsv, idsync, workspace, type Person } from '../helpers/cli';

jest.setTimeout(240_000);
const KILLS = Number(process.env.IDSYNC_AUDIT_KILLS ?? 8);

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-audit-export-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const seqsOf = (path: string): number[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l).seq);
/** seqs of the lines a killed writer finished: a kill mid-write leaves a cut last line, which the restart drops */
const finishedSeqsOf = (path: string): number[] => {
  const text = readFileSync(path, 'utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((l) => JSON.parse(l).seq);
};
const oneToN = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function runChild(storePath: string, filePath: string, mode: 'commit' | 'drain') {
  return fork(join(__dirname, 'audit-export-child.ts'), [], {
    execArgv: ['--require', join(__dirname, 'fault-worker-register.js')],
    env: { ...process.env, IDSYNC_AUDIT_CHILD: JSON.stringify({ storePath, filePath, mode }) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

describe('audit file export across SIGKILL', () => {
  it(`holds every seq exactly once and in order after ${KILLS} kills mid-export and a restart`, async () => {
    const dir = tempDir();
    const storePath = join(dir, 'idsync.db');
    const filePath = join(dir, 'audit.jsonl');
    new SqliteStore(storePath).close();
    let behindAtKill = 0;
    for (let k = 0; k < KILLS; k++) {
      const child = runChild(storePath, filePath, 'commit');
      await new Promise((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
      });
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const store = new SqliteStore(storePath);
      const head = (await store.auditHead()).seq;
      await store.close();
      behindAtKill += head - (finishedSeqsOf(filePath).at(-1) ?? 0);
    }
    const drain = runChild(storePath, filePath, 'drain');
    const code = await new Promise((r) => drain.once('exit', r));
    expect(code).toBe(0);

    const store = new SqliteStore(storePath);
    const head = await store.auditHead();
    const records = await store.readAudit(1, head.seq + 1);
    await store.close();
    const lines = readFileSync(filePath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(head.seq).toBeGreaterThan(KILLS * 200);
    expect(lines.map((l) => l.seq)).toEqual(oneToN(head.seq));
    expect(lines.map((l) => l.hash)).toEqual(records.map((r) => r.hash));
    // the kills did land while the file was behind the store (what the restart had to catch up)
    expect(behindAtKill).toBeGreaterThan(0);
  });

  it('drops a line cut by a crash and rewrites that record once', async () => {
    const dir = tempDir();
    const store = new SqliteStore(join(dir, 'idsync.db'));
    const filePath = join(dir, 'audit.jsonl');
    await store.commit({ audit: [auditDraft('a'), auditDraft('b'), auditDraft('c')] });
    const [first, second] = await store.readAudit(1, 2);
    writeFileSync(filePath, JSON.stringify(first) + '\n');
    appendFileSync(filePath, JSON.stringify(second).slice(0, 40));
    const exporter = new AuditExporter(store, [new FileAuditSink(filePath)]);
    exporter.start();
    expect(await exporter.flush(5000)).toBe(true);
    await exporter.close();
    await store.close();
    expect(seqsOf(filePath)).toEqual([1, 2, 3]);
  });

  it('a second exporter of the same file (a CLI run beside the daemon) writes nothing twice', async () => {
    const dir = tempDir();
    const store = new SqliteStore(join(dir, 'idsync.db'));
    const filePath = join(dir, 'audit.jsonl');
    const daemon = new AuditExporter(store, [new FileAuditSink(filePath)], { pollMs: 50 });
    daemon.start();
    await withAuditExport(store, daemon).commit({ audit: [auditDraft('a'), auditDraft('b')] });
    expect(await daemon.flush(5000)).toBe(true);
    // the CLI commits and exports; the daemon's lane still believes the file ends at 2
    const cli = new AuditExporter(store, [new FileAuditSink(filePath)]);
    cli.start();
    await withAuditExport(store, cli).commit({ audit: [auditDraft('c'), auditDraft('d'), auditDraft('e')] });
    expect(await cli.flush(5000)).toBe(true);
    await cli.close();
    expect(await daemon.flush(5000)).toBe(true);
    await withAuditExport(store, daemon).commit({ audit: [auditDraft('f')] });
    expect(await daemon.flush(5000)).toBe(true);
    await daemon.close();
    await store.close();
    expect(seqsOf(filePath)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a clean sync of 3,000 people exports every audit record, the tail included', async () => {
    const ws = workspace();
    const people: Person[] = Array.from({ length: 3000 }, (_, i) => ({ id: `E${i + 1}`, first: `F${i + 1}`, last: `L${i + 1}` }));
    writeFileSync(ws.csv, hrCsv(people));
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    const store = new SqliteStore(join(ws.dir, 'idsync.db'));
    const head = (await store.auditHead()).seq;
    await store.close();
    expect(head).toBeGreaterThanOrEqual(3000);
    expect(seqsOf(join(ws.dir, 'audit.jsonl'))).toEqual(oneToN(head));
  });
});

describe('audit syslog export', () => {
  it('catches up, in order, a TCP receiver that was down when the records were committed', async () => {
    const dir = tempDir();
    const raw = new SqliteStore(join(dir, 'idsync.db'));
    const port = await freePort();
    const errors: string[] = [];
    const sink = new SyslogAuditSink({ host: '127.0.0.1', port, protocol: 'tcp4', appName: 'idsync' }, raw);
    const exporter = new AuditExporter(raw, [sink], { minBackoffMs: 20, maxBackoffMs: 200, onError: (_s, err) => errors.push(err.message) });
    const store = withAuditExport(raw, exporter);
    exporter.start();
    let received = '';
    let server: Server | null = null;
    try {
      for (let i = 0; i < 5; i++) await store.commit({ audit: Array.from({ length: 10 }, (_, j) => auditDraft(`id-${i}-${j}`)) });
      await until(() => errors.length >= 2);
      expect(errors[0]).toMatch(/ECONNREFUSED/);
      server = createServer((socket) => socket.on('data', (d) => (received += d)));
      await new Promise<void>((r) => server!.listen(port, '127.0.0.1', () => r()));
      const seqs = () => received.split('\n').filter(Boolean).map((l) => JSON.parse(l.slice(l.indexOf('{'))).seq);
      await until(() => seqs().length >= 50);
      await store.commit({ audit: [auditDraft('late')] });
      await until(() => seqs().length >= 51);
      expect(seqs()).toEqual(oneToN(51));
      expect(received).toMatch(/^<38>1 \S+ \S+ idsync \d+ - - \{/);
      expect(await raw.exportCursor(sink.name)).toBe(51);
    } finally {
      await exporter.close(1000);
      await raw.close();
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
    }
  });

  it('close gives up on a receiver that stays down, and the cursor keeps its place for the next start', async () => {
    const dir = tempDir();
    const raw = new SqliteStore(join(dir, 'idsync.db'));
    const sink = new SyslogAuditSink({ host: '127.0.0.1', port: await freePort(), protocol: 'tcp4', appName: 'idsync' }, raw);
    const exporter = new AuditExporter(raw, [sink], { minBackoffMs: 20, maxBackoffMs: 50 });
    await withAuditExport(raw, exporter).commit({ audit: [auditDraft('a')] });
    const started = Date.now();
    await exporter.close(300);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await raw.exportCursor(sink.name)).toBe(0);
    await raw.close();
  });

  it('resumes after a restart from the cursor kept in the store (UDP receiver)', async () => {
    const dir = tempDir();
    const storePath = join(dir, 'idsync.db');
    const udp = createSocket('udp4');
    const got: number[] = [];
    udp.on('message', (m) => got.push(JSON.parse(String(m).slice(String(m).indexOf('{'))).seq));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const target = { host: '127.0.0.1', port: udp.address().port, protocol: 'udp4' as const, appName: 'idsync' };
    try {
      const first = new SqliteStore(storePath);
      const ex1 = new AuditExporter(first, [new SyslogAuditSink(target, first)]);
      ex1.start();
      await withAuditExport(first, ex1).commit({ audit: Array.from({ length: 10 }, (_, i) => auditDraft(`a${i}`)) });
      expect(await ex1.flush(5000)).toBe(true);
      await ex1.close();
      // committed while no exporter ran (the process was down)
      await first.commit({ audit: Array.from({ length: 5 }, (_, i) => auditDraft(`b${i}`)) });
      await first.close();
      const second = new SqliteStore(storePath);
      const ex2 = new AuditExporter(second, [new SyslogAuditSink(target, second)]);
      ex2.start();
      expect(await ex2.flush(5000)).toBe(true);
      await ex2.close();
      await second.close();
      await until(() => got.length >= 15);
      expect(got).toEqual(oneToN(15));
    } finally {
      udp.close();
    }
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

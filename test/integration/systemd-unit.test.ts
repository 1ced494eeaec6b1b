// The unit file as systemd itself reads it (Debian's systemd-analyze, offline): its sandbox
// scores 2.0 or lower, also with the privileged-ports drop-in, and it has no directive systemd
// does not know.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ANALYZE = '/usr/bin/systemd-analyze';
const UNIT = resolve(__dirname, '../../systemd/idsync.service');
const DROPINS = resolve(__dirname, '../../systemd/idsync.service.d');
const MAX_EXPOSURE = 2.0;

async function exposure(unitPath: string): Promise<number> {
  // exits non-zero when the score is above --threshold (default 100); the score is on stdout
  const { stdout } = await run(ANALYZE, ['security', '--offline=yes', '--no-pager', unitPath]);
  const m = /Overall exposure level for \S+: ([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`no exposure level in systemd-analyze output:\n${stdout}`);
  return Number(m[1]);
}

/** the unit with a drop-in's [Service] lines applied, as systemd merges them */
function withDropIn(dropIn: string): string {
  const unit = readFileSync(UNIT, 'utf8');
  const lines = readFileSync(join(DROPINS, dropIn), 'utf8').split('[Service]\n')[1];
  const path = join(mkdtempSync(join(tmpdir(), 'idsync-unit-')), 'idsync.service');
  writeFileSync(path, unit.replace('[Install]', `${lines}\n[Install]`));
  return path;
}

describe('systemd/idsync.service', () => {
  it(`scores ${MAX_EXPOSURE} or lower in systemd-analyze security --offline=yes`, async () => {
    expect(await exposure(UNIT)).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  it('stays at or below the limit with the privileged-ports drop-in (capability instead of PrivateUsers)', async () => {
    const merged = withDropIn('privileged-ports.conf.example');
    expect(readFileSync(merged, 'utf8')).toContain('AmbientCapabilities=CAP_NET_BIND_SERVICE');
    expect(await exposure(merged)).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  it('passes systemd-analyze verify with no warning', async () => {
    const { stdout, stderr } = await run(ANALYZE, ['verify', '--no-pager', UNIT]);
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });

  it('is a notify service with a watchdog, an address allow list and V8 JIT left possible', () => {
    const unit = readFileSync(UNIT, 'utf8');
    for (const line of ['Type=notify', 'NotifyAccess=main', 'IPAddressDeny=any', 'IPAddressAllow=localhost', 'MemoryDenyWriteExecute=no']) {
      expect(unit.split('\n')).toContain(line);
    }
    expect(unit).toMatch(/^WatchdogSec=\d+$/m);
  });
});

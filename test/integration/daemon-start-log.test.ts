// The daemon started in-process: what its operational log says at start.
import { Writable } from 'node:stream';
import { appendFileSync } from 'node:fs';
import { startDaemon } from '../../src/main';
import { createLogger } from '../../src/observability/logger';
import { deletePrefix } from '../../src/redis/keys';
import { workspace } from '../helpers/cli';

describe('daemon start log', () => {
  it('logs "LDAP frontend listening" once, with the addresses', async () => {
    const ws = workspace();
    ws.writeCsv([{ id: 'E1', first: 'Ada', last: 'Lovelace' }]);
    appendFileSync(ws.config, 'ldap:\n  baseDN: dc=example,dc=com\n  listen: [ "ldap://127.0.0.1:0" ]\n');
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
        cb();
      },
    });
    const daemon = await startDaemon(ws.config, { log: createLogger('info', sink), initialSync: false });
    try {
      const listening = lines.filter((l) => l.msg === 'LDAP frontend listening');
      expect(listening).toHaveLength(1);
      expect(JSON.stringify(listening[0])).toMatch(/ldap:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await deletePrefix(daemon.redis.client, ws.prefix);
      expect(await daemon.close()).toEqual([]);
    }
  });
});

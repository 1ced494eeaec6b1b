// Every call a target connector makes is logged at debug with its duration, and nothing more.
import { openTarget } from '../../src/connectors/targets';
import type { Logger } from '../../src/ports/logger';

function recorder(): { lines: { level: string; obj: Record<string, unknown>; msg?: string }[]; log: Logger } {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: string) => (obj: object | string, msg?: string) =>
    void lines.push(typeof obj === 'string' ? { level, obj: {}, msg: obj } : { level, obj: obj as Record<string, unknown>, msg });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => ({ ...log, debug: (o: object | string, m?: string) => at('debug')(typeof o === 'string' ? o : { ...b, ...o }, m) }) };
  return { lines, log };
}

describe('target call log', () => {
  it('logs each call at debug with the operation, user name and duration, never attributes', async () => {
    const { lines, log } = recorder();
    const target = openTarget({ name: 'wiki', kind: 'fake' }, { log });
    const desired = { identityId: 'i1', userName: 'ada', active: true, attributes: { mail: 'ada.secret-mail@example.com', title: 'Engineer' }, groups: [] };
    const created = await target.create(desired);
    expect(await target.lookup('ada', created.externalId)).not.toBeNull();
    await target.disable(created);
    const ops = lines.map((l) => [l.level, l.obj.op, l.obj.target, l.obj.userName, typeof l.obj.ms]);
    expect(ops).toEqual(
      expect.arrayContaining([
        ['debug', 'create', 'wiki', 'ada', 'number'],
        ['debug', 'lookup', 'wiki', 'ada', 'number'],
        ['debug', 'disable', 'wiki', 'ada', 'number'],
      ]),
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret-mail');
  });

  it('logs a failing call with its error and rethrows it', async () => {
    const { lines, log } = recorder();
    const target = openTarget({ name: 'flaky', kind: 'fake', faults: { rate: 1, kinds: ['400'] } }, { log });
    await expect(target.lookup('bob', null)).rejects.toThrow();
    expect(lines).toEqual([expect.objectContaining({ level: 'debug', msg: 'target call failed', obj: expect.objectContaining({ op: 'lookup', userName: 'bob', err: expect.any(String) }) })]);
  });
});

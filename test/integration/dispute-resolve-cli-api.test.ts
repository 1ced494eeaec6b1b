// `idsync disputes resolve` and `POST /v1/disputes/:id/resolve` over a real SQLite store: two HR
// people share a team mailbox, a badge record with that mail is disputed, and a person joins it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAdminServer, type AdminServer } from '../../src/admin/server';
import { parseListen } from '../../src/admin/config';
import { buildEngine } from '../../src/app/engine';
import { callAdmin } from '../../src/cli/admin-client';
import { loadCliConfig } from '../../src/cli/context';
import { silentLogger } from '../../src/services/sync';
import { resolveDispute } from '../../src/services/sync/dispute-resolution';
import { systemClock } from '../../src/ports/clock';
import type { IdentityStore } from '../../src/ports/identity-store';
import { openStore } from '../../src/storage';
import { hrCsv, idsync, workspace, type Workspace } from '../helpers/cli';

const shared = 'team@example.com';

async function disputedWorkspace(): Promise<{ ws: Workspace; id: string }> {
  const ws = workspace();
  const badgeCsv = join(ws.dir, 'badges.csv');
  const cfg = readFileSync(ws.config, 'utf8').replace(
    'audit:',
    `  - { name: badges, kind: csv, path: ${badgeCsv}, authoritative: false, join: [mail], precedence: 50, settleSeconds: 0 }\naudit:`,
  );
  writeFileSync(ws.config, cfg);
  ws.writeCsv([{ id: 'E1', first: 'Ann', last: 'One', email: shared }, { id: 'E2', first: 'Ben', last: 'Two', email: shared }]);
  writeFileSync(badgeCsv, hrCsv([{ id: 'B7', first: 'Team', last: 'Box', email: shared, title: 'Mailbox keeper' }]));
  expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
  const [dispute] = JSON.parse((await idsync('disputes', 'list', '--config', ws.config, '--json')).stdout) as { id: string }[];
  return { ws, id: dispute.id };
}

async function withStore<T>(ws: Workspace, fn: (store: IdentityStore) => Promise<T>): Promise<T> {
  const store = await openStore({ kind: 'sqlite', path: join(ws.dir, 'idsync.db') }, { baseDir: ws.dir });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('idsync disputes resolve', () => {
  it('joins the record to the named candidate, applies it, audits the actor, and refuses a second decision', async () => {
    const { ws, id } = await disputedWorkspace();
    const r = await idsync('disputes', 'resolve', '--config', ws.config, id, '--join', 'btwo', '--actor', 'olga');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`dispute ${id} resolved by olga: badges record B7 joined to btwo.`);
    expect(r.stdout).toMatch(/linked to btwo: .*~ btwo title: Engineer -> Mailbox keeper/);
    const ben = JSON.parse((await idsync('user', 'show', '--config', ws.config, 'btwo', '--json')).stdout);
    expect(ben.links).toEqual(expect.arrayContaining([{ source: 'badges', externalId: 'B7' }]));
    const audit = await withStore(ws, (s) => s.auditOfSubject(id));
    expect(audit.map((a) => [a.action, a.actor.id])).toEqual([['dispute.open', expect.any(String)], ['dispute.resolve', 'olga']]);

    const again = await idsync('disputes', 'resolve', '--config', ws.config, id, '--join', 'aone');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/was already resolved at .* by olga \(joined to btwo\); nothing was changed\./);
    const list = await idsync('disputes', 'list', '--config', ws.config);
    expect(list.stdout).toContain('no open disputes.');
    const all = await idsync('disputes', 'list', '--config', ws.config, '--all');
    expect(all.stdout).toMatch(new RegExp(`${id} .* joined to btwo by olga`));
  });

  it('names the candidates when the choice is not one of them, and wants --join', async () => {
    const { ws, id } = await disputedWorkspace();
    const wrong = await idsync('disputes', 'resolve', '--config', ws.config, id, '--join', 'zz');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/"zz" is not a candidate of dispute .*; its candidates are (aone, btwo|btwo, aone); nothing was changed\./);
    expect((await idsync('disputes', 'resolve', '--config', ws.config, id)).code).toBe(2);
    expect((await idsync('disputes', 'resolve', '--config', ws.config, 'no-such', '--join', 'aone')).stderr).toMatch(/no dispute with id no-such/);
  });
});

describe('POST /v1/disputes/:id/resolve', () => {
  let admin: AdminServer | null = null;
  afterEach(async () => {
    await admin?.close();
    admin = null;
  });

  it('resolves under the bearer token as actor `token` and maps refusals to 400, 404 and 409', async () => {
    const { ws, id } = await disputedWorkspace();
    const loaded = loadCliConfig(ws.config);
    const store = await openStore({ kind: 'sqlite', path: join(ws.dir, 'idsync.db') }, { baseDir: ws.dir });
    const engine = buildEngine({ loaded, store, log: silentLogger });
    const listen = parseListen(`unix:${join(ws.dir, 'admin.sock')}`)!;
    admin = await startAdminServer(listen, 'tok', {
      resync: async () => { throw new Error('unused'); },
      failed: async () => [],
      retry: async () => [],
      health: async () => ({ ok: true }),
      metrics: async () => '',
      resolveDispute: (disputeId, join) =>
        resolveDispute({ store, sync: engine.sync, sources: engine.sources.values(), clock: systemClock }, { disputeId, join, actor: { kind: 'helpdesk', id: 'token' } }),
    });
    try {
      const path = `/v1/disputes/${encodeURIComponent(id)}/resolve`;
      expect((await callAdmin(listen, 'tok', 'POST', path, {})).status).toBe(400);
      expect((await callAdmin(listen, 'tok', 'POST', path, { join: 'zz' })).status).toBe(400);
      expect((await callAdmin(listen, 'tok', 'POST', '/v1/disputes/nope/resolve', { join: 'aone' })).status).toBe(404);
      const ok = await callAdmin<{ resolved: { username: string; dispute: { resolution: { decidedBy: unknown } } } }>(listen, 'tok', 'POST', path, { join: 'AONE', actor: 'mallory' });
      expect(ok.status).toBe(200);
      expect(ok.body.resolved).toMatchObject({ username: 'aone', dispute: { resolution: { decidedBy: { kind: 'helpdesk', id: 'token' } } } });
      expect((await callAdmin(listen, 'tok', 'POST', path, { join: 'btwo' })).status).toBe(409);
      expect((await store.auditOfSubject(id)).at(-1)).toMatchObject({ action: 'dispute.resolve', actor: { id: 'token' } });
      expect((await store.getSourceRecord('badges', 'B7'))?.identityId).toBe((await store.getIdentity({ by: 'username', value: 'aone' }))?.id);
    } finally {
      await engine.close();
      await store.close();
    }
  });
});

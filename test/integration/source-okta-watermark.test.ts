// The okta source's user watermark over HTTP: users and DEPROVISIONED users are two listings read
// one after the other, so the watermark is the earlier of their latest lastUpdated; a user changed
// between the two listings is read again, never skipped.
import { openSource } from '../../src/connectors/sources';
import { startOktaFake, type OktaFake } from '../fakes/okta';

let o: OktaFake;
beforeEach(async () => {
  o = await startOktaFake();
});
afterEach(() => o.close());

function user(id: string, status: 'ACTIVE' | 'DEPROVISIONED', lastUpdated: string) {
  o.users.set(id, { id, status, created: lastUpdated, lastUpdated, profile: { firstName: id, lastName: 'X', email: `${id}@acme.test`, login: `${id}@acme.test` } });
}

describe('okta source: user watermark', () => {
  it('is the earlier of the two listings, so a change stamped between them is read by the next delta', async () => {
    user('00ua', 'ACTIVE', '2026-05-01T10:00:00.000Z');
    user('00ub', 'DEPROVISIONED', '2026-05-01T10:05:00.000Z'); // deprovisioned after the plain list was read
    const source = openSource({ name: 'okta', kind: 'okta', url: o.url, token: o.token }, { baseDir: '.' });
    const first = await source.read({ watermark: null });
    expect(first.watermark).toBe('2026-05-01T10:00:00.000Z');
    // changed at 10:02, after the plain listing of the first read but before its DEPROVISIONED one
    Object.assign(o.users.get('00ua')!, { lastUpdated: '2026-05-01T10:02:00.000Z', profile: { ...o.users.get('00ua')!.profile, title: 'Lead' } });
    const delta = await source.read({ watermark: first.watermark });
    expect(delta.mode).toBe('delta');
    expect(delta.records.map((r) => r.externalId).sort()).toEqual(['00ua', '00ub']);
    expect(delta.records.find((r) => r.externalId === '00ua')?.attributes.title).toBe('Lead');
  });

  it('a delta with no change keeps the saved watermark', async () => {
    user('00ua', 'ACTIVE', '2026-05-01T10:00:00.000Z');
    const source = openSource({ name: 'okta', kind: 'okta', url: o.url, token: o.token }, { baseDir: '.' });
    const first = await source.read({ watermark: null });
    const delta = await source.read({ watermark: first.watermark });
    expect(delta).toMatchObject({ mode: 'delta', complete: true, records: [], watermark: '2026-05-01T10:00:00.000Z' });
  });
});

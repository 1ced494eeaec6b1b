// Cost of one change against the cost of a full build: the view must not rebuild everything when one
// person changes. Sized to run in CI; the 100,000-person numbers are in the LDAP note.
import type { Identity } from '../../src/domain/types';
import { parseFilterString } from '../../src/ldap/filter/compile';
import { buildSnapshot, Snapshot } from '../../src/ldap/view/snapshot';
import { generateDirectory } from '../../scripts/lib/gen-directory';

const BASE = 'dc=example,dc=com';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

describe('view at 20,000 people', () => {
  const data = generateDirectory(20000, 1000, 2);
  const opts = { baseDN: BASE, serviceAccounts: ['app'] };
  let snap: Snapshot;
  let buildMs: number;

  beforeAll(() => {
    const t0 = process.hrtime.bigint();
    snap = buildSnapshot(data.identities, data.groups, opts) as Snapshot;
    buildMs = ms(t0);
  });

  it('applies a one-person change far cheaper than a full build', () => {
    const people = data.identities.filter((i) => i.state === 'active').slice(0, 60);
    const times: number[] = [];
    people.forEach((p, i) => {
      const changed: Identity = i % 2 === 0
        ? { ...p, attributes: { ...p.attributes, title: `Changed ${i}` } }
        : { ...p, entitlements: [...p.entitlements.slice(1), { kind: 'group', name: 'proj-500', rule: 't' }] };
      const t0 = process.hrtime.bigint();
      snap = snap.withIdentityChanges([changed]);
      times.push(ms(t0));
    });
    console.log(`build ${buildMs.toFixed(0)} ms, one-person update median ${median(times).toFixed(3)} ms`);
    expect(median(times) * 50).toBeLessThan(buildMs);
    expect(snap.entry(`uid=${people[0].username},ou=people,${BASE}`)?.attrs.get('title')?.values).toEqual(['Changed 0']);
  });

  it('answers indexed equality searches in well under a millisecond (median)', () => {
    const users = data.identities.filter((i) => i.state !== 'terminated');
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const u = users[(i * 7919) % users.length].username;
      const t0 = process.hrtime.bigint();
      const found = [...snap.search({ base: BASE, scope: 'sub', filter: parseFilterString(`(&(objectClass=posixAccount)(uid=${u}))`) })!];
      times.push(ms(t0));
      expect(found).toHaveLength(1);
    }
    console.log(`uid search median ${(median(times) * 1000).toFixed(1)} us`);
    expect(median(times)).toBeLessThan(1);
  });
});

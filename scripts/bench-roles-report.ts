// Role-report benchmark: writes an SQLite store of N people (created 400 days ago) and a trail of M
// department moves spread over the last year, with the entitlements and audit records the sync
// writes, and a configuration next to it. Then times `idsync roles report --json` (the built CLI,
// in its own process, so the generator's memory does not count) and prints one JSON line.
// Usage: node dist/scripts/bench-roles-report.js [--people N] [--moves M] [--keep]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rolesSchema } from '../src/config/sections/targets';
import { auditPayload, diffIdentities } from '../src/domain/identity-diff';
import { createRolePolicy } from '../src/domain/roles';
import type { AuditDraft, Group, Identity } from '../src/domain/types';
import type { IdentityWrite } from '../src/ports/identity-store';
import { departmentGroupsPolicy } from '../src/services/policy/department-groups';
import { openStore } from '../src/storage';

const DEPARTMENTS = ['Engineering', 'Sales', 'Research', 'Finance', 'Operations', 'Marketing', 'People', 'Support'];
const DAY_MS = 86_400_000;
const BATCH = 2000;

const ROLES = [
  ...DEPARTMENTS.map((d) => ({ name: d.toLowerCase(), when: `department == "${d}"`, groups: [`${d.toLowerCase()}-team`] })),
  { name: 'leads', when: 'title.contains("Lead")', groups: ['leads'], include: ['vpn'] },
  { name: 'vpn', groups: ['vpn'] },
  { name: 'okta-admins', when: '"okta:admins" in groups', groups: ['admins'] },
  { name: 'astronauts', when: 'title == "Astronaut"', groups: ['space'] },
];

function argNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number`);
  return n;
}

function configYaml(dir: string): string {
  return [
    `store: { kind: sqlite, path: ${join(dir, 'idsync.db')} }`,
    'sources: []',
    'roles:',
    ...ROLES.map((r) => `  - ${JSON.stringify(r)}`),
    'groups:',
    '  - { name: all-teams, include: [engineering-team, sales-team] }',
    '',
  ].join('\n');
}

function person(i: number, at: string): Identity {
  return {
    id: `id-${i}`,
    revision: 0,
    username: `user${i}`,
    uidNumber: 10000 + i,
    employeeId: `E${i}`,
    state: 'active',
    stateChangedAt: at,
    attributes: { givenName: 'P', sn: `${i}`, mail: `p${i}@example.com`, department: DEPARTMENTS[i % DEPARTMENTS.length], title: i % 20 === 0 ? 'Team Lead' : 'Engineer' },
    provenance: {},
    links: [],
    entitlements: [],
    createdAt: at,
    updatedAt: at,
  };
}

function audit(time: string, action: string, after: Identity, payload: { before: unknown; after: unknown }): AuditDraft {
  return { time, actor: { kind: 'source-run', id: 'bench', source: 'hr' }, action, subject: { kind: 'identity', id: after.id, username: after.username }, ...payload, correlationId: `bench:${after.id}` };
}

async function generate(dir: string, people: number, moves: number): Promise<void> {
  const policy = createRolePolicy(rolesSchema.parse(ROLES), [], departmentGroupsPolicy);
  const admins = new Set(Array.from({ length: Math.ceil(people / 100) }, (_, k) => `id-${k * 100}`));
  const groupsOf = (id: string): string[] => (admins.has(id) ? ['okta:admins'] : []);
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'idsync.db') });
  try {
    const created = new Date(Date.now() - 400 * DAY_MS).toISOString();
    const adminsGroup: Group = { name: 'okta:admins', gidNumber: 30000, description: null, origin: 'source:okta', createdAt: created, members: [...admins].sort() };
    await store.commit({ groupWrites: [adminsGroup] });
    const current: Identity[] = [];
    for (let i = 0; i < people; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, people - i) }, (_, k) => person(i + k, created));
      for (const p of batch) p.entitlements = policy.entitlements(p, { groups: groupsOf(p.id) });
      await store.commit({
        identities: batch.map((identity) => ({ identity, expectedRevision: null })),
        audit: batch.map((p) => audit(created, 'identity.create', p, { before: null, after: { entitlements: p.entitlements } })),
      });
      for (const p of batch) current.push({ ...p, revision: 1 });
    }
    const start = Date.now() - 365 * DAY_MS;
    for (let m = 0; m < moves; m += BATCH) {
      const writes: IdentityWrite[] = [];
      const records: AuditDraft[] = [];
      const touched = new Set<number>();
      for (let k = m; k < Math.min(m + BATCH, moves); k++) {
        const i = (k * 7919) % people;
        if (touched.has(i)) continue; // one write per person per commit (never at N >= BATCH: 7919 is prime)
        touched.add(i);
        const at = new Date(start + Math.floor((k * 365 * DAY_MS) / moves)).toISOString();
        const before = current[i];
        const department = DEPARTMENTS[(DEPARTMENTS.indexOf(before.attributes.department!) + 1 + (k % 7)) % DEPARTMENTS.length];
        const moved: Identity = { ...before, attributes: { ...before.attributes, department }, updatedAt: at };
        moved.entitlements = policy.entitlements(moved, { groups: groupsOf(moved.id) });
        writes.push({ identity: moved, expectedRevision: before.revision });
        records.push(audit(at, 'identity.update', moved, auditPayload(diffIdentities(before, moved))));
        current[i] = { ...moved, revision: before.revision + 1 };
      }
      await store.commit({ identities: writes, audit: records });
    }
  } finally {
    await store.close();
  }
}

/** The built CLI under GNU time, which writes the peak resident set (KiB) as the last line of stderr. */
function timedReport(config: string): { ms: number; maxRssMb: number; report: Record<string, unknown> } {
  const bin = resolve(__dirname, '../../bin/idsync.js');
  const started = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'roles', 'report', '--config', config, '--json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Date.now() - started;
  if (r.status !== 0) throw new Error(`roles report exited ${r.status}: ${r.stderr}`);
  return { ms, maxRssMb: Math.round(Number(r.stderr.trim().split('\n').pop()) / 1024), report: JSON.parse(r.stdout) };
}

async function main(): Promise<void> {
  const people = argNumber('--people', 100_000);
  const moves = argNumber('--moves', 300_000);
  const dir = mkdtempSync(join(tmpdir(), 'idsync-bench-roles-'));
  const config = join(dir, 'idsync.yaml');
  writeFileSync(config, configYaml(dir));
  try {
    const genStart = Date.now();
    await generate(dir, people, moves);
    const generateMs = Date.now() - genStart;
    const { ms, maxRssMb, report } = timedReport(config);
    const rules = report.rules as { name: string; members: number; gained: { count: number } | null; lost: { count: number } | null }[];
    console.log(
      JSON.stringify({
        people,
        moves,
        auditRecords: people + moves,
        generateMs,
        reportMs: ms,
        reportMaxRssMb: maxRssMb,
        auditRecordsRead: report.auditRecordsRead,
        activePeople: report.activePeople,
        unmatched: report.unmatched,
        rules: rules.map((r) => ({ name: r.name, members: r.members, gained: r.gained?.count ?? null, lost: r.lost?.count ?? null })),
        dir: process.argv.includes('--keep') ? dir : undefined,
      }),
    );
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench-roles-report failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

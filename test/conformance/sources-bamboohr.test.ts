// The bamboohr source against the BambooHR fake through the source conformance suite: full,
// rateLimit (BambooHR throttles with 503 + Retry-After), incremental (/employees/changed then one
// filtered report), readOne, keyless. No paging: a custom report is one answer.
import { openSource } from '../../src/connectors/sources';
import { startBambooFake, type BambooEmployee, type BambooFake } from '../fakes/bamboohr';
import { runSourceConformance, type ConformancePerson } from './source-connector';

const employeeOf = (p: ConformancePerson, id: string): BambooEmployee => ({
  id,
  employeeNumber: `E-${id}`,
  firstName: p.givenName,
  lastName: p.sn,
  workEmail: p.mail,
  jobTitle: p.title,
  status: 'Active',
  employmentHistoryStatus: 'Full-Time',
  hireDate: '2024-02-01',
  terminationDate: null,
});

runSourceConformance('bamboohr', {
  supports: { rateLimit: true, incremental: true, readOne: true, keyless: true },
  async make() {
    const b: BambooFake = await startBambooFake();
    const ids = new Map<string, string>();
    return {
      seed: async (people) => {
        b.clear();
        people.forEach((p, i) => {
          const id = String(101 + i);
          ids.set(p.key, id);
          b.put(employeeOf(p, id));
        });
        // the people were entered well before idsync reads them (outside the watermark's overlap)
        b.tick(10 * 60_000);
      },
      open: (deps) => openSource({ name: 'bamboo', kind: 'bamboohr', url: b.url, apiKey: b.apiKey }, { baseDir: '.', ...deps }),
      externalIdOf: (p) => ids.get(p.key)!,
      rateLimitNext: (waitMs) => b.inject(503, Math.ceil(waitMs / 1000) + 1),
      tick: async () => b.tick(10 * 60_000),
      change: async (p) => b.put(employeeOf(p, ids.get(p.key)!)),
      remove: async (p) => b.remove(ids.get(p.key)!),
      addKeyless: async () => b.put({ id: '', firstName: 'No', lastName: 'Id', workEmail: 'noid@example.com', status: 'Active' }),
      close: () => b.close(),
    };
  },
});

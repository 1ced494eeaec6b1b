// The fake source through the source conformance suite. It has no pages, no HTTP and no watermark,
// so it runs: full read, readOne, keyless record. Not registered: pages, faults, rateLimit,
// incremental, truncate.
import { openSource } from '../../src/connectors/sources';
import { runSourceConformance, type ConformancePerson } from './source-connector';

runSourceConformance('fake', {
  supports: { readOne: true, keyless: true },
  async make() {
    let rows: Array<Record<string, string | null>> = [];
    const row = (p: ConformancePerson) => ({ employeeId: p.key, givenName: p.givenName, sn: p.sn, mail: p.mail, title: p.title });
    return {
      seed: async (people) => {
        rows = people.map(row);
      },
      open: () => openSource({ name: 'demo', kind: 'fake', records: rows }, { baseDir: '.' }),
      externalIdOf: (p) => p.key,
      addKeyless: async () => {
        rows.push({ givenName: 'No', sn: 'Key', mail: 'nokey@example.com' });
      },
      close: async () => {},
    };
  },
});

// The HR CSV source through the source conformance suite. A file has no pages, no HTTP status and
// no watermark, so it runs: full read, readOne, keyless row (empty employee id), truncate (a file
// without its final newline). Not registered: pages, faults, rateLimit, incremental.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSource } from '../../src/connectors/sources';
import { runSourceConformance, type ConformancePerson } from './source-connector';

const HEADER = 'employee_id,first_name,last_name,email,title\n';
// the harness file carries only the suite's attributes; the others are declared absent
const columns = { department: null, manager: null, status: null, startDate: null, endDate: null, employeeType: null, location: null };
const line = (p: ConformancePerson) => `${p.key},${p.givenName},${p.sn},${p.mail},${p.title}\n`;

runSourceConformance('csv', {
  supports: { readOne: true, keyless: true, truncate: true },
  async make() {
    const dir = mkdtempSync(join(tmpdir(), 'idsync-csv-conf-'));
    const file = join(dir, 'hr.csv');
    return {
      seed: async (people) => writeFileSync(file, HEADER + people.map(line).join('')),
      open: (deps) => openSource({ name: 'hr', kind: 'csv', path: 'hr.csv', settleSeconds: 0, columns }, { baseDir: dir, ...deps }),
      externalIdOf: (p) => p.key,
      addKeyless: async () => appendFileSync(file, ',No,Key,nokey@example.com,Engineer\n'),
      truncate: async () => writeFileSync(file, readFileSync(file, 'utf8').replace(/\n[^\n]*\n$/, '\nE9,Cut')),
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});

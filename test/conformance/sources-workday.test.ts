// The workday source against the RaaS fake through the source conformance suite. RaaS has no
// paging and no change feed, so it runs: full, rateLimit, readOne, keyless, truncate. Entries are
// written as Workday prints them (empty columns absent, emails as arrays or "; " strings, dates
// with the tenant's offset).
import { openSource } from '../../src/connectors/sources';
import { startWorkdayFake, type WorkdayEntry, type WorkdayFake } from '../fakes/workday-raas';
import { runSourceConformance, type ConformancePerson } from './source-connector';

function entryOf(p: ConformancePerson, i: number): WorkdayEntry {
  return {
    Employee_ID: `2100${i}`,
    Legal_First_Name: p.givenName,
    Legal_Last_Name: p.sn,
    // a multi-instance email field: an array for some workers, one joined string for others
    Primary_Work_Email: i % 2 ? [p.mail, `${p.key}.alt@example.org`] : `${p.mail}; ${p.key}.alt@example.org`,
    Business_Title: p.title,
    Worker_Status: 'Active',
    Hire_Date: '2024-03-01-08:00',
  };
}

runSourceConformance('workday', {
  supports: { rateLimit: true, readOne: true, keyless: true, truncate: true },
  async make() {
    const w: WorkdayFake = await startWorkdayFake();
    const ids = new Map<string, string>();
    return {
      seed: async (people) => {
        w.entries.length = 0;
        w.breakAnswer(null);
        people.forEach((p, i) => {
          const e = entryOf(p, i);
          ids.set(p.key, String(e.Employee_ID));
          w.entries.push(e);
        });
      },
      open: (deps) => openSource({ name: 'wd', kind: 'workday', url: w.reportUrl, username: w.username, password: w.password, timeZone: 'America/Los_Angeles' }, { baseDir: '.', ...deps }),
      externalIdOf: (p) => ids.get(p.key)!,
      rateLimitNext: (waitMs) => w.inject(429, Math.ceil(waitMs / 1000) + 1),
      addKeyless: async () => {
        w.entries.push({ Legal_First_Name: 'No', Legal_Last_Name: 'Id', Primary_Work_Email: 'noid@example.com', Worker_Status: 'Active' });
      },
      truncate: async () => {
        const whole = JSON.stringify({ Report_Entry: w.entries });
        w.breakAnswer({ status: 200, body: whole.slice(0, Math.floor(whole.length / 2)) });
      },
      close: () => w.close(),
    };
  },
});

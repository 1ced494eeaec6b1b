// Feeds the report builder from the store a page at a time: people by id in pages, the audit trail
// from the first record of the window onwards. Memory holds one page, the group rows (role
// conditions need every person's groups) and the light key list of the people.
import { GroupMembership } from '../../domain/group-membership';
import type { IdentityStore } from '../../ports/identity-store';
import { RoleReportBuilder, type RoleReportInput } from './report';
import type { RoleReport } from './types';

/** Identities fetched per store call: big enough that round trips do not dominate, small enough to page. */
const PEOPLE_PAGE = 1000;
const AUDIT_PAGE = 5000;
/**
 * Audit times are each run's clock, and two runs of different sources commit interleaved, so times
 * are only nearly in seq order. Reading starts this much before the window (records outside it are
 * skipped), which covers any run shorter than a day.
 */
const LEAD_IN_MS = 24 * 60 * 60 * 1000;

export type ReportStore = Pick<IdentityStore, 'identityKeys' | 'getIdentities' | 'listGroups' | 'readAudit' | 'auditHead'>;

export async function buildRoleReport(store: ReportStore, input: RoleReportInput): Promise<RoleReport> {
  const builder = new RoleReportBuilder(input);
  await feedPeople(store, builder);
  const from = await firstSeqAtOrAfter(store, new Date(Date.parse(input.window.since) - LEAD_IN_MS).toISOString());
  await feedAudit(store, builder, from);
  return builder.report();
}

async function feedPeople(store: ReportStore, builder: RoleReportBuilder): Promise<void> {
  const membership = new GroupMembership(await store.listGroups());
  const ids = (await store.identityKeys()).map((k) => k.id);
  for (let i = 0; i < ids.length; i += PEOPLE_PAGE) {
    for (const identity of await store.getIdentities(ids.slice(i, i + PEOPLE_PAGE))) {
      builder.addPerson(identity, membership.groupsOf(identity.id));
    }
  }
}

async function feedAudit(store: ReportStore, builder: RoleReportBuilder, from: number): Promise<void> {
  for (;;) {
    const page = await store.readAudit(from, AUDIT_PAGE);
    for (const record of page) builder.addAuditRecord(record);
    if (page.length < AUDIT_PAGE) return;
    from = page[page.length - 1].seq + 1;
  }
}

/**
 * The first seq whose record is at or after `time`, by bisection over single-record reads (about
 * 20 reads for a million records) instead of reading the trail from its start. With no head marker
 * it answers 1: the whole trail is read, which is slow but still right.
 */
export async function firstSeqAtOrAfter(store: Pick<ReportStore, 'readAudit' | 'auditHead'>, time: string): Promise<number> {
  let lo = 1;
  let hi = (await store.auditHead()).seq + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const [record] = await store.readAudit(mid, 1);
    if (record && record.time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

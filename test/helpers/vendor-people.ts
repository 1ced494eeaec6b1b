// People as the vendors' fakes store them, and the hook deliveries the vendors send about them
// (Okta event hooks, BambooHR signed webhooks), shared by the in-process and the e2e hook tests.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { OktaFake, OktaStatus } from '../fakes/okta';

/** Adds a person to the fake as Okta stores them: an immutable id, a login, a profile. */
export function addOktaUser(okta: OktaFake, first: string, last: string, employeeNumber: string, department = 'Engineering'): string {
  const id = `00u${randomBytes(8).toString('hex')}`;
  const stamp = new Date().toISOString();
  const login = `${first}.${last}@example.com`.toLowerCase();
  okta.users.set(id, {
    id,
    status: 'ACTIVE',
    created: stamp,
    lastUpdated: stamp,
    profile: { firstName: first, lastName: last, email: login, login, employeeNumber, department, title: 'Engineer', displayName: `${first} ${last}` },
  });
  return id;
}

/** What an Okta admin's "Suspend" or "Deactivate" does to the user object. */
export function setOktaStatus(okta: OktaFake, id: string, status: OktaStatus): void {
  const user = okta.users.get(id)!;
  user.status = status;
  user.lastUpdated = new Date().toISOString();
}

/** The body of an Okta event hook delivery: one user.lifecycle.deactivate event naming the user. */
export const oktaEvent = (userId: string, uuid = randomUUID(), published = new Date().toISOString()): string => JSON.stringify({
  eventType: 'com.okta.event_hook', eventTypeVersion: '1.0', cloudEventsVersion: '0.1', source: 'https://example.okta.com/api/v1/eventHooks/who1', eventId: randomUUID(),
  data: { events: [{ uuid, published, eventType: 'user.lifecycle.deactivate', displayMessage: 'Deactivate Okta user', severity: 'INFO', actor: { id: '00uadmin', type: 'User' }, target: [{ id: userId, type: 'User', alternateId: 'x@example.com' }] }] },
});

/** An employee as BambooHR's custom report lists them, active unless `extra` says otherwise. */
export const bambooEmployee = (id: number, extra: Record<string, string | null> = {}) => ({
  id: String(id), employeeNumber: `B${id}`, firstName: `Bam${id}`, lastName: 'Boo', workEmail: `bam${id}@acme.example`, jobTitle: 'Engineer',
  department: 'Engineering', status: 'Active', employmentHistoryStatus: 'Full-Time', hireDate: '2024-01-08', terminationDate: null, ...extra,
});

/** What BambooHR terminating an employee does to the record. */
export const bambooTerminated = (id: number) => bambooEmployee(id, { status: 'Inactive', employmentHistoryStatus: 'Terminated', terminationDate: '2025-11-30' });

/** X-BambooHR-Signature: hex HMAC-SHA256 by the private key of the raw body followed by the timestamp. */
export const bambooSignature = (key: string, body: string, timestamp: string): string => createHmac('sha256', key).update(body + timestamp).digest('hex');

/** X-BambooHR-Timestamp: Unix seconds. */
export const nowSeconds = (): string => String(Math.floor(Date.now() / 1000));

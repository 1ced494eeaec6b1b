// How many SCIM requests one change costs, counted at a real scimmy provider through the worker's
// applyPair: a create is one search and one POST; an update or disable of an account idsync knows
// (its external id is stored in targetAccounts) is one GET and one PATCH. An account the target
// already has is adopted, never duplicated, whether it was there before the search or not.
import { randomUUID } from 'node:crypto';
import { openTarget } from '../../src/connectors/targets';
import { systemClock } from '../../src/ports/clock';
import type { ActualAccount, TargetConnector } from '../../src/ports/target-connector';
import { applyPair, type ApplyDeps } from '../../src/services/provisioning/apply';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { startScimServer, type ScimServer } from '../fakes/scim-server';
import { desiredFor } from '../conformance/target-connector';
import { commitPerson, newIdentity, target } from './provisioning-world';

describe('SCIM requests per change', () => {
  const scimTarget = target('app', { kind: 'scim' });
  let srv: ScimServer;
  let connector: TargetConnector;
  let deps: ApplyDeps;
  let store: MemoryStore;
  beforeEach(async () => {
    srv = await startScimServer({ caseInsensitiveFilter: true });
    connector = openTarget({ name: 'app', kind: 'scim', url: srv.url, token: srv.token });
    store = new MemoryStore();
    deps = { store, connector, target: scimTarget, clock: systemClock };
  });
  afterEach(async () => srv.close());

  const apply = (identityId: string) => applyPair(deps, { target: 'app', identityId, priority: 5, correlationId: randomUUID(), intentId: randomUUID() });
  const requestsDuring = async (work: () => Promise<unknown>): Promise<string[]> => {
    const mark = srv.log.length;
    await work();
    return srv.log.slice(mark).map((l) => `${l.method} ${l.path.replace(/[0-9a-f-]{36}/g, ':id')}${l.status === 409 ? ' 409' : ''}`);
  };
  const usersNamed = (userName: string) => [...srv.users.values()].filter((u) => String(u.userName).toLowerCase() === userName.toLowerCase());

  type Person = Awaited<ReturnType<typeof commitPerson>>;
  /** Stores a new state of the person; applyPair reads the state, so no intent is needed to drive it. */
  async function save(person: Person, next: Partial<Person>): Promise<Person> {
    const identity = { ...person, ...next };
    const res = await store.commit({ identities: [{ identity, expectedRevision: person.revision }] });
    return { ...identity, revision: res.revisions[person.id] };
  }
  const grant = (groups: string[]) => ({ entitlements: [{ kind: 'account' as const, name: 'app', values: groups, rule: 'test' }] });

  async function provisioned(groups: string[] = []): Promise<{ person: Person; externalId: string }> {
    let person = await commitPerson(store, [scimTarget], null, newIdentity());
    if (groups.length) person = await save(person, grant(groups));
    await apply(person.id);
    const account = await store.getTargetAccount('app', person.id);
    expect(account?.externalId).toBeTruthy();
    return { person, externalId: account!.externalId! };
  }

  it('a create of an account the target does not have is one search by userName and one POST', async () => {
    const person = await commitPerson(store, [scimTarget], null, newIdentity());
    const requests = await requestsDuring(() => apply(person.id));
    expect(requests).toEqual(['GET /scim/v2/Users', 'POST /scim/v2/Users']);
    const [user] = usersNamed(person.username);
    expect(user).toMatchObject({ userName: person.username, active: true, title: 'Engineer' });
    expect((await store.getTargetAccount('app', person.id))).toMatchObject({ externalId: user.id, status: 'provisioned' });
  });

  it('an account made at the target beforehand is found by the search and adopted: no POST, one PATCH', async () => {
    const person = await commitPerson(store, [scimTarget], null, newIdentity());
    const byHand = await connector.create(desiredFor(person.username, { attributes: { title: 'Made by hand' } }));
    const requests = await requestsDuring(() => apply(person.id));
    expect(requests).toEqual(['GET /scim/v2/Users', 'PATCH /scim/v2/Users/:id']);
    expect(usersNamed(person.username)).toHaveLength(1);
    expect(srv.users.get(byHand.externalId)?.title).toBe('Engineer');
    expect((await store.getTargetAccount('app', person.id))?.externalId).toBe(byHand.externalId);
  });

  it('an account made between the search and the POST is adopted on the 409, not duplicated', async () => {
    const person = await commitPerson(store, [scimTarget], null, newIdentity());
    let byHand: ActualAccount | null = null;
    // another tool creates the account right after idsync's search found nothing
    const racing: TargetConnector = Object.assign(Object.create(connector) as TargetConnector, {
      lookup: async (userName: string, externalId: string | null) => {
        const found = await connector.lookup(userName, externalId);
        byHand = await connector.create(desiredFor(person.username, { attributes: { title: 'Made by hand' } }));
        return found;
      },
    });
    deps = { ...deps, connector: racing };
    const requests = await requestsDuring(() => apply(person.id));
    expect(requests).toEqual(['GET /scim/v2/Users', 'POST /scim/v2/Users', 'POST /scim/v2/Users 409', 'GET /scim/v2/Users', 'PATCH /scim/v2/Users/:id']);
    expect(usersNamed(person.username)).toHaveLength(1);
    expect(srv.users.get(byHand!.externalId)?.title).toBe('Engineer');
    expect((await store.getTargetAccount('app', person.id))?.externalId).toBe(byHand!.externalId);
  });

  it('an attribute update is one GET by id and one PATCH by id', async () => {
    const { person, externalId } = await provisioned();
    await commitPerson(store, [scimTarget], person, { ...person, attributes: { ...person.attributes, title: 'Senior Engineer' } });
    const requests = await requestsDuring(() => apply(person.id));
    expect(requests).toEqual(['GET /scim/v2/Users/:id', 'PATCH /scim/v2/Users/:id']);
    expect(srv.users.get(externalId)?.title).toBe('Senior Engineer');
  });

  it('a disable is one GET by id and one PATCH by id', async () => {
    const { person, externalId } = await provisioned();
    await commitPerson(store, [scimTarget], person, { ...person, state: 'terminated' });
    const requests = await requestsDuring(() => apply(person.id));
    expect(requests).toEqual(['GET /scim/v2/Users/:id', 'PATCH /scim/v2/Users/:id']);
    expect(srv.users.get(externalId)?.active).toBe(false);
    expect((await store.getTargetAccount('app', person.id))?.status).toBe('disabled');
  });

  it('a member of groups is still updated with one GET and one PATCH: its groups come with the user', async () => {
    const { person, externalId } = await provisioned(['dev', 'ops']);
    const memberOf = [...srv.groups.values()].filter((g) => g.members.some((m: { value: string }) => m.value === externalId));
    expect(memberOf.map((g) => g.displayName).sort()).toEqual(['dev', 'ops']);
    await save(person, { attributes: { ...person.attributes, title: 'Lead' } });
    const requests = await requestsDuring(() => apply(person.id));
    expect(requests).toEqual(['GET /scim/v2/Users/:id', 'PATCH /scim/v2/Users/:id']);
    expect(srv.users.get(externalId)?.title).toBe('Lead');
  });

  it('a provider that leaves groups off the User costs one more GET, on /Groups', async () => {
    await srv.close();
    srv = await startScimServer({ caseInsensitiveFilter: true, userGroups: false });
    connector = openTarget({ name: 'app', kind: 'scim', url: srv.url, token: srv.token });
    deps = { ...deps, connector };
    const { person } = await provisioned();
    await commitPerson(store, [scimTarget], person, { ...person, attributes: { ...person.attributes, title: 'Senior Engineer' } });
    const requests = await requestsDuring(() => apply(person.id));
    expect(requests).toEqual(['GET /scim/v2/Users/:id', 'GET /scim/v2/Groups', 'PATCH /scim/v2/Users/:id']);
  });
});

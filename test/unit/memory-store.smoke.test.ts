import { MemoryStore } from '../../src/storage/memory/memory-store';
it('commits an audit record with a chained hash', async () => {
  const s = new MemoryStore();
  const r = await s.commit({ audit: [{ time: 't', actor: { kind: 'system', id: 'x' }, action: 'a', subject: { kind: 'k', id: '1' }, before: null, after: null, correlationId: 'c' }] });
  expect(r.audit[0].seq).toBe(1);
  expect((await s.auditHead()).hash).toBe(r.audit[0].hash);
});

import { sourceRecord } from '../fixtures';
import type { SuiteContext } from '../identity-store';
import type { SourceRecordLookupKey } from '../../../src/ports/identity-store';

const keys = (rows: { source: string; externalId: string }[]) => rows.map((r) => `${r.source}/${r.externalId}`).sort();
const withAttrs = (source: string, externalId: string, attrs: Record<string, string>, gone = false) => {
  const r = sourceRecord(source, externalId, { gone });
  return { ...r, attributes: { ...r.attributes, ...attrs } };
};

export function recordLookupCases(ctx: SuiteContext): void {
  describe('source record lookup by attribute', () => {
    it('finds records of one source by login, case-insensitively, Unicode included', async () => {
      const store = ctx.store();
      await store.commit({
        sourceRecords: [
          withAttrs('scim', 'u1', { login: 'Ann.Lee@Example.com' }),
          withAttrs('scim', 'u2', { login: 'ÉMILE@example.com' }),
          withAttrs('scim', 'u3', { login: 'bob@example.com' }),
          withAttrs('other', 'o1', { login: 'ann.lee@example.com' }),
        ],
      });
      expect(keys(await store.findSourceRecords('scim', 'login', 'ann.lee@EXAMPLE.COM'))).toEqual(['scim/u1']);
      expect(keys(await store.findSourceRecords('scim', 'login', 'émile@example.com'))).toEqual(['scim/u2']);
      expect(keys(await store.findSourceRecords('other', 'login', 'Ann.Lee@example.com'))).toEqual(['other/o1']);
      expect(await store.findSourceRecords('scim', 'login', 'ann.lee')).toEqual([]);
      expect(await store.findSourceRecords('nowhere', 'login', 'ann.lee@example.com')).toEqual([]);
    });

    it('returns the whole record, gone ones included, and every record sharing the value', async () => {
      const store = ctx.store();
      const live = withAttrs('scim', 'u1', { scimExternalId: 'EXT-1' });
      const gone = withAttrs('scim', 'u2', { scimExternalId: 'ext-1' }, true);
      await store.commit({ sourceRecords: [live, gone, withAttrs('scim', 'u3', { scimExternalId: 'EXT-2' })] });
      const found = (await store.findSourceRecords('scim', 'scimExternalId', 'Ext-1')).sort((a, b) => a.externalId.localeCompare(b.externalId));
      expect(found).toEqual([live, gone]);
    });

    it('follows a record whose value changes or disappears', async () => {
      const store = ctx.store();
      await store.commit({ sourceRecords: [withAttrs('scim', 'u1', { login: 'old@example.com', scimExternalId: 'X1' })] });
      await store.commit({ sourceRecords: [withAttrs('scim', 'u1', { login: 'new@example.com' })] });
      expect(await store.findSourceRecords('scim', 'login', 'old@example.com')).toEqual([]);
      expect(keys(await store.findSourceRecords('scim', 'login', 'NEW@example.com'))).toEqual(['scim/u1']);
      expect(await store.findSourceRecords('scim', 'scimExternalId', 'X1')).toEqual([]);
    });

    it('never matches a record without the attribute, nor an empty value', async () => {
      const store = ctx.store();
      await store.commit({ sourceRecords: [sourceRecord('scim', 'u1'), withAttrs('scim', 'u2', { login: '' })] });
      expect(await store.findSourceRecords('scim', 'login', '')).toEqual([]);
      expect(await store.findSourceRecords('scim', 'scimExternalId', '')).toEqual([]);
    });

    it('refuses an attribute that is not indexed, naming it', async () => {
      const store = ctx.store();
      await expect(store.findSourceRecords('scim', 'mail' as SourceRecordLookupKey, 'a@example.com')).rejects.toThrow(/"mail" is not an indexed record attribute/);
    });

    it('keeps the lookup across a reopen', async () => {
      await ctx.store().commit({ sourceRecords: [withAttrs('scim', 'u1', { login: 'Kept@example.com' })] });
      const reopened = await ctx.reopen();
      expect(keys(await reopened.findSourceRecords('scim', 'login', 'kept@EXAMPLE.com'))).toEqual(['scim/u1']);
    });
  });
}

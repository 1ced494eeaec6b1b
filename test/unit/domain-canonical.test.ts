import { canonicalJson, contentHash } from '../../src/domain/canonical';

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined members and nulls undefined array items', () => {
    const value = { b: [1, undefined, { z: 'ü', a: null }], a: 'x"y', c: undefined, d: { y: true, x: 2.5 } };
    expect(canonicalJson(value)).toBe('{"a":"x\\"y","b":[1,null,{"a":null,"z":"ü"}],"d":{"x":2.5,"y":true}}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('hashes equal content equally whatever the key order', () => {
    expect(contentHash({ givenName: 'Ann', sn: 'Lee' })).toBe(contentHash({ sn: 'Lee', givenName: 'Ann' }));
    expect(contentHash({ givenName: 'Ann', sn: 'Lee' })).not.toBe(contentHash({ givenName: 'Ann', sn: 'Lea' }));
  });
});

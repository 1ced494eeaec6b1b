import { foldToAscii, transliterateToAscii } from '../../src/domain/username';

describe('transliterateToAscii', () => {
  it('keeps case and punctuation while folding accents and non-decomposing letters', () => {
    expect(transliterateToAscii('José Müller-Łukasz')).toBe('Jose Muller-Lukasz');
    expect(transliterateToAscii('Søren Æbelø')).toBe('Soren AEbelo');
    expect(transliterateToAscii('ßtraße ẞ Đorđe Þór Œuvre')).toBe('sstrasse SS Dorde THor OEuvre');
  });

  it('agrees with foldToAscii once lower-cased and stripped', () => {
    const name = 'Søren Æbelø ßtraße Đorđe Þór Œuvre ıi Łukasz';
    expect(transliterateToAscii(name).toLowerCase().replace(/[^a-z0-9]/g, '')).toBe(foldToAscii(name));
  });

  it('splits compatibility forms and drops what has no ASCII spelling', () => {
    expect(transliterateToAscii('ﬁne Ｘ² café')).toBe('fine X2 cafe');
    expect(transliterateToAscii('山田 Taro')).toBe(' Taro');
    expect(transliterateToAscii('tab\there\u00a0nbsp')).toBe('tab here nbsp');
  });

  it('returns ASCII input unchanged and empty for nothing', () => {
    expect(transliterateToAscii('Plain O\'Brien, Jr.')).toBe("Plain O'Brien, Jr.");
    expect(transliterateToAscii(null)).toBe('');
    expect(transliterateToAscii(undefined)).toBe('');
    expect(transliterateToAscii('')).toBe('');
  });
});

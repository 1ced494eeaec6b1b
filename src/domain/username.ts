// Letters NFD does not decompose into base + accent, folded the way people spell them in ASCII.
const FOLD_TABLE: Record<string, string> = {
  ł: 'l', Ł: 'l', ø: 'o', Ø: 'o', æ: 'ae', Æ: 'ae', ß: 'ss', ẞ: 'ss', đ: 'd', Đ: 'd', ð: 'd', Ð: 'd',
  þ: 'th', Þ: 'th', œ: 'oe', Œ: 'oe', ı: 'i', ħ: 'h', Ħ: 'h', ŀ: 'l', Ŀ: 'l', ŋ: 'n', Ŋ: 'n',
  ſ: 's', ĸ: 'k', ŧ: 't', Ŧ: 't',
};

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Lower-case ASCII letters and digits only; everything else (scripts, punctuation, spaces) drops out. */
export function foldToAscii(text: string | null | undefined): string {
  if (!text) return '';
  let out = '';
  for (const ch of text.normalize('NFD')) out += FOLD_TABLE[ch] ?? ch;
  return out.replace(COMBINING_MARKS, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Case-preserving transliteration to printable ASCII, for IA5 attributes such as gecos:
 * "José Müller-Łukasz" -> "Jose Muller-Lukasz". Accents drop, the letters NFD cannot split use
 * FOLD_TABLE with their case kept (Ł -> L, Æ -> AE, ß -> ss, as iconv's //TRANSLIT spells them),
 * any whitespace becomes a space, and what has no ASCII form (other scripts, symbols) drops out.
 */
export function transliterateToAscii(text: string | null | undefined): string {
  if (!text) return '';
  if (PRINTABLE_ASCII.test(text)) return text;
  let out = '';
  // NFKD also splits compatibility forms: ligatures (ﬁ -> fi), full-width letters, superscripts.
  for (const ch of text.normalize('NFKD')) {
    const folded = FOLD_TABLE[ch];
    if (folded === undefined) out += ch;
    else out += ch === ch.toLowerCase() ? folded : folded.toUpperCase();
  }
  return out.replace(COMBINING_MARKS, '').replace(/\s/g, ' ').replace(/[^\x20-\x7e]/g, '');
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The username a person would get before collisions: first initial + last name, folded.
 * A name that folds to nothing (another script) falls back to `u` + employee id, so the
 * username is still stable and unique per person.
 */
export function usernameBase(givenName: string | null, sn: string | null, employeeId: string | null): string {
  const last = foldToAscii(sn);
  const first = foldToAscii(givenName);
  let base = last ? first.slice(0, 1) + last : first;
  if (!base) base = `u${foldToAscii(employeeId)}`;
  if (base === 'u') base = 'user';
  // POSIX usernames must not start with a digit.
  return /^[0-9]/.test(base) ? `u${base}` : base;
}

const suffixHints = new WeakMap<Set<string>, Map<string, number>>();

/**
 * First free name among base, base2, base3, ... at most maxLength long (the base is cut so the
 * suffix fits). `taken` holds every username ever assigned, lower-cased; the winner is added to it.
 */
export function allocateUsername(base: string, taken: Set<string>, maxLength: number): string {
  let candidate = base.slice(0, maxLength);
  // Remember where the last search for this base stopped: 300 jsmiths must not cost 300² probes.
  const hints = suffixHints.get(taken) ?? new Map<string, number>();
  suffixHints.set(taken, hints);
  for (let n = hints.get(base) ?? 2; taken.has(candidate); n++) {
    hints.set(base, n + 1);
    const suffix = String(n);
    candidate = base.slice(0, maxLength - suffix.length) + suffix;
  }
  taken.add(candidate);
  return candidate;
}

// Size and item caps of a search filter, checked on its BER before anything decodes it: a 10 MB
// substring or a 120,000-item OR must cost a count, not a parse, a printout and a scan.
import { FilterTooComplexError } from '../contract';
import { readTlv } from './ber-read';

const AND = 0xa0;
const OR = 0xa1;
const NOT = 0xa2;

export interface FilterCaps {
  maxBytes: number;
  maxNodes: number;
}

/** Throws FilterTooComplexError naming the cap; counts items as compileFilter does (and/or/not included). */
export function checkFilterCaps(ber: Buffer, caps: FilterCaps): void {
  if (ber.length > caps.maxBytes) {
    throw new FilterTooComplexError(`filter of ${ber.length} bytes exceeds ldap.limits.filterMaxBytes (${caps.maxBytes})`);
  }
  // The PDU passed checkStructure, so every length nests; the walk is iterative and stops at the cap.
  // Each pending range is a run of filters: the whole filter, or the items of an and/or/not.
  const pending: [number, number][] = [[0, ber.length]];
  let nodes = 0;
  while (pending.length > 0) {
    const [at, limit] = pending.pop()!;
    if (at >= limit) continue;
    const t = readTlv(ber, at, limit);
    if (++nodes > caps.maxNodes) throw new FilterTooComplexError(`filter has more than ${caps.maxNodes} items (ldap.limits.filterMaxNodes)`);
    // the rest of this container (its next siblings), then this element's own items
    pending.push([t.end, limit]);
    if (t.tag === AND || t.tag === OR || t.tag === NOT) pending.push([t.start, t.end]);
  }
}

// Attribute selection (RFC 4511 4.5.1.8) compiled once per request list: `*`, `+`, `1.1`, names,
// aliases and OIDs case-insensitively. Shared by selectAttributes (rendered entries) and the encoder
// that writes records straight to BER, so both pick exactly the same attributes.
import type { AttributeSelection } from '../contract';
import { attributeType } from '../schema/attributes';

export function compileSelection(requested: readonly string[], typesOnly: boolean): AttributeSelection {
  const wanted = new Set<string>();
  let allUser = requested.length === 0;
  let allOperational = false;
  let noneAsked = false;
  for (const raw of requested) {
    const r = raw.trim();
    if (r === '*') allUser = true;
    else if (r === '+') allOperational = true;
    else if (r === '1.1') noneAsked = true;
    else if (r) wanted.add((attributeType(r)?.name ?? r).toLowerCase());
  }
  // `1.1` means "no attributes" only when asked alone (RFC 4511: ignored beside other names).
  const none = noneAsked && !allUser && !allOperational && wanted.size === 0;
  return { allUser, allOperational, wanted, none, typesOnly };
}

/** Whether an attribute (lower-cased schema name) is selected. */
export function isSelected(sel: AttributeSelection, key: string, operational: boolean): boolean {
  if (sel.none) return false;
  return sel.wanted.has(key) || (operational ? sel.allOperational : sel.allUser);
}

const cache = new Map<string, AttributeSelection>();

/** compileSelection, memoised: clients ask for the same few attribute lists over and over. */
export function selectionFor(requested: readonly string[], typesOnly: boolean): AttributeSelection {
  // NUL joins the key, so a name containing one could collide with another list: never cached.
  for (const r of requested) if (r.includes('\0')) return compileSelection(requested, typesOnly);
  const key = `${typesOnly ? 1 : 0}${requested.join('\0')}`;
  let sel = cache.get(key);
  if (!sel) {
    sel = compileSelection(requested, typesOnly);
    if (cache.size >= 256) cache.clear(); // bounded: a client inventing lists costs only recompiles
    cache.set(key, sel);
  }
  return sel;
}

// Attribute selection (RFC 4511 4.5.1.8). ldapjs does not lower-case requested names, so selection
// happens here: names match case-insensitively (aliases and OIDs too) and come back spelled as the
// schema spells them.
import type { SelectAttributes } from '../contract';
import { attributeType } from '../schema/attributes';

export const selectAttributes: SelectAttributes = (entry, requested, typesOnly) => {
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
  if (noneAsked && !allUser && !allOperational && wanted.size === 0) return [];
  const out: { name: string; values: string[] }[] = [];
  for (const [key, attr] of entry.attrs) {
    const selected = wanted.has(key) || (attr.operational ? allOperational : allUser);
    if (selected) out.push({ name: attr.name, values: typesOnly ? [] : attr.values });
  }
  return out;
};

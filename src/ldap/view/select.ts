// Attribute selection (RFC 4511 4.5.1.8). ldapjs does not lower-case requested names, so selection
// happens here: names match case-insensitively (aliases and OIDs too) and come back spelled as the
// schema spells them.
import type { SelectAttributes } from '../contract';
import { isSelected, selectionFor } from './selection';

export const selectAttributes: SelectAttributes = (entry, requested, typesOnly) => {
  const sel = selectionFor(requested, typesOnly);
  const out: { name: string; values: string[] }[] = [];
  if (sel.none) return out;
  for (const [key, attr] of entry.attrs) {
    if (isSelected(sel, key, attr.operational)) out.push({ name: attr.name, values: typesOnly ? [] : attr.values });
  }
  return out;
};

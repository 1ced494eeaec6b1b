import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain-JS build step, shared with `npm run build`
const { sourceHash } = require('../../scripts/build-stamp.js') as { sourceHash(root: string): string };

/** Whether dist/ was built from the sources as they are now (the stamp `npm run build` writes). */
export function builtFromCurrentSources(root: string): { built: string | null; current: string } {
  const stamp = join(root, 'dist', '.source-hash');
  return { built: existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : null, current: sourceHash(root) };
}

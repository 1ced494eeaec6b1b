import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | null = null;

/**
 * The idsync package version, found from both src/ (ts-jest) and dist/src/ (built) layouts. Only
 * idsync's own package.json counts, so a parent project's manifest is never mistaken for it.
 */
export function packageVersion(): string {
  if (cached) return cached;
  cached = '0.0.0';
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (!existsSync(p)) continue;
    const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'idsync') {
      cached = pkg.version ?? cached;
      break;
    }
  }
  return cached;
}

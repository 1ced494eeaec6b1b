// A credential given inline or as a file (so it stays out of the configuration file); relative
// files resolve against the configuration's directory, and the trailing newline editors add is cut.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export function readSecret(inline: string | undefined, file: string | undefined, baseDir: string): string | undefined {
  if (inline !== undefined) return inline;
  if (file === undefined) return undefined;
  return readFileSync(isAbsolute(file) ? file : resolve(baseDir, file), 'utf8').trim();
}

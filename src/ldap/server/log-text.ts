// Client-supplied text (filters, DNs) in the operation log: a bounded prefix and, when cut, the
// length and a digest, so a 10 MB filter is a short line that still tells two requests apart.
import { createHash } from 'node:crypto';

export const LOGGED_TEXT_CHARS = 256;

export function boundedText(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= LOGGED_TEXT_CHARS) return text;
  return `${text.slice(0, LOGGED_TEXT_CHARS)}... (${text.length} chars, sha256:${sha256Prefix(text)})`;
}

/** For bytes never decoded (a refused filter): its size and digest only. */
export function describeBytes(bytes: Buffer): string {
  return `<${bytes.length} bytes, sha256:${sha256Prefix(bytes)}>`;
}

const sha256Prefix = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex').slice(0, 16);

import { Client } from 'ldapts';

export interface DelegateOptions {
  upstreamUrl: string;
  /** `{username}` is replaced with the (DN-escaped) username */
  upstreamBindDN: string;
  timeoutMs: number;
}

/** RFC 4514 escaping for a value placed into a DN template. */
export function escapeDnValue(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/**
 * Checks a person's password with a simple bind to the upstream directory. Returns false on
 * invalidCredentials; throws when the upstream cannot be reached, so the caller can answer
 * unavailable (52) instead of "wrong password".
 */
export async function delegatedBind(opts: DelegateOptions, username: string, password: string): Promise<boolean> {
  const client = new Client({ url: opts.upstreamUrl, timeout: opts.timeoutMs, connectTimeout: opts.timeoutMs });
  try {
    await client.bind(opts.upstreamBindDN.replace('{username}', escapeDnValue(username)), password);
    return true;
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code === 49 || code === 32 || code === 53) return false;
    throw err;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

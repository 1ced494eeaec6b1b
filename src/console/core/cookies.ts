// Just enough of RFC 6265 for the console's two cookies: read a Cookie header, write Set-Cookie.

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

export interface CookieOptions {
  secure: boolean;
  /** seconds; 0 deletes the cookie; omitted: a browser-session cookie */
  maxAge?: number;
}

/** HttpOnly, SameSite=Strict, Path=/ always: scripts never read it and no other site's page can send it. */
export function setCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (o.secure) parts.push('Secure');
  if (o.maxAge !== undefined) parts.push(`Max-Age=${o.maxAge}`);
  return parts.join('; ');
}

import { z } from 'zod';
import { CIDR_HINT, isCidr } from '../../util/cidr';

// The LDAP frontend's section. Defaults follow OpenLDAP/389-ds and PCI DSS 8.3.4, so a config with
// only baseDN + listen is a safe server.

const listenUrl = z
  .string()
  .min(1)
  .regex(/^ldaps?:\/\/([^/:[\]]+|\[[0-9a-f:.]+\]):\d+\/?$/i, 'use ldap://host:port or ldaps://host:port (port 0 picks a free port)');

/** `10.0.0.0/8`, `192.0.2.7` (a single address), `2001:db8::/32` */
const cidr = z.string().refine(isCidr, CIDR_HINT);

const serviceAccountSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-"'),
    password: z.string().min(1).optional(),
    /** the config loader replaces it with `password`; kept so an unexpanded file still validates */
    passwordFile: z.string().min(1).optional(),
    /** argon2id PHC string ($argon2id$v=19$...) */
    passwordHash: z.string().startsWith('$argon2id$', 'passwordHash must be an argon2id PHC string').optional(),
    /** client networks that may bind as this account (CIDRs or addresses); binds from elsewhere get 49 */
    allowFrom: z
      .array(cidr)
      .min(1, 'allowFrom needs at least one address or range (omit it to allow every address)')
      .optional(),
  })
  .strict()
  .refine((a) => [a.password, a.passwordFile, a.passwordHash].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of password, passwordFile or passwordHash',
  });

const tlsSchema = z
  .object({
    cert: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    /** offer the StartTLS extended operation on ldap:// listeners */
    startTls: z.boolean().default(true),
  })
  .strict();

const addressOverrideSchema = z
  .object({
    cidr,
    /** connections at once from each address in `cidr`; 0 = unlimited */
    max: z.number().int().nonnegative(),
  })
  .strict();

const limitsSchema = z
  .object({
    /** PDU cap before a successful bind (OpenLDAP sockbuf_max_incoming: 256 KiB) */
    maxPduBytesAnonymous: z.number().int().positive().default(256 * 1024),
    /** PDU cap once bound (OpenLDAP sockbuf_max_incoming_auth: 16 MiB) */
    maxPduBytesBound: z.number().int().positive().default(16 * 1024 * 1024),
    idleTimeoutMs: z.number().int().positive().default(15 * 60 * 1000),
    /** a PDU whose first byte arrived must be complete within this time (slowloris), however slowly bytes trickle */
    pduDeadlineMs: z.number().int().positive().default(10_000),
    /** a connection must bind within this time of connecting (any bind when anonymous is `read`) */
    preBindTimeoutMs: z.number().int().positive().default(30_000),
    maxConnectionsPerAddress: z.number().int().positive().default(256),
    /** per-address caps for some addresses (most specific CIDR wins), e.g. a NAT gateway or the local host */
    maxConnectionsPerAddressOverrides: z.array(addressOverrideSchema).default([]),
    maxConnections: z.number().int().positive().default(10000),
    maxOutstandingPerConnection: z.number().int().positive().default(32),
    /** answered with sizeLimitExceeded (4) when a search would return more and the client asked for no lower limit */
    sizeLimit: z.number().int().nonnegative().default(0),
    /** seconds; answered with timeLimitExceeded (3) */
    timeLimitSeconds: z.number().int().positive().default(3600),
    /** BER nesting cap applied before decoding (a filter nested 20,000 deep must not reach the parser) */
    maxBerDepth: z.number().int().min(8).max(1000).default(64),
    filterMaxDepth: z.number().int().positive().default(40),
    /** filter items (and/or/not and assertions) allowed in one search, checked on the BER before decoding */
    filterMaxNodes: z.number().int().positive().default(1000),
    /** encoded size of a search filter; 64 KiB is far beyond any real client's filter */
    filterMaxBytes: z.number().int().positive().default(64 * 1024),
    maxPagedSearchesPerConnection: z.number().int().positive().default(16),
  })
  .strict();

const bindSchema = z
  .object({
    mode: z.enum(['local', 'delegate']).default('local'),
    /** for mode delegate: ldap(s)://host:port of the upstream directory */
    upstreamUrl: z.string().min(1).optional(),
    /** for mode delegate: `{username}` is replaced, e.g. "uid={username},ou=people,dc=corp,dc=com" */
    upstreamBindDN: z.string().min(1).default('uid={username},ou=people,dc=example,dc=com'),
    upstreamTimeoutMs: z.number().int().positive().default(5000),
    /**
     * seconds a service-account bind that passed its argon2id verify is remembered (as an HMAC under
     * a per-process key), so clients that bind per connection skip the verify; 0 turns it off. Never for people.
     */
    serviceAccountCacheSeconds: z.number().int().min(0).max(3600).default(60),
  })
  .strict()
  .refine((b) => b.mode !== 'delegate' || b.upstreamUrl, { message: 'bind.mode delegate needs bind.upstreamUrl' });

const mfaSchema = z
  .object({
    /** people in any of these groups must append a TOTP code to their password */
    groups: z.array(z.string().min(1)).default([]),
    separator: z.string().min(1).max(4).default(','),
    issuer: z.string().min(1).default('idsync'),
  })
  .strict();

const lockoutSchema = z
  .object({
    /** failures that lock a person's DN, or a service account for one client address (none with allowFrom) */
    maxFailures: z.number().int().positive().default(10),
    /** how long a lock lasts after the last failure; failures further apart than this are forgotten */
    lockMinutes: z.number().positive().default(30),
    /** failures from one client address per minute before its binds are refused for a minute */
    maxFailuresPerAddressPerMinute: z.number().int().positive().default(30),
  })
  .strict();

export const ldapSchema = z
  .object({
    baseDN: z.string().min(1),
    listen: z.array(listenUrl).min(1).default(['ldap://127.0.0.1:1389']),
    serviceAccounts: z.array(serviceAccountSchema).default([]),
    tls: tlsSchema.optional(),
    /** allow simple binds over cleartext from non-loopback addresses (refused with 13 otherwise) */
    allowCleartextBinds: z.boolean().default(false),
    /** what an anonymous session may read: the rootDSE and subschema only, or the whole tree */
    anonymous: z.enum(['rootdse', 'read']).default('rootdse'),
    limits: limitsSchema.prefault({}),
    bind: bindSchema.prefault({}),
    mfa: mfaSchema.prefault({}),
    lockout: lockoutSchema.prefault({}),
    /** CredentialStore SQLite file when the store is not SQLite (defaults to the store's file) */
    credentialsPath: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const needsTls = cfg.listen.some((u) => u.toLowerCase().startsWith('ldaps:'));
    const hasTls = cfg.tls && (cfg.tls.cert || cfg.tls.certFile) && (cfg.tls.key || cfg.tls.keyFile);
    if (needsTls && !hasTls) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'an ldaps:// listener needs tls.cert(File) and tls.key(File)' });
    }
  });

export type LdapConfig = z.infer<typeof ldapSchema>;
export type LdapConfigInput = z.input<typeof ldapSchema>;

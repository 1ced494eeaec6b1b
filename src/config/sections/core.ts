import { z } from 'zod';

export const storeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqlite'), path: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('mongodb'),
      uri: z.string().min(1),
      database: z.string().min(1).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('memory') }).strict(),
]);

export const redisSchema = z
  .object({
    url: z.string().min(1).default('redis://127.0.0.1:6379'),
    /** key prefix for every idsync key (queues, locks, pub/sub channels) */
    prefix: z.string().min(1).default('idsync'),
    /** start a private redis-server from PATH when none answers at `url` */
    autoStart: z.boolean().default(false),
    /** where a private redis-server keeps its socket and append-only file */
    dataDir: z.string().min(1).default("./data/redis"),
  })
  .strict();

export const auditSchema = z
  .object({
    /** copies that receive each committed audit record, driven from the store's audit table */
    sinks: z
      .array(
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('file'), path: z.string().min(1) }).strict(),
          z
            .object({
              kind: z.literal('syslog'),
              host: z.string().default('localhost'),
              port: z.number().int().positive().default(514),
              protocol: z.enum(['udp4', 'tcp4', 'unix']).default('udp4'),
              path: z.string().optional(),
              appName: z.string().default('idsync'),
            })
            .strict(),
        ]),
      )
      .default([]),
    /** signed checkpoints: every `every` records one HMAC-SHA256 line over seq and hash, keyed by keyFile */
    checkpoint: z
      .object({
        keyFile: z.string().min(1),
        path: z.string().min(1),
        every: z.number().int().positive().default(1000),
      })
      .strict()
      .optional(),
  })
  .strict();

export const loggingSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const safetySchema = z
  .object({
    /** hold a run that would terminate or suspend more than this many people */
    maxRemovals: z.number().int().nonnegative().default(500),
    /** ... or more than this percentage of the source's population */
    maxRemovalPercent: z.number().min(0).max(100).default(20),
    /** a full export smaller than this share of the last population is incomplete (collapse) */
    minPopulationRatio: z.number().min(0).max(1).default(0.5),
    /** hold a run that changes or clears one attribute for more than this many people */
    maxAttributeChanges: z.number().int().nonnegative().default(500),
    /** ... or for more than this percentage of the population, */
    maxAttributeChangePercent: z.number().min(0).max(100).default(20),
    /** ... once more than this many people change it (a few changes in a small source are no mass change) */
    attributeChangeFloor: z.number().int().nonnegative().default(10),
    /** group memberships removed or groups emptied at or below this count never hold a run */
    groupChangeFloor: z.number().int().nonnegative().default(10),
  })
  .strict();

export const identitySchema = z
  .object({
    uidNumberStart: z.number().int().positive().default(10000),
    gidNumberStart: z.number().int().positive().default(20000),
    /** primary group every person gets (gidNumber of their posixAccount) */
    defaultGroup: z.string().default('staff'),
    usernameMaxLength: z.number().int().min(3).max(64).default(20),
    mailDomain: z.string().optional(),
  })
  .strict();

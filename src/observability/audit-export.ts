// Builds the audit copies an operator chose (JSON-lines file, syslog, signed checkpoints) and reads
// back the anchors they give `audit verify`: the store stays the record, sinks are copies kept
// outside it for SIEMs, log shippers and tamper evidence.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveSecretPath } from '../config/expand';
import type { AuditAnchor } from '../domain/audit-chain';
import type { AuditCursorStore, AuditSink } from '../ports/audit-sink';
import type { Config } from '../config/schema';
import { anchorOfLine, FileAuditSink } from './audit-sinks/file-sink';
import { SyslogAuditSink } from './audit-sinks/syslog-sink';
import { CheckpointAuditSink, readCheckpointKey, readCheckpoints } from './audit-sinks/checkpoint';
import { readTail } from './audit-sinks/tail';

type AuditConfig = Config['audit'];

/** the key file is a secret: systemd's $CREDENTIALS_DIRECTORY (LoadCredential=) first, then baseDir */
function checkpointKey(keyFile: string, baseDir: string): Buffer {
  const candidates = resolveSecretPath(keyFile, { env: process.env, baseDir });
  return readCheckpointKey(candidates.find((p) => existsSync(p)) ?? candidates[candidates.length - 1]);
}

export function openAuditSinks(audit: AuditConfig, baseDir: string, cursors: AuditCursorStore): AuditSink[] {
  const sinks: AuditSink[] = audit.sinks.map((s) =>
    s.kind === 'file' ? new FileAuditSink(resolve(baseDir, s.path)) : new SyslogAuditSink(s, cursors),
  );
  const cp = audit.checkpoint;
  if (cp) sinks.push(new CheckpointAuditSink(resolve(baseDir, cp.path), checkpointKey(cp.keyFile, baseDir), cp.every));
  return sinks;
}

/**
 * What the copies outside the store say the trail holds: the last line of each file sink and every
 * signed checkpoint. `problem` names a copy that cannot be trusted (a forged checkpoint).
 */
export async function readAuditAnchors(audit: AuditConfig, baseDir: string): Promise<{ anchors: AuditAnchor[]; problem: string | null }> {
  const anchors: AuditAnchor[] = [];
  for (const s of audit.sinks) {
    if (s.kind !== 'file') continue;
    const path = resolve(baseDir, s.path);
    const { lastLine } = await readTail(path);
    if (lastLine) anchors.push({ source: `audit file ${path}`, ...anchorOfLine(lastLine, path) });
  }
  const cp = audit.checkpoint;
  if (!cp) return { anchors, problem: null };
  const signed = await readCheckpoints(resolve(baseDir, cp.path), checkpointKey(cp.keyFile, baseDir));
  return { anchors: [...anchors, ...signed.anchors], problem: signed.problem };
}

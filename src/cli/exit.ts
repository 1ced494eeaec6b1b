// The CLI's one exit-code convention: 0 ok, 1 failure (one sentence on stderr), 2 wrong usage only.
// Commands throw (CliFailure, UsageError, or any Error); this module turns that into the code.
import { CommanderError } from 'commander';
import { ConfigError } from '../config/errors';
import { CliFailure } from './errors';
import type { Output } from './output';
import { redactCredentials } from '../util/redact';

export function exitCodeOf(err: unknown, o: Output): number {
  if (err instanceof CommanderError) {
    // help and version are successful exits; everything else commander reports is a usage error
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  if (err instanceof CliFailure) {
    o.err(`idsync: ${redactCredentials(err.message)}`);
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    for (const p of err.problems) o.err(`${err.file}: ${p.path ? `${p.path}: ` : ''}${redactCredentials(p.message)}`);
    o.err(`idsync: ${err.file} is not a valid configuration (${err.problems.length} problem(s)).`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  o.err(`idsync: ${redactCredentials(message.replace(/\n[\s\S]*/, ''))}`);
  return 1;
}

/** Runs one command body and answers with its exit code (for in-process callers and tests). */
export async function exitCodeOfRun(fn: () => Promise<unknown>, o: Output): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (err) {
    return exitCodeOf(err, o);
  }
}

import type { Command } from 'commander';
import { queueFailedCommand, queueRetryCommand, resyncCommand } from '../../admin/commands';
import { CliFailure } from '../errors';
import type { Output } from '../output';

/** The admin commands answer with an exit code; turn a non-zero one into the CLI's contract. */
function exitWith(code: number): void {
  if (code === 0) return;
  throw new CliFailure(code === 2 ? 'nothing was done (see above).' : 'the command did not succeed (see above).', code === 2 ? 2 : 1);
}

export function registerProvisioningCommands(program: Command, o: Output): void {
  program
    .command('resync')
    .description('re-read one person from every source now, apply at the highest priority, wait, and print what changed in each target')
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--user <who>', 'username, employee id or email')
    .option('--target <name>', 'only this target')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--json', 'print JSON')
    .action(async (opts: { config: string; user: string; target?: string; dryRun?: boolean; json?: boolean }) => exitWith(await resyncCommand(opts, o)));
  const queue = program.command('queue').description('provisioning jobs that failed for good (dead letters)');
  queue
    .command('failed')
    .description('list jobs a target rejected permanently')
    .requiredOption('--config <file>', 'configuration file')
    .option('--target <name>', 'only this target')
    .option('--json', 'print JSON')
    .action(async (opts: { config: string; target?: string; json?: boolean }) => exitWith(await queueFailedCommand(opts, o)));
  queue
    .command('retry')
    .description('send failed jobs again')
    .requiredOption('--config <file>', 'configuration file')
    .option('--target <name>', 'only this target')
    .option('--user <who>', 'only this person')
    .action(async (opts: { config: string; target?: string; user?: string }) => exitWith(await queueRetryCommand(opts, o)));
}

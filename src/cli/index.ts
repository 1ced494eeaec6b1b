import { Command } from 'commander';
import { exitCodeOf } from './exit';
import { stdio, type Output } from './output';
import { packageVersion } from '../util/version';
import { registerAuditCommands } from './commands/audit';
import { registerConfigCommands } from './commands/config';
import { registerDisputeCommands } from './commands/disputes';
import { registerRunCommands } from './commands/runs';
import { registerSyncCommand } from './commands/sync';
import { registerUserCommands } from './commands/user';
import { registerDaemonCommand } from './commands/run';
import { registerExtensionCommands } from './commands/extensions';
import { registerRoleCommands } from './commands/roles';

export function buildProgram(o: Output = stdio): Command {
  const program = new Command('idsync')
    .description('identity provisioning daemon: sources in, identities merged, targets driven, LDAP served')
    .version(packageVersion())
    .showHelpAfterError(false)
    // subcommands created after this inherit it, so usage errors everywhere become exit code 2
    .exitOverride()
    .configureOutput({ writeOut: (s) => o.out(s.trimEnd()), writeErr: (s) => o.err(s.trimEnd()) });
  registerDaemonCommand(program, o);
  registerSyncCommand(program, o);
  registerUserCommands(program, o);
  registerAuditCommands(program, o);
  registerConfigCommands(program, o);
  registerDisputeCommands(program, o);
  registerRunCommands(program, o);
  registerExtensionCommands(program, o);
  registerRoleCommands(program, o);
  return program;
}

/** Runs the CLI and resolves to the exit code: 0 ok, 1 failure (one sentence on stderr), 2 usage. */
export async function main(argv: string[], o: Output = stdio): Promise<number> {
  const program = buildProgram(o);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    return exitCodeOf(err, o);
  }
}

import type { Command } from 'commander';
import { Writable } from 'node:stream';
import { mfaEnrollCommand, openCredentialStore, passwordSetCommand } from '../../ldap/auth/commands';
import { withContext } from '../context';
import { CliFailure } from '../errors';
import type { Output } from '../output';

/** Adapts the CLI's Output to the streams the credential commands write to. */
function streamOf(write: (t: string) => void): Writable {
  return new Writable({
    write(chunk, _enc, cb) {
      write(String(chunk));
      cb();
    },
  });
}

async function withCredentials(config: string, username: string, o: Output, fn: (args: Parameters<typeof passwordSetCommand>[0]) => Promise<number>): Promise<void> {
  await withContext(config, async ({ loaded, store }) => {
    if (!loaded.config.ldap) throw new CliFailure(`${config} has no ldap section, so there is nothing to bind to.`);
    const credentials = openCredentialStore(loaded.config);
    try {
      const code = await fn({
        credentials,
        username,
        userExists: async (u) => (await store.getIdentity({ by: 'username', value: u })) !== null,
        output: streamOf((t) => o.out(t)),
        errors: streamOf((t) => o.err(t)),
      });
      if (code !== 0) throw new CliFailure(code === 2 ? 'nothing was changed (see above).' : 'nothing was changed.', code);
    } finally {
      await credentials.close();
    }
  });
}

export function registerCredentialCommands(program: Command, o: Output): void {
  program
    .command('password')
    .description('LDAP bind passwords of people (local bind mode)')
    .command('set')
    .description('set a person\'s LDAP bind password, read from stdin (stored as an argon2id hash)')
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--user <username>', 'username')
    .action(async (opts: { config: string; user: string }) => withCredentials(opts.config, opts.user, o, passwordSetCommand));
  program
    .command('mfa')
    .description('one-time codes appended to LDAP bind passwords')
    .command('enroll')
    .description('create a TOTP secret for a person and print its otpauth:// URI')
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--user <username>', 'username')
    .action(async (opts: { config: string; user: string }) => withCredentials(opts.config, opts.user, o, mfaEnrollCommand));
}

import type { Command } from 'commander';
import { startDaemon } from '../../main';
import type { Output } from '../output';

/** `idsync run`: the daemon in the foreground, as systemd runs it (Type=notify, SIGTERM to stop). */
export function registerDaemonCommand(program: Command, _o: Output): void {
  program
    .command('run')
    .description('run the daemon in the foreground: scheduled sync, LDAP frontend, provisioning workers')
    .requiredOption('--config <file>', 'configuration file')
    .action(async (opts: { config: string }) => {
      const daemon = await startDaemon(opts.config);
      installProcessGuards(daemon.log);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          daemon.log.info({ signal }, 'stopping');
          void daemon.close().then((failures) => {
            for (const f of failures) daemon.log.error({ step: f }, 'shutdown step failed');
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
        process.on('SIGHUP', () => {
          daemon.log.info('SIGHUP: reloading certificates');
          daemon.reload().catch((err: Error) => daemon.log.error({ err: err.message }, 'reload failed'));
        });
      });
    });
}

/**
 * Last line of defence: nothing a client or a source sends may end the process. Errors that reach
 * here are bugs; they are logged loudly and the daemon keeps serving.
 */
function installProcessGuards(log: { error(o: object, m: string): void }): void {
  process.on('unhandledRejection', (reason) => log.error({ err: String(reason) }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => log.error({ err: err.message, stack: err.stack }, 'uncaught exception'));
}

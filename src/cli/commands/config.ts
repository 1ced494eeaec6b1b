import type { Command } from 'commander';
import { ConfigError, formatProblem } from '../../config/errors';
import { loadCliConfig } from '../context';
import type { Output } from '../output';
import { CliFailure } from '../errors';
import { configWarnings } from '../../config/warnings';

export function registerConfigCommands(program: Command, o: Output): void {
  const config = program.command('config').description('inspect the configuration');
  config
    .command('check')
    .description('validate a configuration file and list every problem with its path')
    .requiredOption('--config <file>', 'configuration file')
    .action(async (opts: { config: string }) => {
      try {
        const { config: cfg, baseDir } = loadCliConfig(opts.config);
        // warnings do not change the exit code: the configuration itself is valid
        for (const w of configWarnings(cfg, baseDir)) o.err(`${opts.config}: warning: ${formatProblem(w)}`);
        o.out(`${opts.config}: configuration is valid (${cfg.sources.length} source(s), ${cfg.targets.length} target(s)).`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) o.err(`${opts.config}: ${formatProblem(p)}`);
        throw new CliFailure(`${opts.config} has ${err.problems.length} problem(s); nothing was started.`);
      }
    });
}

/** A failure the user must act on: printed as one sentence on stderr, exit code 1. */
export class CliFailure extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** Wrong use of the command line (missing argument, unknown option): exit code 2. */
export class UsageError extends CliFailure {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

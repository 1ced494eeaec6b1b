#!/usr/bin/env node
// Runs the compiled CLI; `npm install` builds it (prepare script).
// A reader that stops early (`idsync user show ... | head`) closes the pipe: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
require('../dist/src/cli/index.js').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    const { redactCredentials } = require('../dist/src/util/redact.js');
    process.stderr.write(`idsync: ${redactCredentials(String(err && err.message ? err.message : err))}\n`);
    process.exitCode = 1;
  },
);

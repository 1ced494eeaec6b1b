#!/usr/bin/env node
// Runs the compiled CLI; `npm install` builds it (prepare script).
require('../dist/src/cli/index.js').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`idsync: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);

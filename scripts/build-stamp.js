#!/usr/bin/env node
// Writes dist/.source-hash: one digest over every file under src/ (path and content). The e2e tests
// compare it with the current sources, so they never run against a build of older code.
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { join, relative } = require('node:path');

function sourceHash(root) {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(join(root, 'src'));
  return hash.digest('hex');
}

module.exports = { sourceHash };

if (require.main === module) {
  const root = join(__dirname, '..');
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist', '.source-hash'), `${sourceHash(root)}\n`);
}

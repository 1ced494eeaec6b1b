#!/usr/bin/env node
// Copies the console's static files (src/console/assets) beside the compiled code
// (dist/src/console/assets), where the admin server serves them from.
const { cpSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const from = join(root, 'src', 'console', 'assets');
const to = join(root, 'dist', 'src', 'console', 'assets');
mkdirSync(to, { recursive: true });
cpSync(from, to, { recursive: true });

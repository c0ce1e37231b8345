#!/usr/bin/env node
// `npx wallet`: runs the built CLI, building the project first when dist/ is missing.
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'scripts', 'wallet.js');
if (!fs.existsSync(cli)) execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
require(cli).buildProgram().parseAsync(process.argv).catch((error) => {
  process.stderr.write(`wallet: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});

#!/usr/bin/env node
// The `rootguard` command (package.json "bin"). Runs the compiled bundle dist/rootguard.cjs when it exists
// (`npm run build:cli`), otherwise the TypeScript sources through tsx (a devDependency, present in a checkout).
// No install script builds the bundle: build it once where start-up time matters (CI, a container image).

const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'rootguard.cjs');
if (existsSync(bundle)) {
  require(bundle);
} else {
  require('tsx/cjs');
  require(join(__dirname, '..', 'cli', 'main.ts'));
}

/**
 * Writes every generated file (scripts/lib/generated-files.ts lists them), or checks them.
 *
 *   npm run generate                          write them all
 *   npx tsx scripts/generate.ts --check       exit 1, naming each stale file, if any differs from what it should be
 *
 * Run it after changing a rules/*\/rule.json or a remediations/*\/document.yaml.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GENERATE_COMMAND, generatedFiles } from './lib/generated-files';

const ROOT = resolve(__dirname, '..');

function committed(file: string): string {
  try {
    return readFileSync(join(ROOT, file), 'utf8');
  } catch {
    return ''; // A missing file is simply out of date.
  }
}

const check = process.argv.includes('--check');
let stale = 0;
for (const { file, text } of generatedFiles()) {
  if (committed(file) === text) {
    console.log(`${file} is up to date`);
  } else if (check) {
    console.error(`${file} is out of date: run ${GENERATE_COMMAND}`);
    stale++;
  } else {
    writeFileSync(join(ROOT, file), text);
    console.log(`wrote ${file}`);
  }
}
if (stale > 0) process.exit(1);

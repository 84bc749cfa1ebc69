/**
 * The write-or-`--check` command line of a generator script: writes the generated file, or with `--check`
 * exits 1 when the committed file differs from what would be generated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `file` is relative to the repository root (e.g. `stacksets/member-remediation.yaml`); `script` is the
 * command that regenerates it, named in the out-of-date message.
 */
export function writeOrCheck(file: string, text: string, script: string, argv = process.argv): void {
  const path = join(resolve(__dirname, '..', '..'), file);
  if (argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(path, 'utf8');
    } catch {
      // A missing file is simply out of date.
    }
    if (committed !== text) {
      console.error(`${file} is out of date: run npx tsx ${script}`);
      process.exit(1);
    }
    console.log(`${file} is up to date`);
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${file}`);
  }
}

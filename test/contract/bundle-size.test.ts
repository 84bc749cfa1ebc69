/**
 * Every function ships lean (issue 12 part 3; ARCHITECTURE.md, "Lean bundles"): its zip, as `osls package`
 * builds it offline, holds its handler bundle and nothing else (no source map) and stays within 250 KB. A
 * zip over budget is nearly always a new import that drags a package in whole: `npm run bench bundle` shows
 * each function's size, and esbuild's metafile which package it is. The package is shared with
 * org-scale.test.ts (test/helpers/packaged-service.ts), so this costs no second `osls package`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagedService, ZIP_BUDGET_BYTES } from '../helpers/packaged-service';
import { loadServerlessConfig } from '../helpers/serverless-config';
import { zipEntries } from '../helpers/zip';

const STAGE = 'orgscale';

// serverless.yml as osls merges it: the generated rule functions included.
const functions = Object.entries(
  (loadServerlessConfig() as unknown as { functions: Record<string, { handler: string }> }).functions,
).map(([name, fn]) => ({ name, module: `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.js` }));

describe('function zips', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await packagedService(STAGE);
  }, 180_000);

  it.each(functions)('$name holds its handler bundle only, no source map', ({ name, module }) => {
    // Prepare
    const zip = readFileSync(join(dir, `${name}.zip`));

    // Act
    const files = zipEntries(zip)
      .map((entry) => entry.name)
      .filter((entry) => !entry.endsWith('/'));

    // Assess
    expect(files).toEqual([module]);
  });

  it.each(functions)(`$name is within ${ZIP_BUDGET_BYTES / 1000} KB`, ({ name }) => {
    // Prepare
    const path = join(dir, `${name}.zip`);

    // Act
    const bytes = readFileSync(path).length;

    // Assess
    expect(bytes).toBeLessThanOrEqual(ZIP_BUDGET_BYTES);
  });
});

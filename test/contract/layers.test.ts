/**
 * Layers point down only: lib/ is the plumbing every unit stands on (ARCHITECTURE.md, "Layout"), so nothing in lib/
 * may import a unit above it (rules/, alerts/, findings/, remediations/, cli/, org-snapshot/, heartbeat/, ...). An
 * upward import is how lib/ once held the rule registry: every Lambda that needed a Config event parser then also
 * bundled every rule's evaluate. What lib/ may import besides itself and packages: the framework mappings, which are
 * data (conformance-packs/frameworks/*.json, read through lib/frameworks.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const LIB = join(ROOT, 'lib');
/** Outside lib/, the only place lib/ may read from (data, no code). */
const ALLOWED_OUTSIDE_LIB = [join(ROOT, 'conformance-packs', 'frameworks')];

/** Every module specifier of `import … from`, `export … from`, `import('…')` and `require('…')`. */
function moduleSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] ?? ''));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const isUnder = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** `lib/x.ts imports ../rules` for every relative import of a lib/ file that leaves lib/ and the allowed data. */
function upwardImports(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    moduleSpecifiers(readFileSync(file, 'utf8'))
      .filter((specifier) => specifier.startsWith('.'))
      .filter((specifier) => {
        const target = resolve(dirname(file), specifier);
        return !isUnder(target, LIB) && !ALLOWED_OUTSIDE_LIB.some((dir) => isUnder(target, dir));
      })
      .map((specifier) => `${relative(ROOT, file)} imports ${specifier}`),
  );
}

describe('lib/ points down only', () => {
  it('finds the imports of every form it checks', () => {
    // Prepare
    const source = [
      "import { RULES } from '../rules';",
      "import type { Alert } from '../alerts/root-activity/message';",
      "export { toFinding } from '../findings/compliance-finding';",
      "import '../remediations/lib/env';",
      "const cli = require('../cli/scan');",
      "const lazy = await import('../org-snapshot/handler');",
    ].join('\n');

    // Act
    const specifiers = moduleSpecifiers(source);

    // Assess
    expect(specifiers).toEqual([
      '../rules',
      '../alerts/root-activity/message',
      '../findings/compliance-finding',
      '../remediations/lib/env',
      '../cli/scan',
      '../org-snapshot/handler',
    ]);
  });

  it('imports nothing from rules/, alerts/, findings/, remediations/, cli/ or any other unit above it', () => {
    // Prepare
    const files = sourceFiles(LIB);

    // Act
    const upward = upwardImports(files);

    // Assess
    expect(files.length).toBeGreaterThan(10);
    expect(upward).toEqual([]);
  });
});

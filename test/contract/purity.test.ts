/**
 * Pure code stays pure: following every runtime (non-type) import from each rule's evaluate.ts and from the
 * offline CLI never reaches the AWS SDK. Type-only imports are erased at build time and are allowed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /^\s*(import|export)\s+(?!type\s)([^;]*?)\s+from\s+'([^']+)'/gms;
  for (const m of source.matchAll(re)) {
    const clause = m[2] ?? '';
    // `import { type A, type B } from` is type-only too.
    const braces = clause.match(/^\{([^}]*)\}$/s);
    if (braces?.[1]?.split(',').every((part) => /^\s*(type\s|$)/.test(part))) continue;
    specs.push(m[3] as string);
  }
  for (const m of source.matchAll(/^\s*import\s+'([^']+)'/gm)) specs.push(m[1] as string);
  return specs;
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  return undefined;
}

/** Every external package reached through runtime imports, with the chain that reached it. */
function reachablePackages(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const walk = (file: string, chain: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) {
        const next = resolveLocal(file, spec);
        if (next) walk(next, `${chain} → ${next.slice(ROOT.length + 1)}`);
      } else if (!packages.has(spec)) {
        packages.set(spec, chain);
      }
    }
  };
  walk(entry, entry.slice(ROOT.length + 1));
  return packages;
}

const ruleIds = readdirSync(join(ROOT, 'rules'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('pure code never loads the AWS SDK', () => {
  it.each(ruleIds)('rules/%s/evaluate.ts', (id) => {
    const sdk = [...reachablePackages(join(ROOT, 'rules', id, 'evaluate.ts'))].filter(([pkg]) =>
      pkg.startsWith('@aws-sdk/'),
    );
    expect(sdk).toEqual([]);
  });

  it('the offline CLI (cli/index.ts)', () => {
    const sdk = [...reachablePackages(join(ROOT, 'cli', 'index.ts'))].filter(([pkg]) =>
      pkg.startsWith('@aws-sdk/'),
    );
    expect(sdk).toEqual([]);
  });
});

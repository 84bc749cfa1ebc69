/**
 * Framework mappings (DESIGN.md, conventions 4 and 7): every file in conformance-packs/frameworks/ is loaded by
 * lib/frameworks.ts, validates, names only existing rules and keeps its requirement ids unique; every rule is
 * mapped somewhere; and every rule's Security Hub RelatedRequirements fit ASFF (≤ 32 entries of ≤ 64 chars).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  FRAMEWORK_FILES,
  FRAMEWORKS,
  frameworkFileSchema,
  MAX_RELATED_REQUIREMENT_LENGTH,
  MAX_RELATED_REQUIREMENTS,
  relatedRequirements,
  requirementsForRule,
} from '../../lib/frameworks';
import { RULE_IDS } from '../../rules';

const FRAMEWORKS_DIR = resolve(__dirname, '../../conformance-packs/frameworks');
const files = readdirSync(FRAMEWORKS_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();
const read = (file: string): unknown => JSON.parse(readFileSync(join(FRAMEWORKS_DIR, file), 'utf8'));

describe('framework mapping files', () => {
  it('finds the framework files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('loads every file of the folder in lib/frameworks.ts, and nothing else', () => {
    expect(FRAMEWORK_FILES.map((f) => f.file).sort()).toEqual(files);
  });

  it('are imported statically: lib/frameworks.ts reads no file and loads no AWS SDK (it is bundled into Lambdas)', () => {
    const source = readFileSync(resolve(__dirname, '../../lib/frameworks.ts'), 'utf8');
    expect(source).not.toMatch(/from\s+'(node:)?fs'|require\(|@aws-sdk\//);
    for (const file of files) expect(source).toContain(`'../conformance-packs/frameworks/${file}'`);
  });

  it('has one file per framework version', () => {
    const keys = FRAMEWORKS.map((f) => `${f.framework} ${f.version}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  describe.each(files)('%s', (file) => {
    const raw = read(file);

    it('matches the framework file schema', () => {
      const parsed = frameworkFileSchema.safeParse(raw);
      const problems = parsed.success
        ? []
        : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      expect(problems).toEqual([]);
    });

    it('is named <framework>-<version>.json', () => {
      const { version } = frameworkFileSchema.parse(raw);
      expect(file).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*-[^/]+\.json$/);
      expect(file.endsWith(`-${version}.json`)).toBe(true);
    });

    it('keeps requirement ids unique', () => {
      const ids = frameworkFileSchema.parse(raw).requirements.map((r) => r.id);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    });

    it('names only existing rules', () => {
      const unknown = frameworkFileSchema
        .parse(raw)
        .requirements.flatMap((r) =>
          r.ruleIds.filter((id) => !RULE_IDS.includes(id)).map((id) => `${r.id}: ${id}`),
        );
      expect(unknown).toEqual([]);
    });

    it('is what lib/frameworks.ts serves', () => {
      const loaded = FRAMEWORKS[FRAMEWORK_FILES.findIndex((f) => f.file === file)];
      expect(loaded).toEqual(frameworkFileSchema.parse(raw));
    });
  });
});

describe.each(RULE_IDS)('rule %s', (ruleId) => {
  it('is mapped to at least one framework requirement', () => {
    expect(requirementsForRule(ruleId).length).toBeGreaterThan(0);
  });

  it(`has at most ${MAX_RELATED_REQUIREMENTS} RelatedRequirements, each at most ${MAX_RELATED_REQUIREMENT_LENGTH} characters`, () => {
    const entries = relatedRequirements(ruleId);
    expect(entries.length).toBeGreaterThan(0);
    // The cap inside relatedRequirements is only a guard: no mapping may rely on it.
    expect(requirementsForRule(ruleId).length).toBeLessThanOrEqual(MAX_RELATED_REQUIREMENTS);
    expect(entries.filter((e) => e.length > MAX_RELATED_REQUIREMENT_LENGTH)).toEqual([]);
    expect(new Set(entries).size).toBe(entries.length);
  });

  it('gets the same RelatedRequirements every time', () => {
    expect(relatedRequirements(ruleId)).toEqual(relatedRequirements(ruleId));
  });
});

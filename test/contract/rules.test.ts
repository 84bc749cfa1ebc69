/**
 * Conventions every rule folder keeps (ARCHITECTURE.md, "Layout" and "Conventions"): six files, a valid rule.json
 * whose id is the folder name, a valid deploy.json with a stack parameter for each rule parameter it passes, default parameters that validate, a registry entry, a header on evaluate.ts,
 * a `handler` export, and an evaluate that stays pure.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_FACTS_SCHEMAS } from '../../cli/facts-file';
import { parseRuleParameters } from '../../lib/parameters';
import { ruleDeploymentSchema } from '../../lib/rule-deployment';
import { ruleMetadataSchema } from '../../lib/rule-metadata';
import { RULE_IDS, RULES_BY_ID } from '../../rules';

const RULES_DIR = join(__dirname, '..', '..', 'rules');
const REQUIRED_FILES = ['evaluate.ts', 'collect.ts', 'handler.ts', 'rule.json', 'deploy.json', 'facts.ts'];

const ruleFolders = readdirSync(RULES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const read = (folder: string, file: string) => readFileSync(join(RULES_DIR, folder, file), 'utf8');
const readRuleJson = (folder: string): unknown => JSON.parse(read(folder, 'rule.json'));

/** Source without comments, so a header that mentions e.g. Date.now does not count as using it. */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('rule folders', () => {
  it('finds at least one rule', () => {
    expect(ruleFolders.length).toBeGreaterThan(0);
  });

  it('gives every rule a unique id', () => {
    const ids = ruleFolders.map((folder) => (readRuleJson(folder) as { id?: unknown }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists exactly the rule folders in rules/index.ts', () => {
    expect([...RULE_IDS].sort()).toEqual(ruleFolders);
  });

  describe.each(ruleFolders)('%s', (folder) => {
    it.each(REQUIRED_FILES)('has %s', (file) => {
      expect(existsSync(join(RULES_DIR, folder, file))).toBe(true);
    });

    it('has a rule.json that matches the rule metadata schema', () => {
      const parsed = ruleMetadataSchema.safeParse(readRuleJson(folder));
      const problems = parsed.success
        ? []
        : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      expect(problems).toEqual([]);
    });

    it('has a deploy.json that matches the deployment schema', () => {
      const parsed = ruleDeploymentSchema.safeParse(JSON.parse(read(folder, 'deploy.json')));
      const problems = parsed.success
        ? []
        : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      expect(problems).toEqual([]);
    });

    it('passes its Config rule only parameters rule.json declares', () => {
      const metadata = ruleMetadataSchema.parse(readRuleJson(folder));
      const deployment = ruleDeploymentSchema.parse(JSON.parse(read(folder, 'deploy.json')));
      const declared = metadata.parameters.map((p) => p.name);
      expect(Object.keys(deployment.configRuleInputs).filter((name) => !declared.includes(name))).toEqual([]);
    });

    it('is named after its id', () => {
      expect((readRuleJson(folder) as { id?: unknown }).id).toBe(folder);
    });

    it('accepts its default parameters', () => {
      const metadata = ruleMetadataSchema.parse(readRuleJson(folder));
      expect(() => parseRuleParameters(metadata, {})).not.toThrow();
    });

    it('is registered with the same metadata as its rule.json', () => {
      expect(RULES_BY_ID.get(folder)?.metadata).toEqual(readRuleJson(folder));
    });

    it('has a facts schema for offline scans (cli/facts-file.ts)', () => {
      expect(RULE_FACTS_SCHEMAS[folder]).toBeDefined();
    });

    it('opens evaluate.ts with a header naming the trigger, the resource reported on and the scenarios', () => {
      const header = /^\s*\/\*\*([\s\S]*?)\*\//.exec(read(folder, 'evaluate.ts'))?.[1] ?? '';
      expect(header).toContain('Trigger:');
      expect(header).toContain('Reports on:');
      expect(header).toContain('Scenarios:');
    });

    it('keeps evaluate.ts pure: no AWS SDK, no environment, no clock', () => {
      const source = code(read(folder, 'evaluate.ts'));
      expect(source).not.toMatch(/from\s+['"]@aws-sdk\//);
      expect(source).not.toMatch(/require\(\s*['"]@aws-sdk\//);
      expect(source).not.toMatch(/process\.env/);
      expect(source).not.toMatch(/Date\.now\s*\(/);
      // `new Date(someGivenTime)` is fine; `new Date()` (and `Date()`) read the clock.
      expect(source).not.toMatch(/(^|[^.\w])Date\s*\(\s*\)/m);
    });

    it('exports a handler function from handler.ts', async () => {
      const module = (await import(join(RULES_DIR, folder, 'handler'))) as { handler?: unknown };
      expect(typeof module.handler).toBe('function');
    });
  });
});

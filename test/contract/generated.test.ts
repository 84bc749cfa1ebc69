/**
 * Every generated file is committed as its generator would write it now: what `npx tsx scripts/generate.ts
 * --check` checks, over the same list (scripts/lib/generated-files.ts). A stale file means a rule.json or a
 * document.yaml changed without `npm run generate`, and what is deployed would not be what the code says.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GENERATE_COMMAND, generatedFiles } from '../../scripts/lib/generated-files';

const ROOT = resolve(__dirname, '..', '..');
const files = generatedFiles();

describe('generated files', () => {
  it('lists the rules deployment, the member-account blocks, the management-account patterns, the facts schemas, the README tables, the conformance pack, the member-remediation StackSet and the document digests', () => {
    // Prepare, Act: the list itself.
    const names = files.map((f) => f.file);

    // Assess
    expect(names).toEqual([
      'deploy/rules.generated.yml',
      'stacksets/member-account.yaml',
      'stacksets/management-account.yaml',
      'cli/facts-schemas.generated.ts',
      'README.md',
      'conformance-packs/rootguard-root-protection.yaml',
      'stacksets/member-remediation.yaml',
      'remediations/lib/document-digests.ts',
    ]);
  });

  it.each(files.map((f) => [f.file, f.text]))(
    `commits %s as generated (else: ${GENERATE_COMMAND})`,
    (file, text) => {
      // Prepare
      const committed = readFileSync(join(ROOT, file), 'utf8');

      // Act, Assess
      expect(committed).toBe(text);
    },
  );

  it('names the one command that regenerates it in the header of each file, or of each file with generated blocks', () => {
    // Prepare, Act: a wholly generated file says so at the top; a hand-written file with generated blocks
    // (README.md, stacksets/member-account.yaml) marks them and names the command somewhere in it.
    const unexplained = files.filter(({ text }) => {
      const header = text.split('\n').slice(0, 8).join('\n');
      return (
        !/scripts\/generate\.ts/.test(header) &&
        !(/generated:/.test(text) && /scripts\/generate\.ts/.test(text))
      );
    });

    // Assess
    expect(unexplained.map((f) => f.file)).toEqual([]);
  });
});

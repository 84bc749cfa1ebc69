import {
  compareRequirementIds,
  type FrameworkFile,
  frameworkLabel,
  loadFrameworkFile,
  MAX_RELATED_REQUIREMENTS,
  relatedRequirements,
  requirementsForRule,
} from '../../../lib/frameworks';

const file = (overrides: Partial<FrameworkFile> = {}): FrameworkFile => ({
  framework: 'Example Benchmark',
  version: '2.0.0',
  source: 'https://example.com/benchmark',
  verified: 'made up for a unit test',
  requirements: [
    { id: '1.10', title: 'Tenth requirement', ruleIds: ['root-access-keys'] },
    { id: '1.2', title: 'Second requirement', ruleIds: ['root-access-keys', 'root-user-idle'] },
    { id: '2.1.1', title: 'Uncovered requirement', ruleIds: [], note: 'no rule covers this yet' },
  ],
  ...overrides,
});

describe('DESIGN.md numbering facts', () => {
  // rule → [CIS v1.4.0, v3.0.0, v5.0.0, v6.0.0, v7.0.0] ids, as DESIGN.md "Facts to get right" lists them.
  const cis: Record<string, string[][]> = {
    'root-access-keys': [['1.4'], ['1.4'], ['1.3'], ['2.3'], ['2.4']],
    'root-hardware-mfa': [
      ['1.5', '1.6'],
      ['1.5', '1.6'],
      ['1.4', '1.5'],
      ['2.4', '2.5'],
      ['2.5', '2.6'],
    ],
    'root-user-idle': [['1.7'], ['1.7'], ['1.6'], ['2.6'], ['2.7']],
    'root-deny-scp': [['1.7'], ['1.7'], ['1.6'], ['2.6'], ['2.1.2', '2.7']],
    'root-activity-alerting': [['4.3'], ['4.3'], ['4.3'], ['5.3'], ['5.3']],
    // Centralized root access is a v7.0.0 item only.
    'root-access-centralized': [[], [], [], [], ['2.1.1']],
  };
  const versions = ['1.4.0', '3.0.0', '5.0.0', '6.0.0', '7.0.0'];

  it.each(Object.entries(cis))('maps %s to the CIS ids of every version', (ruleId, expected) => {
    const got = versions.map((version) =>
      requirementsForRule(ruleId)
        .filter((r) => r.framework === 'CIS AWS Foundations Benchmark' && r.version === version)
        .map((r) => r.id),
    );
    expect(got).toEqual(expected);
  });

  it.each([
    ['root-access-keys', ['7.2.1', '7.2.2', '7.2.3', '8.2.1', '8.2.2', '8.2.4', '8.2.5', '8.3.11']],
    ['root-hardware-mfa', ['8.4.1', '8.4.2', '8.4.3']],
    ['root-activity-alerting', ['10.2.1.1', '10.4.1', '10.4.1.1', '10.4.2']],
  ])('maps %s to the PCI DSS v4.0 ids of the public AWS mapping', (ruleId, expected) => {
    const ids = requirementsForRule(ruleId)
      .filter((r) => r.framework === 'PCI DSS')
      .map((r) => r.id);
    expect(ids).toEqual(expected);
  });

  it.each([
    ['root-access-keys', ['IAM.4']],
    ['root-hardware-mfa', ['IAM.6', 'IAM.9']],
    ['root-user-idle', ['IAM.20']],
    ['root-activity-alerting', ['CloudWatch.1']],
  ])('maps %s to the Security Hub controls %j', (ruleId, expected) => {
    const ids = requirementsForRule(ruleId)
      .filter((r) => r.framework === 'AWS Security Hub')
      .map((r) => r.id);
    expect(ids).toEqual(expected);
  });

  it('maps CIS v7.0.0 2.1.1 (centralized root access) to root-access-centralized', () => {
    const requirement = loadFrameworkFile(
      require('../../../conformance-packs/frameworks/cis-aws-foundations-7.0.0.json'),
      'v7',
    ).requirements.find((r) => r.id === '2.1.1');
    expect(requirement?.ruleIds).toEqual(['root-access-centralized']);
    expect(requirement?.note).toMatch(/ListOrganizationsFeatures/);
  });
});

describe('requirementsForRule', () => {
  it('lists a rule’s requirements in numeric id order, with their framework', () => {
    expect(requirementsForRule('root-access-keys', [file()])).toEqual([
      { framework: 'Example Benchmark', version: '2.0.0', id: '1.2', title: 'Second requirement' },
      { framework: 'Example Benchmark', version: '2.0.0', id: '1.10', title: 'Tenth requirement' },
    ]);
  });

  it('returns nothing for a rule no framework maps', () => {
    expect(requirementsForRule('no-such-rule', [file()])).toEqual([]);
  });
});

describe('relatedRequirements', () => {
  it('formats entries as Security Hub does: "<framework> v<version>/<id>"', () => {
    expect(relatedRequirements('root-access-keys', [file()])).toEqual([
      'Example Benchmark v2.0.0/1.2',
      'Example Benchmark v2.0.0/1.10',
    ]);
  });

  it('uses a file’s label instead when it has one', () => {
    expect(relatedRequirements('root-user-idle', [file({ label: 'Example' })])).toEqual(['Example/1.2']);
  });

  it('keeps framework order and drops duplicates', () => {
    const frameworks = [file({ version: '1.0.0' }), file(), file()];
    expect(relatedRequirements('root-user-idle', frameworks)).toEqual([
      'Example Benchmark v1.0.0/1.2',
      'Example Benchmark v2.0.0/1.2',
    ]);
  });

  it(`never returns more than ${MAX_RELATED_REQUIREMENTS} entries`, () => {
    const many = file({
      requirements: Array.from({ length: 40 }, (_, i) => ({
        id: `9.${i + 1}`,
        title: `Requirement ${i + 1}`,
        ruleIds: ['root-access-keys'],
      })),
    });
    const entries = relatedRequirements('root-access-keys', [many]);
    expect(entries).toHaveLength(MAX_RELATED_REQUIREMENTS);
    expect(entries[0]).toBe('Example Benchmark v2.0.0/9.1');
  });

  it('refuses an entry longer than 64 characters rather than cutting it', () => {
    const long = file({ framework: 'An Extraordinarily Long Framework Name That Keeps Going On' });
    expect(() => relatedRequirements('root-access-keys', [long])).toThrow(/longer than 64/);
  });
});

describe('loadFrameworkFile', () => {
  it('rejects duplicate requirement ids', () => {
    const raw = file({
      requirements: [
        { id: '1.1', title: 'First requirement', ruleIds: ['root-access-keys'] },
        { id: '1.1', title: 'First again', ruleIds: ['root-user-idle'] },
      ],
    });
    expect(() => loadFrameworkFile(raw, 'dup.json')).toThrow(/dup\.json.*duplicate id 1\.1/);
  });

  it('rejects an uncovered requirement without a note', () => {
    const raw = file({ requirements: [{ id: '1.1', title: 'First requirement', ruleIds: [] }] });
    expect(() => loadFrameworkFile(raw, 'bare.json')).toThrow(/needs a note/);
  });

  it('rejects unknown keys', () => {
    expect(() => loadFrameworkFile({ ...file(), extra: true }, 'extra.json')).toThrow(/extra\.json/);
  });
});

describe('frameworkLabel and compareRequirementIds', () => {
  it('labels a framework by name and version', () => {
    expect(frameworkLabel(file())).toBe('Example Benchmark v2.0.0');
  });

  it('orders dotted ids numerically, and names within a part alphabetically', () => {
    const ids = ['10.4.1.1', '2.1', '1.10', 'IAM.9', '1.2', '10.4.1', 'CloudWatch.1', 'IAM.10'];
    expect([...ids].sort(compareRequirementIds)).toEqual([
      '1.2',
      '1.10',
      '2.1',
      '10.4.1',
      '10.4.1.1',
      'CloudWatch.1',
      'IAM.9',
      'IAM.10',
    ]);
  });
});

import { parse } from 'yaml';
import type { AutomationDocument } from '../../../remediations/lib/documents';
import {
  documentLogicalId,
  generateMemberRemediation,
  type MemberRemediationDocument,
  memberRemediationDocuments,
  remediationFunctionSuffixes,
  renderMemberRemediation,
} from '../../../stacksets/generate-member-remediation';

const content = (functionDefault: string): AutomationDocument => ({
  schemaVersion: '0.3',
  description: 'A made-up remediation.',
  parameters: {
    AutomationAssumeRole: { type: 'String', allowedPattern: '^arn:.+$' },
    FixFunctionName: { type: 'String', default: functionDefault, allowedPattern: '^[a-z-]+$' },
  },
  mainSteps: [
    { name: 'Fix', action: 'aws:invokeLambdaFunction', inputs: { FunctionName: '{{ FixFunctionName }}' } },
  ],
});

const doc = (
  folder: string,
  name: string,
  functionDefault = 'rootguard-fix-example',
): MemberRemediationDocument => {
  const c = content(functionDefault);
  return { folder, name, content: c, raw: `# a comment\n${JSON.stringify(c)}` };
};

describe('memberRemediationDocuments', () => {
  const docs = [
    doc('fix-example', 'RootGuard-FixExample'),
    doc('open-break-glass-window', 'RootGuard-OpenBreakGlassWindow'),
  ];

  it("takes each rule's document once, and no document that no rule names", () => {
    const rules = [
      { id: 'a', remediation: { documentId: 'RootGuard-FixExample' } },
      { id: 'b', remediation: { documentId: 'RootGuard-FixExample' } },
    ];
    expect(memberRemediationDocuments(rules, docs).map((d) => d.name)).toEqual(['RootGuard-FixExample']);
  });

  it('refuses a rule whose document is not under remediations/', () => {
    expect(() =>
      memberRemediationDocuments([{ id: 'a', remediation: { documentId: 'RootGuard-Gone' } }], docs),
    ).toThrow('rule a names remediation document RootGuard-Gone, which is not under remediations/');
  });
});

describe('generateMemberRemediation', () => {
  it('lists each central Lambda once, by its name after rootguard-', () => {
    expect(
      remediationFunctionSuffixes([
        doc('a-b', 'RootGuard-AB', 'rootguard-x'),
        doc('c-d', 'RootGuard-CD', 'rootguard-x'),
      ]),
    ).toEqual(['x']);
    expect(() => remediationFunctionSuffixes([doc('a-b', 'RootGuard-AB', 'other-x')])).toThrow(
      /must be a function name starting with rootguard-/,
    );
  });

  it('embeds each document as written (comments aside) under its name, updated as a new version', () => {
    const d = doc('fix-example', 'RootGuard-FixExample');
    const template = generateMemberRemediation([d]);
    expect(template.Resources[documentLogicalId('fix-example')]).toEqual({
      Type: 'AWS::SSM::Document',
      Properties: {
        Name: 'RootGuard-FixExample',
        DocumentType: 'Automation',
        DocumentFormat: 'YAML',
        UpdateMethod: 'NewVersion',
        Content: parse(d.raw),
        Tags: [{ Key: 'app', Value: 'rootguard' }],
      },
    });
  });

  it('renders YAML that reads back the same under YAML 1.1 and 1.2, with dates kept as strings', () => {
    const template = generateMemberRemediation([doc('fix-example', 'RootGuard-FixExample')]);
    const text = renderMemberRemediation(template);
    const body = text.slice(text.indexOf('AWSTemplateFormatVersion'));
    expect(parse(body)).toEqual(JSON.parse(JSON.stringify(template)));
    expect(parse(body, { version: '1.1' })).toEqual(JSON.parse(JSON.stringify(template)));
    expect(body).toContain('AWSTemplateFormatVersion: "2010-09-09"');
  });
});

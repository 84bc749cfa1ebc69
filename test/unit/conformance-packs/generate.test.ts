import { parse } from 'yaml';
import {
  allowedPattern,
  configRuleLogicalId,
  FUNCTION_ARN_PATTERN,
  generateConformancePack,
  type PackDocument,
  pascalCase,
  planRemediationParameters,
  remediationLogicalId,
  renderConformancePack,
  ruleParameterName,
} from '../../../conformance-packs/generate';
import type { ParameterDefinition, RuleMetadata } from '../../../lib/rule-metadata';
import type { DocumentParameter } from '../../../remediations/lib/documents';
import { sampleRule } from '../../helpers/sample-rule';

const rule = (overrides: Partial<RuleMetadata> = {}): RuleMetadata =>
  sampleRule({
    id: 'root-example-check',
    trigger: { type: 'Periodic', maximumExecutionFrequency: 'Six_Hours' },
    remediation: { documentId: 'RootGuard-FixExample' },
    ...overrides,
  });

const ASSUME_ROLE: DocumentParameter = { type: 'String', allowedPattern: '^arn:.+$' };
const ACCOUNT_ID: DocumentParameter = { type: 'String', allowedPattern: '^\\d{12}$' };

/** A remediation document with one Lambda step on FunctionParam (default `fn`), plus `parameters`. */
const doc = (
  name: string,
  parameters: Record<string, DocumentParameter> = {},
  functionParam = 'FixFunctionName',
  functionDefault = 'rootguard-fix',
): PackDocument => ({
  name,
  content: {
    schemaVersion: '0.3',
    description: 'A made-up remediation.',
    parameters: {
      AutomationAssumeRole: ASSUME_ROLE,
      AccountId: ACCOUNT_ID,
      [functionParam]: { type: 'String', default: functionDefault, allowedPattern: '^[a-z:-]+$' },
      ...parameters,
    },
    mainSteps: [
      { name: 'Fix', action: 'aws:invokeLambdaFunction', inputs: { FunctionName: `{{ ${functionParam} }}` } },
    ],
  },
});
const FIX_EXAMPLE = doc('RootGuard-FixExample');

const param = (overrides: Partial<ParameterDefinition>): ParameterDefinition => ({
  name: 'Example',
  type: 'String',
  description: 'An example parameter for the tests.',
  ...overrides,
});

const matches = (pattern: string | undefined, value: string) =>
  pattern === undefined || new RegExp(pattern).test(value);

describe('allowedPattern', () => {
  it('lets a Boolean be true, false or blank', () => {
    const p = allowedPattern(param({ type: 'Boolean' }));
    expect(['true', 'false', ''].map((v) => matches(p, v))).toEqual([true, true, true]);
    expect(matches(p, 'yes')).toBe(false);
  });

  it('bounds an Integer’s digits by its maximum and refuses a sign when the minimum is not negative', () => {
    const p = allowedPattern(param({ type: 'Integer', minimum: 1, maximum: 3650 }));
    expect(['90', '3650', ''].map((v) => matches(p, v))).toEqual([true, true, true]);
    expect(['-1', '36500', 'ten'].map((v) => matches(p, v))).toEqual([false, false, false]);
  });

  it('allows a sign for an Integer that may be negative', () => {
    expect(matches(allowedPattern(param({ type: 'Integer', minimum: -5 })), '-3')).toBe(true);
  });

  it('applies a StringList pattern to every comma-separated item', () => {
    const p = allowedPattern(param({ type: 'StringList', pattern: '^p-[0-9a-z]{8}$' }));
    expect(['p-abcdefgh', 'p-abcdefgh, p-12345678', ''].map((v) => matches(p, v))).toEqual([
      true,
      true,
      true,
    ]);
    expect(['p-abcdefgh,nope', ','].map((v) => matches(p, v))).toEqual([false, false]);
  });

  it('wraps a String pattern so blank is allowed, and leaves a String without one free', () => {
    const p = allowedPattern(param({ pattern: '^[a-z]{2}-[a-z]+-\\d$' }));
    expect(['eu-west-1', ''].map((v) => matches(p, v))).toEqual([true, true]);
    expect(matches(p, 'x eu-west-1')).toBe(false);
    expect(allowedPattern(param({}))).toBeUndefined();
  });
});

describe('generateConformancePack', () => {
  const withParams = rule({
    parameters: [
      param({ name: 'Threshold', type: 'Integer', default: '7', minimum: 1, maximum: 99 }),
      param({}),
    ],
  });
  const pack = generateConformancePack([withParams], [FIX_EXAMPLE]);

  it('names logical ids and parameters after the rule in PascalCase', () => {
    expect(pascalCase('root-example-check')).toBe('RootExampleCheck');
    expect(configRuleLogicalId('root-example-check')).toBe('RootExampleCheckConfigRule');
    expect(remediationLogicalId('root-example-check')).toBe('RootExampleCheckRemediation');
    expect(ruleParameterName('root-example-check', 'Threshold')).toBe('RootExampleCheckParamThreshold');
    expect(Object.keys(pack.Resources)).toEqual([
      'RootExampleCheckConfigRule',
      'RootExampleCheckRemediation',
    ]);
  });

  it('defaults each rule parameter to its rule.json default, or blank', () => {
    expect(pack.Parameters.RootExampleCheckParamThreshold?.Default).toBe('7');
    expect(pack.Parameters.RootExampleCheckParamExample?.Default).toBe('');
    expect(pack.Parameters.RootExampleCheckParamExample?.Description).toMatch(
      /Blank: not passed to the rule\.$/,
    );
    expect(pack.Parameters.RootExampleCheckParamThreshold?.Description).toMatch(
      /Blank: the rule's default \(7\)\.$/,
    );
  });

  it('drops a blank rule parameter with a condition and AWS::NoValue', () => {
    const input = pack.Resources.RootExampleCheckConfigRule?.Properties.InputParameters;
    expect(input).toEqual({
      Threshold: {
        'Fn::If': [
          'HasRootExampleCheckParamThreshold',
          { Ref: 'RootExampleCheckParamThreshold' },
          { Ref: 'AWS::NoValue' },
        ],
      },
      Example: {
        'Fn::If': [
          'HasRootExampleCheckParamExample',
          { Ref: 'RootExampleCheckParamExample' },
          { Ref: 'AWS::NoValue' },
        ],
      },
      ExecutionRoleName: { Ref: 'ExecutionRoleName' },
    });
    expect(pack.Conditions.HasRootExampleCheckParamThreshold).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'RootExampleCheckParamThreshold' }] }],
    });
  });

  it('passes only the required ExecutionRoleName to a rule without parameters', () => {
    const bare = generateConformancePack([rule()], [FIX_EXAMPLE]);
    expect(bare.Resources.RootExampleCheckConfigRule?.Properties.InputParameters).toEqual({
      ExecutionRoleName: { Ref: 'ExecutionRoleName' },
    });
    expect(bare.Parameters.ExecutionRoleName?.Default).toBeUndefined();
    expect(bare.Conditions).toEqual({
      AutomaticRemediationEnabled: { 'Fn::Equals': [{ Ref: 'AutomaticRemediation' }, 'true'] },
    });
  });

  it('schedules the rule at its own frequency', () => {
    const props = pack.Resources.RootExampleCheckConfigRule?.Properties;
    expect(props?.MaximumExecutionFrequency).toBe('Six_Hours');
    expect(JSON.stringify(props?.Source)).toContain('"MaximumExecutionFrequency":"Six_Hours"');
  });

  it('runs the remediation document in the evaluated account with the per-account automation role', () => {
    const props = pack.Resources.RootExampleCheckRemediation?.Properties;
    expect(props?.TargetId).toBe('RootGuard-FixExample');
    expect(props?.Parameters).toEqual({
      AutomationAssumeRole: {
        StaticValue: {
          Values: [
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template literal.
            { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AutomationAssumeRoleName}' },
          ],
        },
      },
      AccountId: { ResourceValue: { Value: 'RESOURCE_ID' } },
      FixFunctionName: { StaticValue: { Values: [{ Ref: 'RemediationFixFunctionName' }] } },
    });
  });

  it('refuses a rule whose remediation document does not exist', () => {
    expect(() => generateConformancePack([rule()], [])).toThrow(
      'rule root-example-check names remediation document RootGuard-FixExample, which is not under remediations/',
    );
  });

  it('renders YAML without anchors that parses back to the same template', () => {
    const text = renderConformancePack(pack);
    expect(text).not.toMatch(/[&*]a\d/);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(pack)));
  });

  it('is deterministic', () => {
    expect(renderConformancePack(generateConformancePack([withParams], [FIX_EXAMPLE]))).toBe(
      renderConformancePack(pack),
    );
  });
});

describe('planRemediationParameters', () => {
  const APPROVERS: DocumentParameter = { type: 'StringList', minItems: 1, maxItems: 10, description: 'Who.' };
  const TOPIC: DocumentParameter = {
    type: 'String',
    allowedPattern: '^arn:aws:sns:.+$',
    description: '(Required) SNS topic that notifies the approvers. Its name starts with Automation.',
  };

  it('leaves a parameter with a default to the document, and passes nothing for it', () => {
    const plan = planRemediationParameters([
      doc('RootGuard-A', { DryRun: { type: 'String', default: 'true' } }),
    ]);
    expect(Object.keys(plan.parameters)).toEqual(['RemediationFixFunctionName']);
    expect(plan.valuesFor(doc('RootGuard-A'))).not.toHaveProperty('DryRun');
  });

  it('passes a Lambda parameter as a required full ARN, though the document has a default name', () => {
    const plan = planRemediationParameters([doc('RootGuard-A')]);
    expect(plan.parameters.RemediationFixFunctionName).toEqual({
      Type: 'String',
      Description: expect.stringContaining('full ARN of the rootguard Lambda rootguard-fix'),
      AllowedPattern: FUNCTION_ARN_PATTERN,
    });
  });

  it('passes a String without a default from a required pack parameter with the document pattern', () => {
    const a = doc('RootGuard-A', { ApprovalNotificationArn: TOPIC });
    const plan = planRemediationParameters([a]);
    expect(plan.parameters.RemediationApprovalNotificationArn).toEqual({
      Type: 'String',
      Description: 'RootGuard-A: SNS topic that notifies the approvers. Its name starts with Automation.',
      AllowedPattern: '^arn:aws:sns:.+$',
    });
    expect(plan.valuesFor(a).ApprovalNotificationArn).toEqual({
      StaticValue: { Values: [{ Ref: 'RemediationApprovalNotificationArn' }] },
    });
  });

  it('shares one pack parameter between documents that use the same name', () => {
    const a = doc('RootGuard-A', { ApprovalNotificationArn: TOPIC });
    const b = doc('RootGuard-B', { ApprovalNotificationArn: TOPIC }, 'OtherFunctionName', 'rootguard-other');
    const plan = planRemediationParameters([a, b]);
    expect(Object.keys(plan.parameters)).toEqual([
      'RemediationFixFunctionName',
      'RemediationApprovalNotificationArn',
      'RemediationOtherFunctionName',
    ]);
    expect(plan.parameters.RemediationApprovalNotificationArn?.Description).toMatch(
      /^RootGuard-A, RootGuard-B: /,
    );
  });

  it('splits a StringList into one parameter per item: the largest minItems required, the rest dropped when blank', () => {
    const one = doc('RootGuard-A', { Approvers: APPROVERS });
    const two = doc(
      'RootGuard-B',
      { Approvers: { ...APPROVERS, minItems: 2 } },
      'BFunctionName',
      'rootguard-b',
    );
    const plan = planRemediationParameters([one, two]);
    const slots = Object.keys(plan.parameters).filter((name) => name.startsWith('RemediationApprovers'));
    expect(slots).toEqual([
      'RemediationApprovers1',
      'RemediationApprovers2',
      'RemediationApprovers3',
      'RemediationApprovers4',
      'RemediationApprovers5',
    ]);
    expect(plan.parameters.RemediationApprovers2?.Default).toBeUndefined();
    expect(plan.parameters.RemediationApprovers3?.Default).toBe('');
    expect(new RegExp(plan.parameters.RemediationApprovers1?.AllowedPattern ?? '').test('')).toBe(false);
    expect(new RegExp(plan.parameters.RemediationApprovers3?.AllowedPattern ?? '').test('')).toBe(true);
    expect(plan.conditions).toEqual({
      HasRemediationApprovers3: { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'RemediationApprovers3' }] }] },
      HasRemediationApprovers4: { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'RemediationApprovers4' }] }] },
      HasRemediationApprovers5: { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'RemediationApprovers5' }] }] },
    });
    expect(plan.valuesFor(one).Approvers).toEqual({
      StaticValue: {
        Values: [
          { Ref: 'RemediationApprovers1' },
          { Ref: 'RemediationApprovers2' },
          ...[3, 4, 5].map((i) => ({
            'Fn::If': [
              `HasRemediationApprovers${i}`,
              { Ref: `RemediationApprovers${i}` },
              { Ref: 'AWS::NoValue' },
            ],
          })),
        ],
      },
    });
  });

  it('passes no more items than a document takes', () => {
    const few = doc('RootGuard-A', { Approvers: { ...APPROVERS, maxItems: 3 } });
    const plan = planRemediationParameters([few]);
    expect(
      (plan.valuesFor(few).Approvers as { StaticValue: { Values: unknown[] } }).StaticValue.Values,
    ).toHaveLength(3);
    expect(Object.keys(plan.parameters).filter((n) => n.startsWith('RemediationApprovers'))).toHaveLength(3);
  });

  it.each<[string, PackDocument[], RegExp]>([
    [
      'one name for two Lambdas',
      [doc('RootGuard-A'), doc('RootGuard-B', {}, 'FixFunctionName', 'rootguard-other')],
      /parameter FixFunctionName means two things .*functions rootguard-fix and rootguard-other/,
    ],
    [
      'one name with two patterns',
      [
        doc('RootGuard-A', { Topic: TOPIC }),
        doc('RootGuard-B', { Topic: { ...TOPIC, allowedPattern: '^x$' } }, 'B', 'rootguard-b'),
      ],
      /parameter Topic means two things .*different allowedPattern/,
    ],
    [
      'a StringList with no known item pattern',
      [doc('RootGuard-A', { Tags: { type: 'StringList' } })],
      /StringList parameter Tags has no item pattern/,
    ],
    [
      'a required Integer',
      [doc('RootGuard-A', { Count: { type: 'Integer' } })],
      /parameter Count \(Integer\) has no default/,
    ],
    [
      'more required items than parameters',
      [doc('RootGuard-A', { Approvers: { ...APPROVERS, minItems: 6 } })],
      /Approvers needs 6 items, more than the 5 pack parameters/,
    ],
  ])('refuses %s', (_label, documents, message) => {
    expect(() => planRemediationParameters(documents)).toThrow(message);
  });
});

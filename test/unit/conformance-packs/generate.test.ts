import { parse } from 'yaml';
import {
  allowedPattern,
  configRuleLogicalId,
  generateConformancePack,
  pascalCase,
  remediationLogicalId,
  renderConformancePack,
  ruleParameterName,
} from '../../../conformance-packs/generate';
import type { ParameterDefinition, RuleMetadata } from '../../../lib/rule-metadata';

const rule = (overrides: Partial<RuleMetadata> = {}): RuleMetadata => ({
  id: 'root-example-check',
  title: 'The root user is an example of good behaviour',
  description: 'A made-up rule used by the generator unit tests.',
  severity: 'HIGH',
  trigger: { type: 'Periodic', maximumExecutionFrequency: 'Six_Hours' },
  resourceType: 'AWS::::Account',
  parameters: [],
  remediation: { documentId: 'RootGuard-FixExample' },
  ...overrides,
});

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
  const pack = generateConformancePack([withParams]);

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
    const bare = generateConformancePack([rule()]);
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
    });
  });

  it('renders YAML without anchors that parses back to the same template', () => {
    const text = renderConformancePack(pack);
    expect(text).not.toMatch(/[&*]a\d/);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(pack)));
  });

  it('is deterministic', () => {
    expect(renderConformancePack(generateConformancePack([withParams]))).toBe(renderConformancePack(pack));
  });
});

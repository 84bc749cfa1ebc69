/**
 * The organization conformance pack (conformance-packs/rootguard-root-protection.yaml) is exactly what
 * conformance-packs/generate.ts builds from the rule registry and the remediation documents, and stays inside
 * what conformance packs accept: Parameters, Conditions and Resources of the two Config types only, a handful of
 * intrinsics, ≤ 60 parameters, ≤ 51,200 bytes. Every rule is there with its remediation; rule parameters are
 * named `<Rule>Param<Name>`, and no blank value can reach a rule's InputParameters. Every remediation gets every
 * parameter its document requires, and the rootguard Lambdas as full ARNs.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  ALLOWED_RESOURCE_TYPES,
  type CfnValue,
  CONFIG_SUPPLIED_PARAMETERS,
  type ConformancePackTemplate,
  configRuleName,
  FUNCTION_ARN_PATTERN,
  functionNameParameters,
  GENERATED_HEADER,
  generateConformancePack,
  isCommonParameter,
  LIST_ITEMS,
  lambdaArnParameterName,
  MAX_INPUT_PARAMETERS,
  MAX_TEMPLATE_BODY_BYTES,
  PACK_FILE,
  pascalCase,
  remediationParameterName,
  renderConformancePack,
  ruleParameterName,
} from '../../conformance-packs/generate';
import { parseComplianceChangeEvent } from '../../findings/compliance-event';
import findingPatterns from '../../findings/patterns.json';
import { acceptRule, CONFORMANCE_PACK_RULE_PATH } from '../../findings/rule-origin';
import { matchesEventPattern } from '../../lib/event-pattern';
import { COMMON_PARAMETERS } from '../../lib/rule-metadata';
import { loadDocuments } from '../../remediations/lib/documents';
import { RULES } from '../../rules';
import { loadComplianceEvent, withDetail } from '../helpers/compliance-events';
import { MEMBER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../helpers/constants';

const PACK_PATH = join(resolve(__dirname, '../..'), 'conformance-packs', PACK_FILE);
const committedText = readFileSync(PACK_PATH, 'utf8');
const committed = parse(committedText) as ConformancePackTemplate;
const metadata = RULES.map((rule) => rule.metadata);
const documents = loadDocuments();
const generated = generateConformancePack(metadata, documents);
const documentNamed = (name: string) => documents.find((d) => d.name === name);

type Json = CfnValue | null | undefined;
const isObject = (v: Json): v is { [key: string]: CfnValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every key of every object in the tree that names an intrinsic function (`Ref`, `Fn::*`, `Condition`). */
function intrinsics(node: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) intrinsics(item, found);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' || key.startsWith('Fn::')) found.add(key);
      intrinsics(value, found);
    }
  }
  return found;
}

function refs(node: Json, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, found);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

const canBeBlank = (name: string): boolean => {
  const parameter = committed.Parameters[name];
  if (!parameter) return true;
  if (parameter.Default === '') return true;
  if (parameter.AllowedValues) return parameter.AllowedValues.includes('');
  return parameter.AllowedPattern === undefined || new RegExp(parameter.AllowedPattern).test('');
};

describe(`conformance-packs/${PACK_FILE}`, () => {
  it('is the generator output for the current rules (run npm run generate)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(generated)));
    expect(committedText.startsWith(GENERATED_HEADER)).toBe(true);
  });

  it('renders to the committed text', () => {
    expect(renderConformancePack(generated)).toBe(committedText);
  });

  it('holds only Parameters, Conditions and Resources', () => {
    expect(Object.keys(committed).sort()).toEqual(['Conditions', 'Parameters', 'Resources']);
  });

  it('declares only AWS::Config::ConfigRule and AWS::Config::RemediationConfiguration resources', () => {
    const types = new Set(Object.values(committed.Resources).map((r) => r.Type));
    expect([...types].filter((t) => !(ALLOWED_RESOURCE_TYPES as readonly string[]).includes(t))).toEqual([]);
  });

  it('uses only Ref, Fn::If, Fn::Not, Fn::Equals and Fn::Sub', () => {
    expect([...intrinsics(committed as unknown as CfnValue)].sort()).toEqual(
      ['Fn::Equals', 'Fn::If', 'Fn::Not', 'Fn::Sub', 'Ref'].sort(),
    );
  });

  it('refers only to its own parameters and to AWS::NoValue', () => {
    const known = new Set([...Object.keys(committed.Parameters), 'AWS::NoValue']);
    expect(refs(committed as unknown as CfnValue).filter((name) => !known.has(name))).toEqual([]);
  });

  it('names only existing conditions', () => {
    const used = new Set<string>();
    const walk = (node: Json) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (isObject(node)) {
        const fnIf = node['Fn::If'];
        if (Array.isArray(fnIf) && typeof fnIf[0] === 'string') used.add(fnIf[0]);
        Object.values(node).forEach(walk);
      }
    };
    walk(committed.Resources as unknown as CfnValue);
    expect([...used].filter((c) => !(c in committed.Conditions))).toEqual([]);
  });

  it(`fits PutOrganizationConformancePack: ≤ ${MAX_INPUT_PARAMETERS} parameters, ≤ ${MAX_TEMPLATE_BODY_BYTES} bytes`, () => {
    expect(Object.keys(committed.Parameters).length).toBeLessThanOrEqual(MAX_INPUT_PARAMETERS);
    expect(Buffer.byteLength(committedText, 'utf8')).toBeLessThanOrEqual(MAX_TEMPLATE_BODY_BYTES);
  });

  it('gives every parameter a Default that its own AllowedPattern or AllowedValues accepts', () => {
    const bad = Object.entries(committed.Parameters)
      .filter(([, p]) => p.Default !== undefined)
      .filter(
        ([, p]) =>
          (p.AllowedPattern !== undefined && !new RegExp(p.AllowedPattern).test(p.Default as string)) ||
          (p.AllowedValues !== undefined && !p.AllowedValues.includes(p.Default as string)),
      )
      .map(([name]) => name);
    expect(bad).toEqual([]);
  });

  it('requires the cross-account parameters (a blank ExecutionRoleName would evaluate the tooling account)', () => {
    for (const def of COMMON_PARAMETERS) {
      expect(committed.Parameters[def.name]?.Default).toBeUndefined();
      expect(canBeBlank(def.name)).toBe(false);
    }
  });

  describe.each(metadata.map((m) => [m.id, m] as const))('rule %s', (ruleId, rule) => {
    const pascal = pascalCase(ruleId);
    const configRule = committed.Resources[`${pascal}ConfigRule`];
    const remediation = committed.Resources[`${pascal}Remediation`];
    const props = configRule?.Properties ?? {};

    it('is a CUSTOM_LAMBDA rule on the Lambda ARN parameter, periodic at its rule.json frequency', () => {
      expect(configRule?.Type).toBe('AWS::Config::ConfigRule');
      expect(props.ConfigRuleName).toBe(configRuleName(ruleId));
      expect(props.MaximumExecutionFrequency).toBe(rule.trigger.maximumExecutionFrequency);
      expect(props.Source).toEqual({
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier: { Ref: lambdaArnParameterName(ruleId) },
        SourceDetails: [
          {
            EventSource: 'aws.config',
            MessageType: 'ScheduledNotification',
            MaximumExecutionFrequency: rule.trigger.maximumExecutionFrequency,
          },
        ],
      });
      expect(committed.Parameters[lambdaArnParameterName(ruleId)]?.Default).toBeUndefined();
    });

    it('has a RemediationConfiguration running its rule.json document, manual unless AutomaticRemediation is true', () => {
      expect(remediation?.Type).toBe('AWS::Config::RemediationConfiguration');
      expect(remediation?.DependsOn).toBe(`${pascal}ConfigRule`);
      const r = remediation?.Properties ?? {};
      expect(r.ConfigRuleName).toBe(configRuleName(ruleId));
      expect(r.TargetType).toBe('SSM_DOCUMENT');
      expect(r.TargetId).toBe(rule.remediation.documentId);
      expect(r.ResourceType).toBe(rule.resourceType);
      expect(r.Automatic).toEqual({ 'Fn::If': ['AutomaticRemediationEnabled', true, false] });
      expect(committed.Conditions.AutomaticRemediationEnabled).toEqual({
        'Fn::Equals': [{ Ref: 'AutomaticRemediation' }, 'true'],
      });
      expect(committed.Parameters.AutomaticRemediation?.Default).toBe('false');
      expect(r.MaximumAutomaticAttempts).toEqual({ Ref: 'RemediationMaximumAutomaticAttempts' });
      expect(r.RetryAttemptSeconds).toEqual({ Ref: 'RemediationRetryAttemptSeconds' });
      const parameters = r.Parameters as { [key: string]: CfnValue };
      expect(parameters.AccountId).toEqual({ ResourceValue: { Value: 'RESOURCE_ID' } });
      expect(Object.keys(parameters.AutomationAssumeRole as object)).toEqual(['StaticValue']);
    });

    describe('remediation parameters', () => {
      const doc = documentNamed(rule.remediation.documentId);
      const passed = (remediation?.Properties.Parameters ?? {}) as {
        [key: string]: { StaticValue?: { Values: CfnValue[] } };
      };
      const docParameters = Object.entries(doc?.content.parameters ?? {});
      const functions = doc ? functionNameParameters(doc.content) : new Set<string>();

      it('runs a document that exists under remediations/', () => {
        expect(doc?.name).toBe(rule.remediation.documentId);
      });

      it('passes every parameter the document requires (no default), and only parameters it declares', () => {
        const required = docParameters.filter(([, p]) => p.default === undefined).map(([name]) => name);
        expect(required.filter((name) => !(name in passed))).toEqual([]);
        expect(Object.keys(passed).filter((name) => !doc?.content.parameters[name])).toEqual([]);
      });

      it('leaves every other defaulted parameter to the document, but passes its Lambda as a full ARN', () => {
        const overridden = docParameters
          .filter(([name, p]) => p.default !== undefined && name in passed)
          .map(([name]) => name)
          .sort();
        expect(overridden).toEqual([...functions].sort());
        for (const name of functions) {
          const packParameter = remediationParameterName(name);
          expect(passed[name]).toEqual({ StaticValue: { Values: [{ Ref: packParameter }] } });
          expect(committed.Parameters[packParameter]).toMatchObject({ AllowedPattern: FUNCTION_ARN_PATTERN });
          expect(committed.Parameters[packParameter]?.Default).toBeUndefined();
        }
      });

      it('passes a String it must fill through a required Remediation<Name> parameter with the document pattern', () => {
        for (const [name, p] of docParameters) {
          if (p.type !== 'String' || p.default !== undefined || CONFIG_SUPPLIED_PARAMETERS.includes(name))
            continue;
          expect(passed[name]).toEqual({
            StaticValue: { Values: [{ Ref: remediationParameterName(name) }] },
          });
          expect(committed.Parameters[remediationParameterName(name)]).toMatchObject({
            AllowedPattern: p.allowedPattern,
          });
          expect(canBeBlank(remediationParameterName(name))).toBe(false);
        }
      });

      it('passes a StringList at least its minItems required items and at most its maxItems', () => {
        for (const [name, p] of docParameters) {
          if (p.type !== 'StringList' || p.default !== undefined) continue;
          const values = passed[name]?.StaticValue?.Values ?? [];
          const required = values.filter((v) => typeof v === 'object' && 'Ref' in (v as object));
          expect(required.length).toBeGreaterThanOrEqual(p.minItems ?? 1);
          expect(values.length).toBeLessThanOrEqual(p.maxItems ?? Number.POSITIVE_INFINITY);
          for (const item of required) expect(canBeBlank((item as { Ref: string }).Ref)).toBe(false);
        }
      });
    });

    it('names each of its own parameters <Rule>Param<Name>, with the rule.json default', () => {
      for (const def of rule.parameters) {
        const parameter = committed.Parameters[ruleParameterName(ruleId, def.name)];
        expect(parameter).toBeDefined();
        expect(parameter?.Default).toBe(def.default ?? '');
      }
    });

    it('passes exactly its parameters and the common ones as InputParameters', () => {
      const names = Object.keys(props.InputParameters as object).sort();
      expect(names).toEqual([...rule.parameters, ...COMMON_PARAMETERS].map((p) => p.name).sort());
    });

    it('lets no blank value reach InputParameters', () => {
      const input = props.InputParameters as { [key: string]: CfnValue };
      for (const def of [...rule.parameters, ...COMMON_PARAMETERS]) {
        const value = input[def.name];
        if (isCommonParameter(def)) {
          expect(value).toEqual({ Ref: def.name });
          expect(canBeBlank(def.name)).toBe(false);
          continue;
        }
        const name = ruleParameterName(ruleId, def.name);
        expect(value).toEqual({ 'Fn::If': [`Has${name}`, { Ref: name }, { Ref: 'AWS::NoValue' }] });
        expect(committed.Conditions[`Has${name}`]).toEqual({
          'Fn::Not': [{ 'Fn::Equals': ['', { Ref: name }] }],
        });
      }
    });
  });

  it('accepts as a Lambda only a full ARN that every document’s FunctionName pattern accepts too', () => {
    const arn = new RegExp(FUNCTION_ARN_PATTERN);
    const valid = [
      'arn:aws:lambda:us-east-1:444444444444:function:rootguard-attach-deny-root-scp',
      'arn:aws-cn:lambda:cn-north-1:444444444444:function:rootguard-request-hardware-mfa:live',
      'arn:aws-us-gov:lambda:us-gov-west-1:444444444444:function:rootguard-delete-root-credentials:$LATEST',
    ];
    const invalid = [
      '',
      'rootguard-attach-deny-root-scp',
      'arn:aws:lambda:us-east-1:444444444444:function:',
      'arn:aws:iam::444444444444:role/rootguard-attach-deny-root-scp',
      'arn:aws:lambda:us-east-1:4444:function:rootguard',
    ];
    expect(valid.filter((v) => !arn.test(v))).toEqual([]);
    expect(invalid.filter((v) => arn.test(v))).toEqual([]);
    for (const doc of documents) {
      for (const name of functionNameParameters(doc.content)) {
        const pattern = new RegExp(doc.content.parameters[name]?.allowedPattern ?? '^$');
        expect({ doc: doc.name, name, rejected: valid.filter((v) => !pattern.test(v)) }).toEqual({
          doc: doc.name,
          name,
          rejected: [],
        });
      }
    }
  });

  it('accepts as an approver a user name, a user or role ARN or a session ARN, one per parameter', () => {
    const item = new RegExp(`^(${LIST_ITEMS.Approvers?.pattern})$`);
    const valid = [
      'alice',
      'arn:aws:iam::444444444444:user/alice',
      'arn:aws:iam::444444444444:role/SecurityApprover',
      'arn:aws-us-gov:iam::444444444444:role/team/SecurityApprover',
      'arn:aws:sts::444444444444:assumed-role/SecurityApprover/alice@example.com',
    ];
    const invalid = [
      '',
      'alice bob',
      'alice\nbob',
      'arn:aws:iam::444:user/alice',
      'arn:aws:s3:::bucket',
      `a${'b'.repeat(64)}`,
    ];
    expect(valid.filter((v) => !item.test(v))).toEqual([]);
    expect(invalid.filter((v) => item.test(v))).toEqual([]);
  });

  it('has no parameter that no rule or remediation uses', () => {
    const used = new Set(refs(committed.Resources as unknown as CfnValue));
    for (const condition of Object.values(committed.Conditions)) for (const r of refs(condition)) used.add(r);
    const sub = JSON.stringify(committed.Resources).match(/\$\{([A-Za-z0-9]+)\}/g) ?? [];
    for (const s of sub) used.add(s.slice(2, -1));
    expect(Object.keys(committed.Parameters).filter((name) => !used.has(name))).toEqual([]);
  });
});

describe('the rules of the committed pack, as the findings Lambda and patterns see them', () => {
  const packRuleNames = Object.values(committed.Resources)
    .filter((r) => r.Type === 'AWS::Config::ConfigRule')
    .map((r) => String((r.Properties as { ConfigRuleName?: unknown }).ConfigRuleName));
  const knownRuleIds = new Set(metadata.map((m) => m.id));
  /** A compliance change as Config sends it for a rule of `name` and ARN path `rulePath` in `account`. */
  const change = (name: string, rulePath: string, account: string) => {
    const event = withDetail(loadComplianceEvent('non-compliant'), {
      accountId: account,
      configRuleName: name,
    });
    event.detail.configRuleARN = `arn:aws:config:eu-west-1:${account}:config-rule/${rulePath}`;
    const parsed = parseComplianceChangeEvent(event);
    if (!parsed.ok) throw parsed.error;
    return parsed.event;
  };
  // What Config makes of a pack rule in a member account: suffixed name, service-linked ARN.
  const inPack = (name: string) =>
    change(
      `${name}-conformance-pack-a1b2c3d4e`,
      `${CONFORMANCE_PACK_RULE_PATH}config-rule-ab12cd`,
      MEMBER_ACCOUNT,
    );

  it('holds one Config rule per registered rule', () => {
    expect(packRuleNames.sort()).toEqual(metadata.map((m) => configRuleName(m.id)).sort());
  });

  it.each(packRuleNames)('accepts %s as Config names it in a member account, and forwards it', (name) => {
    const event = inPack(name);

    expect(acceptRule(event, SECURITY_TOOLING_ACCOUNT, knownRuleIds)).toEqual({
      ok: true,
      ruleId: name.replace(/^rootguard-/, ''),
      origin: 'conformance-pack',
    });
    expect(matchesEventPattern(findingPatterns.complianceChange, event)).toBe(true);
  });

  it.each(packRuleNames)('refuses %s made by hand in a member account, and does not forward it', (name) => {
    const event = change(name, 'config-rule-h4nd00', MEMBER_ACCOUNT);

    expect(acceptRule(event, SECURITY_TOOLING_ACCOUNT, knownRuleIds)).toMatchObject({ ok: false });
    expect(matchesEventPattern(findingPatterns.complianceChange, event)).toBe(false);
  });

  it.each(packRuleNames)('accepts %s as the central stack names it in the tooling account', (name) => {
    const event = change(name, 'config-rule-own001', SECURITY_TOOLING_ACCOUNT);

    expect(acceptRule(event, SECURITY_TOOLING_ACCOUNT, knownRuleIds)).toMatchObject({ ok: true });
    expect(matchesEventPattern(findingPatterns.ownComplianceChange, event)).toBe(true);
  });
});

/**
 * Builds the rootguard organization conformance pack from the rules' metadata (rule.json), so the pack never
 * drifts from the rules: `conformance-packs/rootguard-root-protection.yaml` is this function's output, written by
 * `scripts/generate-conformance-pack.ts` and checked by test/contract/conformance-pack.test.ts.
 *
 * What a conformance pack template may hold (see conformance-packs/README.md for the sources): Parameters,
 * Conditions and Resources of exactly two types, AWS::Config::ConfigRule and AWS::Config::RemediationConfiguration;
 * AWS's own packs use Fn::If / Fn::Not / Fn::Equals / Ref / AWS::NoValue to drop blank rule parameters, and
 * Fn::Sub and DependsOn. Nothing else is used here. Pure: no file system, no AWS, no clock.
 */
import { stringify } from 'yaml';
import {
  allParameters,
  COMMON_PARAMETERS,
  type ParameterDefinition,
  type RuleMetadata,
} from '../lib/rule-metadata';

export const PACK_NAME = 'rootguard-root-protection';
export const PACK_FILE = `${PACK_NAME}.yaml`;

/** The only resource types a conformance pack template may declare (PutConformancePack, TemplateBody). */
export const ALLOWED_RESOURCE_TYPES = [
  'AWS::Config::ConfigRule',
  'AWS::Config::RemediationConfiguration',
] as const;
/** PutConformancePack / PutOrganizationConformancePack: TemplateBody ≤ 51,200 bytes, ≤ 60 input parameters. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;
export const MAX_INPUT_PARAMETERS = 60;

/** Pack-wide parameters (not tied to one rule). */
export const AUTOMATIC_REMEDIATION = 'AutomaticRemediation';
export const MAXIMUM_AUTOMATIC_ATTEMPTS = 'RemediationMaximumAutomaticAttempts';
export const RETRY_ATTEMPT_SECONDS = 'RemediationRetryAttemptSeconds';
export const AUTOMATION_ASSUME_ROLE_NAME = 'AutomationAssumeRoleName';
export const AUTOMATIC_REMEDIATION_CONDITION = 'AutomaticRemediationEnabled';

export type CfnValue = string | number | boolean | CfnValue[] | { [key: string]: CfnValue };

export interface PackParameter {
  Type: 'String';
  Description: string;
  Default?: string;
  AllowedPattern?: string;
  AllowedValues?: string[];
}

export interface PackResource {
  Type: (typeof ALLOWED_RESOURCE_TYPES)[number];
  DependsOn?: string;
  Properties: { [key: string]: CfnValue };
}

export interface ConformancePackTemplate {
  Parameters: Record<string, PackParameter>;
  Conditions: Record<string, CfnValue>;
  Resources: Record<string, PackResource>;
}

const IAM_ROLE_NAME_PATTERN = '^[\\w+=,.@-]{1,64}$';
const LAMBDA_ARN_PATTERN =
  '^arn:aws(-cn|-us-gov)?:lambda:[a-z]{2}(-[a-z]+)+-\\d{1,2}:\\d{12}:function:[A-Za-z0-9_-]{1,64}$';

/** `root-hardware-mfa` → `RootHardwareMfa`. */
export function pascalCase(ruleId: string): string {
  return ruleId
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export const configRuleName = (ruleId: string) => `rootguard-${ruleId}`;
export const lambdaArnParameterName = (ruleId: string) => `${pascalCase(ruleId)}LambdaArn`;
/** The conformance pack naming convention: `<Rule>Param<Name>`. */
export const ruleParameterName = (ruleId: string, parameter: string) =>
  `${pascalCase(ruleId)}Param${parameter}`;
export const hasValueConditionName = (parameterName: string) => `Has${parameterName}`;
export const configRuleLogicalId = (ruleId: string) => `${pascalCase(ruleId)}ConfigRule`;
export const remediationLogicalId = (ruleId: string) => `${pascalCase(ruleId)}Remediation`;

const COMMON_NAMES = new Set(COMMON_PARAMETERS.map((p) => p.name));
export const isCommonParameter = (def: ParameterDefinition) => COMMON_NAMES.has(def.name);

/** `^abc$` → `abc`: rule.json patterns are anchored; the pack wraps them to allow a blank or a list. */
function unanchored(pattern: string): string {
  return pattern.replace(/^\^/, '').replace(/\$$/, '');
}

/**
 * The AllowedPattern of a rule parameter in the pack. Every rule parameter may be blank (the condition then drops
 * it and the rule's own default applies); a value must be one the handler's validation accepts.
 */
export function allowedPattern(def: ParameterDefinition): string | undefined {
  switch (def.type) {
    case 'Boolean':
      return '^(true|false)?$';
    case 'Integer': {
      const digits = def.maximum !== undefined ? String(Math.abs(def.maximum)).length : 10;
      const sign = def.minimum !== undefined && def.minimum >= 0 ? '' : '-?';
      return `^(${sign}\\d{1,${digits}})?$`;
    }
    case 'StringList': {
      const item = def.pattern !== undefined ? `(?:${unanchored(def.pattern)})` : '[^,\\s]+';
      return `^(${item}(\\s*,\\s*${item})*)?$`;
    }
    default:
      return def.pattern !== undefined ? `^(?:${unanchored(def.pattern)})?$` : undefined;
  }
}

function ruleParameter(metadata: RuleMetadata, def: ParameterDefinition): PackParameter {
  const sentence = def.description.endsWith('.') ? def.description : `${def.description}.`;
  const blank = sentence.includes('Blank:')
    ? ''
    : def.default !== undefined
      ? ` Blank: the rule's default (${def.default}).`
      : ' Blank: not passed to the rule.';
  const pattern = allowedPattern(def);
  return {
    Type: 'String',
    Description: `${metadata.id}: ${sentence}${blank}`,
    Default: def.default ?? '',
    ...(pattern !== undefined ? { AllowedPattern: pattern } : {}),
  };
}

/**
 * Common (cross-account) parameters are pack-wide and required: in an organization pack the rule Lambdas always
 * run in the tooling account, so a blank ExecutionRoleName would make every member account's rule read the
 * tooling account instead. A value is always passed; no condition is needed.
 */
function commonParameter(def: ParameterDefinition): PackParameter {
  return {
    Type: 'String',
    Description: def.description.replace(/ Blank: .*$/, ''),
    AllowedPattern: def.pattern ?? '^.+$',
  };
}

const ref = (name: string): CfnValue => ({ Ref: name });
const noValue = (): CfnValue => ({ Ref: 'AWS::NoValue' });

export function generateConformancePack(rules: readonly RuleMetadata[]): ConformancePackTemplate {
  const parameters: Record<string, PackParameter> = {};
  const conditions: Record<string, CfnValue> = {};
  const resources: Record<string, PackResource> = {};

  for (const metadata of rules) {
    parameters[lambdaArnParameterName(metadata.id)] = {
      Type: 'String',
      Description: `ARN of the central rootguard ${metadata.id} rule Lambda (security tooling account), without a qualifier.`,
      AllowedPattern: LAMBDA_ARN_PATTERN,
    };
    for (const def of metadata.parameters) {
      const name = ruleParameterName(metadata.id, def.name);
      parameters[name] = ruleParameter(metadata, def);
      conditions[hasValueConditionName(name)] = { 'Fn::Not': [{ 'Fn::Equals': ['', ref(name)] }] };
    }
  }
  for (const def of COMMON_PARAMETERS) parameters[def.name] = commonParameter(def);
  parameters[AUTOMATION_ASSUME_ROLE_NAME] = {
    Type: 'String',
    Description:
      'Name of the role SSM Automation assumes in each member account to run a remediation (deployed there with the remediation documents).',
    AllowedPattern: IAM_ROLE_NAME_PATTERN,
  };
  parameters[AUTOMATIC_REMEDIATION] = {
    Type: 'String',
    Description:
      'true: Config starts the remediation document on every NON_COMPLIANT evaluation. false (default): remediation is started by hand.',
    Default: 'false',
    AllowedValues: ['false', 'true'],
  };
  parameters[MAXIMUM_AUTOMATIC_ATTEMPTS] = {
    Type: 'String',
    Description:
      'Automatic remediation: attempts within RemediationRetryAttemptSeconds before Config gives up (1-25).',
    Default: '3',
    AllowedPattern: '^([1-9]|1\\d|2[0-5])$',
  };
  parameters[RETRY_ATTEMPT_SECONDS] = {
    Type: 'String',
    Description:
      'Automatic remediation: the window, in seconds, that MaximumAutomaticAttempts counts within.',
    Default: '3600',
    AllowedPattern: '^[1-9]\\d{0,5}$',
  };
  conditions[AUTOMATIC_REMEDIATION_CONDITION] = { 'Fn::Equals': [ref(AUTOMATIC_REMEDIATION), 'true'] };

  for (const metadata of rules) {
    const inputParameters: { [key: string]: CfnValue } = {};
    for (const def of allParameters(metadata)) {
      if (isCommonParameter(def)) {
        inputParameters[def.name] = ref(def.name);
      } else {
        const name = ruleParameterName(metadata.id, def.name);
        inputParameters[def.name] = { 'Fn::If': [hasValueConditionName(name), ref(name), noValue()] };
      }
    }
    const frequency = metadata.trigger.maximumExecutionFrequency;
    resources[configRuleLogicalId(metadata.id)] = {
      Type: 'AWS::Config::ConfigRule',
      Properties: {
        ConfigRuleName: configRuleName(metadata.id),
        Description: metadata.title,
        MaximumExecutionFrequency: frequency,
        InputParameters: inputParameters,
        Source: {
          Owner: 'CUSTOM_LAMBDA',
          SourceIdentifier: ref(lambdaArnParameterName(metadata.id)),
          SourceDetails: [
            {
              EventSource: 'aws.config',
              MessageType: 'ScheduledNotification',
              MaximumExecutionFrequency: frequency,
            },
          ],
        },
      },
    };
    resources[remediationLogicalId(metadata.id)] = {
      Type: 'AWS::Config::RemediationConfiguration',
      DependsOn: configRuleLogicalId(metadata.id),
      Properties: {
        ConfigRuleName: configRuleName(metadata.id),
        ResourceType: metadata.resourceType,
        TargetType: 'SSM_DOCUMENT',
        TargetId: metadata.remediation.documentId,
        Parameters: {
          AutomationAssumeRole: {
            StaticValue: {
              Values: [
                {
                  'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/\${${AUTOMATION_ASSUME_ROLE_NAME}}`,
                },
              ],
            },
          },
          // For an AWS::::Account evaluation the resource id is the account id.
          AccountId: { ResourceValue: { Value: 'RESOURCE_ID' } },
        },
        Automatic: { 'Fn::If': [AUTOMATIC_REMEDIATION_CONDITION, true, false] },
        MaximumAutomaticAttempts: ref(MAXIMUM_AUTOMATIC_ATTEMPTS),
        RetryAttemptSeconds: ref(RETRY_ATTEMPT_SECONDS),
      },
    };
  }

  return { Parameters: parameters, Conditions: conditions, Resources: resources };
}

export const GENERATED_HEADER = [
  '# rootguard organization conformance pack: every rootguard rule as a CUSTOM_LAMBDA Config rule with its',
  '# remediation. GENERATED from rules/*/rule.json by scripts/generate-conformance-pack.ts: do not edit by hand;',
  '# run `npx tsx scripts/generate-conformance-pack.ts` after changing a rule. Deployment: conformance-packs/README.md.',
].join('\n');

/** The template as committed: header, then YAML with long-form intrinsics only (plain YAML parsers read it). */
export function renderConformancePack(template: ConformancePackTemplate): string {
  return `${GENERATED_HEADER}\n${stringify(template, { lineWidth: 0, indent: 2, aliasDuplicateObjects: false })}`;
}

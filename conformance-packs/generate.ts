/**
 * Builds the rootguard organization conformance pack from the rules' metadata (rule.json), so the pack never
 * drifts from the rules: `conformance-packs/rootguard-root-protection.yaml` is this function's output, written by
 * `npm run generate` (scripts/generate.ts) and checked by test/contract/conformance-pack.test.ts.
 *
 * The remediation configurations follow the remediation documents (remediations/<folder>/document.yaml, read by the
 * caller with remediations/lib/documents.ts and passed in): every parameter of a rule's document gets a value or
 * is left to the document's default, by planRemediationParameters below.
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
import { soleReference } from '../remediations/lib/document-analysis';
import type { AutomationDocument, DocumentParameter } from '../remediations/lib/documents';

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
const hasValue = (name: string): CfnValue => ({ 'Fn::Not': [{ 'Fn::Equals': ['', ref(name)] }] });

// ---------------------------------------------------------------------------------------------------------
// Remediation parameters: what each RemediationConfiguration passes to its document
// ---------------------------------------------------------------------------------------------------------

/** A remediation document as the generator needs it: its SSM name and parsed content. */
export interface PackDocument {
  name: string;
  content: AutomationDocument;
}

/** Filled by Config itself: the per-account Automation role (Fn::Sub) and the evaluated account (RESOURCE_ID). */
export const CONFIG_SUPPLIED_PARAMETERS: readonly string[] = ['AutomationAssumeRole', 'AccountId'];
/** How many pack parameters a StringList gets at most (one per item): each costs one of the 60. */
export const MAX_LIST_SLOTS = 5;
/**
 * The full ARN of a function in the security tooling account. In a member account a plain function name would
 * be looked up in that account, where there is none. A qualifier (version or alias) may follow.
 */
export const FUNCTION_ARN_PATTERN =
  '^arn:aws(-cn|-us-gov)?:lambda:[a-z]{2}(-[a-z]+)+-\\d{1,2}:\\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\\$LATEST|[A-Za-z0-9_-]{1,128}))?$';

/**
 * One item of a StringList document parameter the pack fills, by parameter name (a name means the same thing in
 * every document; SSM takes no allowedPattern on a StringList). A StringList without an entry here cannot be
 * filled by the pack: the generator refuses it rather than pass unchecked text.
 */
export const LIST_ITEMS: Readonly<Record<string, { pattern: string; describe: string }>> = {
  // aws:approve Approvers: an IAM user name, an IAM user or role ARN, or an assumed-role (session) ARN.
  Approvers: {
    pattern:
      '[\\w+=,.@-]{1,64}|arn:aws(-cn|-us-gov)?:iam::\\d{12}:(user|role)/[\\w+=,.@/-]{1,512}|arn:aws(-cn|-us-gov)?:sts::\\d{12}:assumed-role/[\\w+=,.@-]{1,64}/[\\w+=,.@-]{2,64}',
    describe: 'an IAM user name, IAM user or role ARN, or assumed-role ARN',
  },
};

/** `Remediation<Parameter>`: one pack parameter per document parameter name, shared by every document using it. */
export const remediationParameterName = (parameter: string) => `Remediation${parameter}`;
/** `Remediation<Parameter><n>`: the n-th item (from 1) of a StringList. */
export const remediationListItemName = (parameter: string, item: number) =>
  `${remediationParameterName(parameter)}${item}`;

/** Parameters a document passes as the FunctionName of an aws:invokeLambdaFunction step. */
export function functionNameParameters(content: AutomationDocument): Set<string> {
  const names = new Set<string>();
  for (const step of content.mainSteps) {
    if (step.action !== 'aws:invokeLambdaFunction') continue;
    const name = soleReference(step.inputs?.FunctionName);
    if (name && name in content.parameters) names.add(name);
  }
  return names;
}

/** What one document parameter needs from the pack. */
type Need =
  | { kind: 'function'; lambda: string }
  | { kind: 'string'; pattern: string }
  | { kind: 'list'; minItems: number; maxItems: number };

/** A document parameter's description without its (Required) / (Optional) tag. */
function summary(parameter: DocumentParameter): string {
  const text = (parameter.description ?? '').replace(/^\((Required|Optional)\)\s*/, '').trim();
  return text === '' || text.endsWith('.') ? text : `${text}.`;
}

/** undefined: the document's default applies, the pack passes nothing. */
function needOf(
  doc: PackDocument,
  name: string,
  parameter: DocumentParameter,
  functions: Set<string>,
): Need | undefined {
  if (functions.has(name)) {
    if (typeof parameter.default !== 'string' || parameter.default === '') {
      throw new Error(`${doc.name}: function parameter ${name} needs a default function name`);
    }
    return { kind: 'function', lambda: parameter.default };
  }
  if (parameter.default !== undefined) return undefined;
  if (parameter.type === 'String') {
    if (!parameter.allowedPattern)
      throw new Error(`${doc.name}: String parameter ${name} has no allowedPattern`);
    return { kind: 'string', pattern: parameter.allowedPattern };
  }
  if (parameter.type === 'StringList') {
    if (!LIST_ITEMS[name]) {
      throw new Error(
        `${doc.name}: StringList parameter ${name} has no item pattern in LIST_ITEMS (generate.ts)`,
      );
    }
    return {
      kind: 'list',
      minItems: parameter.minItems ?? 1,
      maxItems: parameter.maxItems ?? MAX_LIST_SLOTS,
    };
  }
  throw new Error(
    `${doc.name}: parameter ${name} (${parameter.type}) has no default, and the pack can only fill String and StringList parameters`,
  );
}

/** Two documents give one parameter name the same meaning, or the pack could not share one value between them. */
function merge(name: string, a: Need, b: Need, where: string): Need {
  const clash = (why: string): never => {
    throw new Error(`parameter ${name} means two things (${where}): ${why}; rename it in one document`);
  };
  if (a.kind !== b.kind) return clash(`${a.kind} and ${b.kind}`);
  if (a.kind === 'function' && b.kind === 'function' && a.lambda !== b.lambda) {
    return clash(`functions ${a.lambda} and ${b.lambda}`);
  }
  if (a.kind === 'string' && b.kind === 'string' && a.pattern !== b.pattern)
    return clash('different allowedPattern');
  if (a.kind === 'list' && b.kind === 'list') {
    return {
      kind: 'list',
      minItems: Math.max(a.minItems, b.minItems),
      maxItems: Math.min(a.maxItems, b.maxItems),
    };
  }
  return a;
}

export interface RemediationParameterPlan {
  /** Pack parameters, in the order the documents first use them. */
  parameters: Record<string, PackParameter>;
  /** `Has<slot>` for each optional StringList item. */
  conditions: Record<string, CfnValue>;
  /** The Parameters of the RemediationConfiguration that runs `document`. */
  valuesFor(document: PackDocument): { [key: string]: CfnValue };
}

/**
 * What each remediation document gets from the pack:
 * - AutomationAssumeRole: the member account's own Automation role (`Fn::Sub` on AutomationAssumeRoleName);
 *   AccountId: RESOURCE_ID (the account id, for an AWS::::Account evaluation);
 * - a parameter passed as an aws:invokeLambdaFunction FunctionName: `Remediation<Parameter>`, the function's full
 *   ARN in the security tooling account (required: the document's default is a plain name, which a member
 *   account would resolve to a function of its own);
 * - any other parameter with a default: nothing, the document's default applies;
 * - a String without a default: `Remediation<Parameter>`, required, with the document's allowedPattern;
 * - a StringList without a default: `Remediation<Parameter>1`..`<n>` (n ≤ MAX_LIST_SLOTS and the documents'
 *   maxItems), one item each (LIST_ITEMS pattern): the first minItems required (the largest minItems of the
 *   documents that share it), the rest optional and dropped when blank (Fn::If … AWS::NoValue in the list).
 *   One pack parameter per item, not one comma-separated value split with Fn::Split: no published conformance
 *   pack was found using Fn::Split, while Fn::If / AWS::NoValue is what AWS's own packs use.
 * A name means one thing in every document: the same Lambda, pattern or kind, or generation fails.
 */
export function planRemediationParameters(documents: readonly PackDocument[]): RemediationParameterPlan {
  const needs = new Map<string, { need: Need; usedBy: string[]; summary: string }>();
  const perDocument = new Map<string, Map<string, Need>>();
  for (const doc of documents) {
    const functions = functionNameParameters(doc.content);
    const own = new Map<string, Need>();
    for (const [name, parameter] of Object.entries(doc.content.parameters)) {
      if (CONFIG_SUPPLIED_PARAMETERS.includes(name)) continue;
      const need = needOf(doc, name, parameter, functions);
      if (!need) continue;
      own.set(name, need);
      const known = needs.get(name);
      if (known) {
        known.need = merge(name, known.need, need, `${known.usedBy.join(', ')} and ${doc.name}`);
        known.usedBy.push(doc.name);
      } else {
        needs.set(name, { need, usedBy: [doc.name], summary: summary(parameter) });
      }
    }
    perDocument.set(doc.name, own);
  }

  const parameters: Record<string, PackParameter> = {};
  const conditions: Record<string, CfnValue> = {};
  for (const [name, { need, usedBy, summary: text }] of needs) {
    const docs = usedBy.join(', ');
    if (need.kind === 'function') {
      parameters[remediationParameterName(name)] = {
        Type: 'String',
        Description: `${docs}: full ARN of the rootguard Lambda ${need.lambda} in the security tooling account (a plain name would be looked up in the member account).`,
        AllowedPattern: FUNCTION_ARN_PATTERN,
      };
    } else if (need.kind === 'string') {
      parameters[remediationParameterName(name)] = {
        Type: 'String',
        Description: `${docs}: ${text}`,
        AllowedPattern: need.pattern,
      };
    } else {
      const slots = Math.min(MAX_LIST_SLOTS, need.maxItems);
      if (need.minItems > slots) {
        throw new Error(
          `${name} needs ${need.minItems} items, more than the ${slots} pack parameters it may have`,
        );
      }
      const item = LIST_ITEMS[name] as (typeof LIST_ITEMS)[string];
      for (let i = 1; i <= slots; i += 1) {
        const slot = remediationListItemName(name, i);
        const required = i <= need.minItems;
        parameters[slot] = {
          Type: 'String',
          Description:
            `${docs}: ${name} item ${i} of ${slots}, ${item.describe}. ` +
            (required
              ? `Required: the documents need at least ${need.minItems}.`
              : 'Blank: not passed (the list is shorter).'),
          ...(required ? {} : { Default: '' }),
          AllowedPattern: required ? `^(${item.pattern})$` : `^(${item.pattern})?$`,
        };
        if (!required) conditions[hasValueConditionName(slot)] = hasValue(slot);
      }
    }
  }

  const valuesFor = (document: PackDocument): { [key: string]: CfnValue } => {
    const values: { [key: string]: CfnValue } = {
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
    };
    for (const [name, need] of perDocument.get(document.name) ?? []) {
      if (need.kind !== 'list') {
        values[name] = { StaticValue: { Values: [ref(remediationParameterName(name))] } };
        continue;
      }
      const shared = (needs.get(name) as { need: Need }).need as Extract<Need, { kind: 'list' }>;
      const slots = Math.min(MAX_LIST_SLOTS, need.maxItems, shared.maxItems);
      const items: CfnValue[] = [];
      for (let i = 1; i <= slots; i += 1) {
        const slot = remediationListItemName(name, i);
        items.push(
          i <= shared.minItems
            ? ref(slot)
            : { 'Fn::If': [hasValueConditionName(slot), ref(slot), noValue()] },
        );
      }
      values[name] = { StaticValue: { Values: items } };
    }
    return values;
  };

  return { parameters, conditions, valuesFor };
}

export function generateConformancePack(
  rules: readonly RuleMetadata[],
  documents: readonly PackDocument[],
): ConformancePackTemplate {
  const parameters: Record<string, PackParameter> = {};
  const conditions: Record<string, CfnValue> = {};
  const resources: Record<string, PackResource> = {};
  const documentOf = (metadata: RuleMetadata): PackDocument => {
    const found = documents.find((d) => d.name === metadata.remediation.documentId);
    if (!found) {
      throw new Error(
        `rule ${metadata.id} names remediation document ${metadata.remediation.documentId}, which is not under remediations/`,
      );
    }
    return found;
  };
  const ruleDocuments = [...new Map(rules.map((m) => [m.remediation.documentId, documentOf(m)])).values()];
  const plan = planRemediationParameters(ruleDocuments);

  for (const metadata of rules) {
    parameters[lambdaArnParameterName(metadata.id)] = {
      Type: 'String',
      Description: `ARN of the central rootguard ${metadata.id} rule Lambda (security tooling account), without a qualifier.`,
      AllowedPattern: LAMBDA_ARN_PATTERN,
    };
    for (const def of metadata.parameters) {
      const name = ruleParameterName(metadata.id, def.name);
      parameters[name] = ruleParameter(metadata, def);
      conditions[hasValueConditionName(name)] = hasValue(name);
    }
  }
  for (const def of COMMON_PARAMETERS) parameters[def.name] = commonParameter(def);
  parameters[AUTOMATION_ASSUME_ROLE_NAME] = {
    Type: 'String',
    Description:
      'Name of the role SSM Automation assumes in each member account to run a remediation (deployed there with the remediation documents).',
    AllowedPattern: IAM_ROLE_NAME_PATTERN,
  };
  Object.assign(parameters, plan.parameters);
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
  Object.assign(conditions, plan.conditions);

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
        Parameters: plan.valuesFor(documentOf(metadata)),
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
  '# remediation. GENERATED from rules/*/rule.json and remediations/*/document.yaml by scripts/generate.ts: do',
  '# not edit by hand; run `npm run generate` after changing a rule or a remediation document. Deployment:',
  '# conformance-packs/README.md.',
].join('\n');

/** The template as committed: header, then YAML with long-form intrinsics only (plain YAML parsers read it). */
export function renderConformancePack(template: ConformancePackTemplate): string {
  return `${GENERATED_HEADER}\n${stringify(template, { lineWidth: 0, indent: 2, aliasDuplicateObjects: false })}`;
}

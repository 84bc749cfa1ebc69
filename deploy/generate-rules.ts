/**
 * Everything the central stack deploys per rule, generated from the rule's own folder (issue 12, part 1): rule.json
 * (id, trigger, title) and deploy.json (function settings, what its role reads, its stack parameters and Config rule
 * inputs; schema in lib/rule-deployment.ts). serverless.yml includes the result, deploy/rules.generated.yml, through
 * `${file(...)}` in its `functions` and `resources` lists; the member accounts' execution role is generated from the
 * same declarations (stacksets/generate-member-account.ts). Pure: loading the declarations is the one I/O here.
 *
 * The building blocks every rule role shares (Lambda trust, PutEvaluations, the execution-role and snapshot
 * statements) stay in serverless.yml's `custom.iam`, where the other roles use them as YAML anchors; anchors do
 * not cross files, so the generated file names them by `${self:custom.iam.<name>}`, which osls resolves.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Document, visit } from 'yaml';
import { pascalCase } from '../conformance-packs/generate';
import {
  type IamStatementDeclaration,
  loadRuleDeployment,
  type RuleDeployment,
  type StackStatementDeclaration,
} from '../lib/rule-deployment';
import type { RuleMetadata } from '../lib/rule-metadata';

export const RULES_DEPLOYMENT_FILE = 'deploy/rules.generated.yml';
const RULES_DIR = resolve(__dirname, '..', 'rules');

export interface RuleDeclaration {
  metadata: RuleMetadata;
  deployment: RuleDeployment;
}

/** Reads rules/<id>/deploy.json for each registered rule (rulesDir: a fixture rule's temporary folder). */
export function loadRuleDeclarations(
  metadata: readonly RuleMetadata[],
  rulesDir: string = RULES_DIR,
): RuleDeclaration[] {
  return metadata.map((m) => ({
    metadata: m,
    deployment: loadRuleDeployment(JSON.parse(readFileSync(join(rulesDir, m.id, 'deploy.json'), 'utf8'))),
  }));
}

type Cfn = null | boolean | number | string | Cfn[] | { [key: string]: Cfn };

/** `root-hardware-mfa` → `rootHardwareMfa`: the osls function name, hence <Pascal>LambdaFunction and <Pascal>LogGroup. */
export const ruleFunctionName = (ruleId: string) => {
  const pascal = pascalCase(ruleId);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
};
export const ruleRoleLogicalId = (ruleId: string) => `${pascalCase(ruleId)}Role`;
const lambdaFunctionId = (ruleId: string) => `${pascalCase(ruleId)}LambdaFunction`;
const functionArn = (ruleId: string): Cfn => ({ 'Fn::GetAtt': [lambdaFunctionId(ruleId), 'Arn'] });
/** The name the member accounts' execution role trusts, after the stack name (serverless.yml header). */
export const ruleRoleNameSuffix = (ruleId: string) => `rule-${ruleId}`;

const self = (path: string) => `\${self:${path}}`;

/** Where the rule finds the organization snapshot and whom it asks for a fresh one (lib/org-snapshot-store.ts). */
const SNAPSHOT_ENVIRONMENT: Record<string, Cfn> = {
  ORG_SNAPSHOT_BUCKET: { Ref: 'OrgSnapshotBucket' },
  ORG_SNAPSHOT_BUILDER_FUNCTION: { Ref: 'OrgSnapshotLambdaFunction' },
};

/**
 * Only when a cross-account execution role is configured: the one role name the StackSet deploys, in any account
 * of this organization only (serverless.yml custom.iam.orgOnlyAssumeRole says why). Written out here, not
 * `${self:custom.iam.orgOnlyAssumeRole}`: osls unescapes `\${aws:PrincipalOrgID}` where it is defined, and the
 * copied value would then be read as an osls variable and fail.
 */
const ASSUME_EXECUTION_ROLE: Cfn = {
  'Fn::If': [
    'HasExecutionRoleName',
    {
      Sid: 'AssumeExecutionRole',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, escaped from osls
      Condition: { StringEquals: { 'aws:ResourceOrgID': '\\${aws:PrincipalOrgID}' } },
    },
    { Ref: 'AWS::NoValue' },
  ],
};

/** A declared statement as IAM takes it; `Why` stays, rendered as a comment by renderRulesDeployment. */
export function statement(declared: IamStatementDeclaration | StackStatementDeclaration): Cfn {
  const { OnlyIf, ...rest } = declared as StackStatementDeclaration;
  if (OnlyIf !== undefined) return { 'Fn::If': [OnlyIf, statement(rest), { Ref: 'AWS::NoValue' }] };
  const { Sid, Why, Action, Resource, Condition } = rest;
  return {
    ...(Why === undefined ? {} : { Why }),
    Sid,
    Effect: 'Allow',
    Action: Action.length === 1 ? (Action[0] as string) : Action,
    Resource,
    ...(Condition === undefined ? {} : { Condition }),
  };
}

function ruleFunction({ metadata, deployment }: RuleDeclaration): Cfn {
  const { summary, timeout, memorySize, environment, Why } = deployment.function;
  return {
    ...(Why === undefined ? {} : { Why }),
    handler: `rules/${metadata.id}/handler.handler`,
    // Only the bundle in the zip, as every function (serverless.yml custom.functionPackage says why).
    package: self('custom.functionPackage.bundleOnly'),
    description: `rootguard ${metadata.id}: ${summary}`,
    role: { 'Fn::Sub': `\${${ruleRoleLogicalId(metadata.id)}.Arn}` },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an osls variable, resolved at package time
    reservedConcurrency: '${param:ruleReservedConcurrency}',
    ...(timeout === undefined ? {} : { timeout }),
    ...(memorySize === undefined ? {} : { memorySize }),
    environment: { ...environment, ...SNAPSHOT_ENVIRONMENT },
  };
}

function ruleRole({ metadata, deployment }: RuleDeclaration): Cfn {
  const { id } = metadata;
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: { 'Fn::Sub': `\${AWS::StackName}-${ruleRoleNameSuffix(id)}` },
      Description: `rootguard ${id} rule Lambda`,
      AssumeRolePolicyDocument: self('custom.iam.lambdaTrust'),
      Tags: [{ Key: 'app', Value: 'rootguard' }],
      Policies: [
        {
          PolicyName: id,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'OwnLogGroup',
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: { 'Fn::GetAtt': [`${pascalCase(id)}LogGroup`, 'Arn'] },
              },
              self('custom.iam.putEvaluations'),
              ASSUME_EXECUTION_ROLE,
              self('custom.iam.readOrgSnapshot'),
              self('custom.iam.listOrgSnapshot'),
              self('custom.iam.requestOrgSnapshot'),
              ...deployment.accountReads.map(statement),
              ...deployment.stackAccess.map(statement),
            ],
          },
        },
      ],
    },
  };
}

function configRule({ metadata, deployment }: RuleDeclaration): Cfn {
  const { id } = metadata;
  const frequency = metadata.trigger.maximumExecutionFrequency;
  return {
    Type: 'AWS::Config::ConfigRule',
    Condition: 'DeployConfigRules',
    DependsOn: `${pascalCase(id)}ConfigPermission`,
    Properties: {
      ConfigRuleName: `rootguard-${id}`,
      Description: metadata.title,
      MaximumExecutionFrequency: frequency,
      InputParameters: {
        ...deployment.configRuleInputs,
        // Blank: single-account mode, dropped as the conformance pack drops blanks.
        ExecutionRoleName: {
          'Fn::If': ['HasExecutionRoleName', { Ref: 'ExecutionRoleName' }, { Ref: 'AWS::NoValue' }],
        },
      },
      Source: {
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier: functionArn(id),
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
}

export interface RulesDeployment {
  functions: Record<string, Cfn>;
  resources: {
    Parameters: Record<string, Cfn>;
    Conditions: Record<string, Cfn>;
    Resources: Record<string, Cfn>;
    Outputs: Record<string, Cfn>;
  };
}

export function generateRulesDeployment(rules: readonly RuleDeclaration[]): RulesDeployment {
  const out: RulesDeployment = {
    functions: {},
    resources: { Parameters: {}, Conditions: {}, Resources: {}, Outputs: {} },
  };
  for (const rule of rules) {
    const { id } = rule.metadata;
    const pascal = pascalCase(id);
    out.functions[ruleFunctionName(id)] = ruleFunction(rule);
    for (const [name, { unsetWhenBlank, ...parameter }] of Object.entries(rule.deployment.stackParameters)) {
      out.resources.Parameters[name] = { Type: 'String', Default: `\${param:${name}}`, ...parameter };
      if (unsetWhenBlank) {
        out.resources.Conditions[`Has${name}`] = { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: name }, ''] }] };
      }
    }
    const resources = out.resources.Resources;
    resources[ruleRoleLogicalId(id)] = ruleRole(rule);
    // Both modes: in org mode the conformance pack's rules in every member account invoke it (serverless.yml,
    // "Config rules": why the grant names no account).
    resources[`${pascal}ConfigPermission`] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: functionArn(id),
        Principal: 'config.amazonaws.com',
      },
    };
    resources[`${pascal}ConfigRule`] = configRule(rule);
    out.resources.Outputs[`${pascal}LambdaArn`] = {
      Description: `${id} rule Lambda (conformance pack parameter ${pascal}LambdaArn)`,
      Value: functionArn(id),
    };
  }
  return out;
}

/** Comment lines stay readable next to the hand-written ones (serverless.yml and the templates wrap near 110). */
const COMMENT_WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && `${lines[last]} ${word}`.length <= width) lines[last] = `${lines[last]} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Turns every statement's `Why` into a comment above it. */
export function commentWhy(document: Document): Document {
  visit(document, {
    Map(_key, node) {
      const why = node.get('Why');
      if (typeof why !== 'string') return;
      node.delete('Why');
      node.commentBefore = wrap(why, COMMENT_WIDTH)
        .map((line) => ` ${line}`)
        .join('\n');
    },
  });
  return document;
}

/** YAML of `value`, statements' `Why` as comments; `header`, if any, as the file's opening comment. */
export function renderYaml(value: unknown, header?: string): string {
  // YAML 1.1 quoting: osls's parser (js-yaml) would read an unquoted 2012-10-17 as a date.
  const document = commentWhy(new Document(value, { aliasDuplicateObjects: false, version: '1.1' }));
  if (header !== undefined) document.commentBefore = header;
  return document.toString({ lineWidth: 0 });
}

export function renderRulesDeployment(deployment: RulesDeployment): string {
  return renderYaml(
    deployment,
    [
      ' GENERATED by scripts/generate.ts (npm run generate) from rules/<id>/rule.json and rules/<id>/deploy.json',
      ' (deploy/generate-rules.ts). Do not edit: edit the rule folder and regenerate. serverless.yml includes',
      ' `functions` and `resources` of this file.',
    ].join('\n'),
  );
}

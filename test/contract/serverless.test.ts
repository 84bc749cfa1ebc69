/**
 * serverless.yml keeps the deployment conventions: every rule folder is deployed as a function with the
 * shared handler path, on nodejs22.x, each function with its own role whose log permissions stop at its own
 * log group, and no IAM statement grants a wildcard action. Rule and remediation roles carry the names the
 * member- and management-account templates trust. The root activity alert path takes its event patterns from
 * alerts/root-activity/patterns.json and cannot lose an event silently (dead-letter queue and retry policy on
 * every target, on-failure destination on the Lambda), the central bus admits other accounts only through
 * aws:PrincipalOrgID; the compliance-change rules feed the findings Lambda the same way. Every remediation
 * document is deployed from its document.yaml, its Lambda is named as the document expects and finishes
 * within the step's timeout, member accounts may invoke the Lambdas of the conformance pack's remediations
 * (organization only), and the outputs give the conformance pack its Lambda ARNs. Read as plain YAML
 * (long-form intrinsics only), so no osls and no AWS credentials are needed: the `${file(...)}` values osls
 * resolves at package time are resolved here the same way (the file, or one top-level key of it).
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import assumeRootPatterns from '../../alerts/root-activity/assume-root-pattern.json';
import patterns from '../../alerts/root-activity/patterns.json';
import { configRuleName, lambdaArnParameterName, PACK_FILE } from '../../conformance-packs/generate';
import { ALL_MANAGEMENT_EVENTS_STATE } from '../../lib/event-pattern';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lib/logger';
import { soleReference } from '../../remediations/lib/document-analysis';
import { loadDocument, remediationFolders } from '../../remediations/lib/documents';
import { documentName } from '../../remediations/lib/names';
import { RULES } from '../../rules';
import { loadServerlessConfig } from '../helpers/serverless-config';

const ROOT = resolve(__dirname, '../..');
const RULES_DIR = join(ROOT, 'rules');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface FunctionConfig {
  reservedConcurrency?: Json;
  handler?: string;
  name?: string;
  runtime?: string;
  role?: Json;
  timeout?: number;
  environment?: JsonObject;
  maximumRetryAttempts?: number;
  destinations?: { onSuccess?: Json; onFailure?: Json };
}

type Resource = { Type?: string; Condition?: string; Properties?: JsonObject } & JsonObject;

interface ServerlessConfig {
  service?: string;
  params?: { default?: Record<string, string> };
  frameworkVersion?: string;
  provider?: { runtime?: string; architecture?: string; timeout?: number; stackName?: string };
  functions?: Record<string, FunctionConfig>;
  resources?: {
    Parameters?: Record<string, { AllowedPattern?: string; Default?: string }>;
    Conditions?: JsonObject;
    Resources?: Record<string, Resource>;
    Outputs?: Record<string, { Value?: Json; Condition?: string }>;
  };
}

const config = loadServerlessConfig() as ServerlessConfig;
const functions = Object.entries(config.functions ?? {});
const resources = config.resources?.Resources ?? {};

const ruleFolders = readdirSync(RULES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNoValue = (value: Json): boolean => isObject(value) && value.Ref === 'AWS::NoValue';

/** The statements a Statement value can produce: both branches of every Fn::If, never AWS::NoValue. */
function expandStatements(value: Json): JsonObject[] {
  if (Array.isArray(value)) return value.flatMap(expandStatements);
  if (!isObject(value) || isNoValue(value)) return [];
  const condition = value['Fn::If'];
  if (Array.isArray(condition)) return condition.slice(1).flatMap(expandStatements);
  return [value];
}

/** Every IAM statement anywhere under `node`, with where it was found. */
function statementsUnder(node: Json, path: string): { path: string; statement: JsonObject }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => statementsUnder(item, `${path}[${i}]`));
  if (!isObject(node)) return [];
  const found: { path: string; statement: JsonObject }[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'Statement') {
      for (const statement of expandStatements(value)) {
        found.push({ path: `${path}.Statement(${String(statement.Sid ?? '?')})`, statement });
      }
    } else {
      found.push(...statementsUnder(value, `${path}.${key}`));
    }
  }
  return found;
}

const allStatements = Object.entries(resources).flatMap(([name, resource]) =>
  statementsUnder(resource, name),
);

/** The logical id osls gives a function's Lambda resource and its log group. */
const normalized = (functionName: string) => functionName.charAt(0).toUpperCase() + functionName.slice(1);

/** The logical id of the AWS::IAM::Role a function's `role` points at (string, Fn::GetAtt or Fn::Sub). */
function roleLogicalId(role: Json | undefined): string | undefined {
  if (typeof role === 'string') return role;
  if (!isObject(role)) return undefined;
  const getAtt = role['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  const sub = role['Fn::Sub'];
  if (typeof sub === 'string') return /^\$\{([A-Za-z0-9]+)\.Arn\}$/.exec(sub)?.[1];
  return undefined;
}

const asArray = (value: Json | undefined): Json[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const getAtt = (logicalId: string, attribute = 'Arn'): Json => ({ 'Fn::GetAtt': [logicalId, attribute] });

/** The values a property can take: both branches of every Fn::If inside a list, never AWS::NoValue. */
const expandValues = (value: Json | undefined): Json[] =>
  asArray(value).flatMap((item) => {
    if (isNoValue(item)) return [];
    const condition = isObject(item) ? item['Fn::If'] : undefined;
    return Array.isArray(condition) ? condition.slice(1).flatMap(expandValues) : [item];
  });

// biome-ignore lint/suspicious/noTemplateCurlyInString: an osls variable, as written in serverless.yml
const STAGE_VARIABLE = '${sls:stage}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const STACK_NAME = '${AWS::StackName}';
const PATTERNS_FILE = './alerts/root-activity/patterns.json';
/** The management account's AssumeRoot issuances: central bus only (management-account.yaml forwards them). */
const ASSUME_ROOT_PATTERNS_FILE = './alerts/root-activity/assume-root-pattern.json';
const documentFile = (folder: string) => `./remediations/${folder}/document.yaml`;
/** The longest stage name the header of serverless.yml promises (IAM role names stop at 64 characters). */
const LONGEST_STAGE = 'x'.repeat(18);
const FILE_REFERENCE = /^\$\{file\((\.\/[^)]+)\)(?::([A-Za-z0-9_]+))?\}$/;

/** A `${file(./path)}` or `${file(./path):key}` value, taken apart; undefined for anything else. */
function fileReference(value: Json | undefined): { path: string; key?: string } | undefined {
  const match = typeof value === 'string' ? FILE_REFERENCE.exec(value) : null;
  const path = match?.[1];
  return path === undefined ? undefined : { path, key: match?.[2] };
}

/** What osls puts in the template for a file reference: the JSON or YAML file, or one top-level key of it. */
function resolveFileReference(value: Json | undefined): Json | undefined {
  const reference = fileReference(value);
  if (!reference) return value;
  const text = readFileSync(join(ROOT, reference.path), 'utf8');
  const content = (extname(reference.path) === '.json' ? JSON.parse(text) : parse(text)) as Json;
  if (reference.key === undefined) return content;
  return isObject(content) ? content[reference.key] : undefined;
}

/** Orders JSON values by their text, so lists of intrinsics compare regardless of order. */
const byJson = (a: Json, b: Json) => JSON.stringify(a).localeCompare(JSON.stringify(b));

const resourcesOfType = (type: string) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);

const sameJson = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

const objectAt = (node: JsonObject | undefined, key: string): JsonObject | undefined => {
  const value = node?.[key];
  return isObject(value) ? value : undefined;
};

/** The Lambda function resource osls makes of a function key, by ARN. */
const functionArn = (functionName: string) => getAtt(`${normalized(functionName)}LambdaFunction`);

const functionWithHandler = (handler: string) => functions.find(([, fn]) => fn.handler === handler);

/** The AWS::IAM::Role resource behind a function (undefined when its role is not one of ours). */
const roleOf = (fn: FunctionConfig | undefined) => resources[roleLogicalId(fn?.role) ?? ''];

const eventRules = resourcesOfType('AWS::Events::Rule');
const targetsOf = (rule: Resource) => asArray(rule.Properties?.Targets).filter(isObject);
const COMPLIANCE_FUNCTION = 'complianceFindings';
const targetsFindings = (rule: Resource) =>
  targetsOf(rule).some((target) => sameJson(target.Arn, functionArn(COMPLIANCE_FUNCTION)));
const SNAPSHOT_FUNCTION = 'orgSnapshot';
const targetsSnapshot = (rule: Resource) =>
  targetsOf(rule).some((target) => sameJson(target.Arn, functionArn(SNAPSHOT_FUNCTION)));

const HEARTBEAT_FUNCTION = 'heartbeatRecord';
const targetsHeartbeat = (rule: Resource) =>
  targetsOf(rule).some((target) => sameJson(target.Arn, functionArn(HEARTBEAT_FUNCTION)));

/** The remediation folders with a Lambda of their own (handler.ts); the others only have a document. */
const remediationFoldersWithHandler = remediationFolders().filter((folder) =>
  existsSync(join(ROOT, 'remediations', folder, 'handler.ts')),
);

/**
 * The document parameter that names the Lambda of a document's aws:invokeLambdaFunction steps
 * (`FunctionName: "{{ X }}"`), and its default. Every such step of a document calls the same one.
 */
function lambdaParameterOf(folder: string): { parameter: string | undefined; defaultName: unknown } {
  const { content } = loadDocument(folder);
  const steps = content.mainSteps.filter((step) => step.action === 'aws:invokeLambdaFunction');
  const parameters = [...new Set(steps.map((step) => soleReference(step.inputs?.FunctionName)))];
  const parameter = parameters.length === 1 ? parameters[0] : undefined;
  return { parameter, defaultName: parameter ? content.parameters[parameter]?.default : undefined };
}

/** The serverless.yml function a document's Lambda steps call by default (by its `name`). */
function functionOfDocument(folder: string): [string, FunctionConfig] | undefined {
  const { defaultName } = lambdaParameterOf(folder);
  return functions.find(([, fn]) => fn.name !== undefined && fn.name === defaultName);
}

describe('serverless.yml', () => {
  it('targets the osls v4 configuration format', () => {
    expect(config.frameworkVersion).toBe('4');
  });

  it('gives every stack parameter an osls param with a default (generated rule parameters included)', () => {
    // A rule's stackParameters (rules/<id>/deploy.json) default to ${param:<Name>}: without an entry under
    // params.default, `osls package` cannot resolve it.
    const fromParams = Object.entries(config.resources?.Parameters ?? {})
      .map(([name, parameter]) => [name, /^\$\{param:(\w+)\}$/.exec(parameter.Default ?? '')?.[1]] as const)
      .filter(([, param]) => param !== undefined);
    const missing = fromParams.filter(([, param]) => config.params?.default?.[param ?? ''] === undefined);
    expect(fromParams.map(([name]) => name)).toContain('IgnoreSigningCertificates');
    expect(missing).toEqual([]);
  });

  it('runs every function on nodejs22.x', () => {
    expect(config.provider?.runtime).toBe('nodejs22.x');
    for (const [, fn] of functions) expect(fn.runtime ?? 'nodejs22.x').toBe('nodejs22.x');
  });

  it.each(ruleFolders)('deploys rule %s with handler rules/<id>/handler.handler', (ruleId) => {
    const handlers = functions.map(([, fn]) => fn.handler);
    expect(handlers).toContain(`rules/${ruleId}/handler.handler`);
  });

  it('finds IAM statements to check', () => {
    expect(allStatements.length).toBeGreaterThan(0);
  });

  it('names the actions of every IAM statement (Action, never NotAction)', () => {
    const missing = allStatements
      .filter(({ statement }) => asArray(statement.Action).length === 0)
      .map(({ path }) => path);
    expect(missing).toEqual([]);
  });

  it('grants no wildcard action (such as "*" or "iam:*")', () => {
    const wildcards = allStatements.flatMap(({ path, statement }) =>
      asArray(statement.Action)
        .filter((action) => typeof action !== 'string' || action.endsWith('*'))
        .map((action) => `${path}: ${JSON.stringify(action)}`),
    );
    expect(wildcards).toEqual([]);
  });

  describe.each(functions.map(([name]) => name))('function %s', (name) => {
    const fn = config.functions?.[name] ?? {};
    const roleId = roleLogicalId(fn.role);

    it('has its own IAM role declared in resources', () => {
      expect(roleId).toBeDefined();
      expect(resources[roleId ?? '']?.Type).toBe('AWS::IAM::Role');
      const sharing = functions.filter(([, other]) => roleLogicalId(other.role) === roleId).map(([n]) => n);
      expect(sharing).toEqual([name]);
    });

    it("limits its role's log permissions to the function's own log group", () => {
      const writes = allStatements.filter(
        ({ path, statement }) =>
          path.startsWith(`${roleId}.`) &&
          asArray(statement.Action).some((a) => a === 'logs:CreateLogStream' || a === 'logs:PutLogEvents'),
      );
      expect(writes.length).toBeGreaterThan(0);
      for (const { statement } of writes) {
        expect(statement.Resource).toEqual({ 'Fn::GetAtt': [`${normalized(name)}LogGroup`, 'Arn'] });
      }
    });
  });
});

const buses = resourcesOfType('AWS::Events::EventBus');
const busId = buses[0]?.[0];
const onCentralBus = (resource: Resource) =>
  isObject(resource.Properties?.EventBusName) && resource.Properties.EventBusName.Ref === busId;
const deadLetterQueues = resourcesOfType('AWS::SQS::Queue').map(([id]) => getAtt(id));

describe('serverless.yml event rules and dead-letter queues', () => {
  const queueIds = resourcesOfType('AWS::SQS::Queue').map(([id]) => id);
  const usersOf = (queueId: string) =>
    eventRules.filter(([, rule]) =>
      targetsOf(rule).some((t) => sameJson(objectAt(t, 'DeadLetterConfig')?.Arn, getAtt(queueId))),
    );
  const eventsStatementsOf = (queueId: string) =>
    resourcesOfType('AWS::SQS::QueuePolicy')
      .filter(([, policy]) => asArray(policy.Properties?.Queues).some((q) => sameJson(q, { Ref: queueId })))
      .flatMap(([id, policy]) => statementsUnder(policy, id))
      .map(({ statement }) => statement)
      .filter((statement) => objectAt(statement, 'Principal')?.Service === 'events.amazonaws.com');

  it('lets EventBridge send dead letters to each queue only for the rules that use it (aws:SourceArn)', () => {
    const allEventsStatements = resourcesOfType('AWS::SQS::QueuePolicy')
      .flatMap(([id, policy]) => statementsUnder(policy, id))
      .filter(({ statement }) => objectAt(statement, 'Principal')?.Service === 'events.amazonaws.com');
    const used = queueIds.filter((id) => usersOf(id).length > 0);
    expect(used.length).toBeGreaterThan(0);
    expect(allEventsStatements).toHaveLength(used.length);
    for (const queueId of used) {
      const statements = eventsStatementsOf(queueId);
      expect(statements).toHaveLength(1);
      for (const statement of statements) {
        expect(statement.Resource).toEqual(getAtt(queueId));
        const sourceArns = expandValues(
          objectAt(objectAt(statement, 'Condition'), 'ArnEquals')?.['aws:SourceArn'],
        );
        expect(sourceArns.sort(byJson)).toEqual(
          usersOf(queueId)
            .map(([id]) => getAtt(id))
            .sort(byJson),
        );
      }
    }
  });

  it.each(queueIds)('dead-letter queue %s raises an alarm when anything waits in it', (queueId) => {
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      asArray(alarm.Properties?.Dimensions).some(
        (d) => isObject(d) && d.Name === 'QueueName' && sameJson(d.Value, getAtt(queueId, 'QueueName')),
      ),
    );
    expect(alarms).toHaveLength(1);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(asArray(alarm.Properties?.AlarmActions).length).toBeGreaterThan(0);
    }
  });
});

describe('serverless.yml root activity alert path', () => {
  const patternKeys = Object.keys(patterns) as (keyof typeof patterns)[];
  const assumeRootKeys = Object.keys(assumeRootPatterns) as (keyof typeof assumeRootPatterns)[];
  /** Every pattern an alert rule may use, by key: root activity, and the AssumeRoot issuances. */
  const alertPatterns: Record<string, unknown> = { ...patterns, ...assumeRootPatterns };
  // Every rule but the compliance-change, snapshot and heartbeat ones (tested elsewhere) belongs to the alert path.
  const rules = eventRules.filter(
    ([, rule]) => !targetsFindings(rule) && !targetsSnapshot(rule) && !targetsHeartbeat(rule),
  );
  const centralRules = rules.filter(([, rule]) => onCentralBus(rule));
  const defaultBusRules = rules.filter(([, rule]) => rule.Properties?.EventBusName === 'default');
  const alertFunction = config.functions?.rootActivityAlert ?? {};
  const alertFunctionArn = functionArn('rootActivityAlert');
  /**
   * The key a rule's EventPattern refers to in its file: patterns.json, or assume-root-pattern.json for the
   * AssumeRoot keys (undefined: not a reference to the file that key's pattern lives in).
   */
  const patternKeyOf = (rule: Resource) => {
    const reference = fileReference(rule.Properties?.EventPattern);
    const key = reference?.key;
    if (key === undefined) return undefined;
    const home = key in assumeRootPatterns ? ASSUME_ROOT_PATTERNS_FILE : PATTERNS_FILE;
    return reference?.path === home ? key : undefined;
  };
  const isPatternKey = (key: string | undefined): key is string => key !== undefined && key in alertPatterns;

  it('has one central event bus with rules on it', () => {
    expect(buses).toHaveLength(1);
    expect(centralRules.length).toBeGreaterThan(0);
  });

  it('takes every rule pattern from alerts/root-activity/patterns.json or assume-root-pattern.json by reference, never a copy', () => {
    const copies = rules.filter(([, rule]) => !isPatternKey(patternKeyOf(rule))).map(([id]) => id);
    expect(copies).toEqual([]);
  });

  it.each(rules)('rule %s is named after the pattern key it uses', (_id, rule) => {
    const kebab = (patternKeyOf(rule) ?? 'no pattern key').replace(
      /[A-Z]/g,
      (letter) => `-${letter.toLowerCase()}`,
    );
    expect(rule.Properties?.Name).toEqual(expect.stringMatching(new RegExp(`-${kebab}$`)));
  });

  it('puts one rule per pattern on the central bus, the AssumeRoot issuances included, each resolving to its file', () => {
    expect(centralRules.map(([, rule]) => patternKeyOf(rule)).sort()).toEqual(
      [...patternKeys, ...assumeRootKeys].sort(),
    );
    for (const [, rule] of centralRules) {
      const key = patternKeyOf(rule);
      expect(isPatternKey(key) ? alertPatterns[key] : undefined).toBeDefined();
      if (isPatternKey(key))
        expect(resolveFileReference(rule.Properties?.EventPattern)).toEqual(alertPatterns[key]);
    }
  });

  it.each(rules)(
    'rule %s also receives read-only calls (state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS)',
    (_id, rule) => {
      expect(rule.Properties?.State).toBe(ALL_MANAGEMENT_EVENTS_STATE);
    },
  );

  it('alerts on the tooling account itself from its default bus only under a condition (single-account mode)', () => {
    expect(defaultBusRules.map(([, rule]) => patternKeyOf(rule)).sort()).toEqual([...patternKeys].sort());
    for (const [, rule] of defaultBusRules) {
      expect(rule.Condition).toBeDefined();
      expect(config.resources?.Conditions?.[rule.Condition ?? '']).toBeDefined();
    }
  });

  it.each(rules)('rule %s targets the alert Lambda, which it may invoke', (ruleId, rule) => {
    expect(targetsOf(rule).map((target) => target.Arn)).toEqual([alertFunctionArn]);
    const permissions = resourcesOfType('AWS::Lambda::Permission')
      .map(([, permission]) => permission)
      .filter(
        (permission) => JSON.stringify(permission.Properties?.SourceArn) === JSON.stringify(getAtt(ruleId)),
      );
    expect(permissions).toHaveLength(1);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({
        FunctionName: alertFunctionArn,
        Principal: 'events.amazonaws.com',
      });
      expect(permission.Condition).toBe(rule.Condition);
    }
  });

  it.each(rules)(
    'rule %s gives its target a dead-letter queue and a retry policy that gives up within the 5-minute MTTA',
    (_id, rule) => {
      expect(targetsOf(rule).length).toBeGreaterThan(0);
      for (const target of targetsOf(rule)) {
        expect(deadLetterQueues).toContainEqual(objectAt(target, 'DeadLetterConfig')?.Arn);
        const retry = objectAt(target, 'RetryPolicy');
        const maxAge = retry?.MaximumEventAgeInSeconds;
        expect(typeof maxAge === 'number' && maxAge >= 60 && maxAge <= 300).toBe(true);
        expect(retry?.MaximumRetryAttempts).toEqual(expect.any(Number));
      }
    },
  );

  it('sends failed asynchronous invocations of the alert Lambda to the dead-letter queue after 2 retries', () => {
    const onFailure = alertFunction.destinations?.onFailure;
    expect(isObject(onFailure) && onFailure.type).toBe('sqs');
    expect(deadLetterQueues).toContainEqual(isObject(onFailure) ? onFailure.arn : undefined);
    expect(alertFunction.maximumRetryAttempts).toBe(2);
  });

  const busPolicyStatements = () =>
    [
      ...resourcesOfType('AWS::Events::EventBusPolicy').filter(([, policy]) => onCentralBus(policy)),
      // The bus's own Policy property, if it is ever used instead.
      ...buses.filter(([, bus]) => bus.Properties?.Policy !== undefined),
    ]
      .flatMap(([id, policy]) => statementsUnder(policy, id))
      .map(({ statement }) => statement);

  it('admits other accounts to the central bus only through aws:PrincipalOrgID', () => {
    const statements = busPolicyStatements();
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Action).toBe('events:PutEvents');
      const stringEquals = objectAt(objectAt(statement, 'Condition'), 'StringEquals');
      expect(stringEquals?.['aws:PrincipalOrgID']).toEqual({ Ref: 'OrganizationId' });
    }
  });

  it('admits only the forwarding roles, by their exact names, to the central bus', () => {
    for (const statement of busPolicyStatements()) {
      const arnLike = objectAt(objectAt(statement, 'Condition'), 'ArnLike');
      expect(arnLike?.['aws:PrincipalArn']).toEqual([
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${ForwardingRoleName}' },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${OrganizationsChangeForwardingRoleName}' },
      ]);
    }
    const parameters = config.resources?.Parameters ?? {};
    for (const name of ['ForwardingRoleName', 'OrganizationsChangeForwardingRoleName']) {
      // An exact role name: no wildcard or path can widen the ArnLike above.
      expect(parameters[name]?.AllowedPattern).toBe('^[\\w+=,.@-]{1,64}$');
      expect(parameters[name]?.Default).toBe(`\${param:${name}}`);
    }
  });

  it('pins the source of every central root activity pattern to what CloudTrail sends', () => {
    const sources = Object.fromEntries(
      centralRules.map(([, rule]) => {
        const pattern = resolveFileReference(rule.Properties?.EventPattern);
        return [patternKeyOf(rule), isObject(pattern) ? pattern.source : undefined];
      }),
    );
    expect(sources).toEqual({
      rootConsoleSignIn: ['aws.signin'],
      rootApiCall: [{ prefix: 'aws.' }],
      rootConsoleAction: [{ prefix: 'aws.' }],
      // STS's own source: a member cannot put it (aws.* is reserved), and the alert keeps only issuances of the
      // audit role's account.
      rootSessionIssued: ['aws.sts'],
    });
  });
});

describe('serverless.yml compliance findings', () => {
  const fn = config.functions?.[COMPLIANCE_FUNCTION];
  const rules = eventRules.filter(([, rule]) => targetsFindings(rule));
  // The patterns live in findings/patterns.json (the member StackSet forwards with complianceChange).
  const BASE_PATTERN = {
    source: ['aws.config'],
    'detail-type': ['Config Rules Compliance Change'],
  };
  const EXPECTED_PATTERNS: Record<string, unknown> = {
    // Member accounts: only the rules Config made for the conformance pack (findings/rule-origin.ts).
    complianceChange: {
      ...BASE_PATTERN,
      detail: {
        messageType: ['ComplianceChangeNotification'],
        configRuleName: [{ wildcard: 'rootguard-*-conformance-pack-*' }],
        configRuleARN: [{ wildcard: '*:config-rule/aws-service-rule/config-conforms.amazonaws.com/*' }],
      },
    },
    // This account's own bus: its own rootguard-<id> rules too.
    ownComplianceChange: {
      ...BASE_PATTERN,
      detail: { messageType: ['ComplianceChangeNotification'], configRuleName: [{ prefix: 'rootguard-' }] },
    },
  };
  const role = roleOf(fn);
  const roleStatements = allStatements
    .filter(({ path }) => path.startsWith(`${roleLogicalId(fn?.role)}.`))
    .map(({ statement }) => statement);

  it('deploys findings/handler.ts as the compliance findings function', () => {
    expect(fn?.handler).toBe('findings/handler.handler');
  });

  it('has one compliance-change rule on the central bus and one on the default bus, both unconditional', () => {
    expect(rules.filter(([, rule]) => onCentralBus(rule))).toHaveLength(1);
    expect(rules.filter(([, rule]) => rule.Properties?.EventBusName === 'default')).toHaveLength(1);
    expect(rules).toHaveLength(2);
    for (const [, rule] of rules) expect(rule.Condition).toBeUndefined();
  });

  it.each(rules)('rule %s matches compliance changes of rootguard rules only', (_id, rule) => {
    const key = onCentralBus(rule) ? 'complianceChange' : 'ownComplianceChange';
    // An osls variable reference, not a JS template: the pattern is read from the one shared file.
    const FILE_REFERENCE = ['$', `{file(./findings/patterns.json):${key}}`].join('');
    expect(rule.Properties?.EventPattern).toBe(FILE_REFERENCE);
    expect(resolveFileReference(rule.Properties?.EventPattern)).toEqual(EXPECTED_PATTERNS[key]);
    for (const { metadata } of RULES) expect(configRuleName(metadata.id).startsWith('rootguard-')).toBe(true);
  });

  it.each(rules)('rule %s targets only the findings Lambda, which it may invoke', (ruleId, rule) => {
    expect(targetsOf(rule).map((target) => target.Arn)).toEqual([functionArn(COMPLIANCE_FUNCTION)]);
    const permissions = resourcesOfType('AWS::Lambda::Permission').filter(([, permission]) =>
      sameJson(permission.Properties?.SourceArn, getAtt(ruleId)),
    );
    expect(permissions).toHaveLength(1);
    for (const [, permission] of permissions) {
      expect(permission.Properties).toMatchObject({
        FunctionName: functionArn(COMPLIANCE_FUNCTION),
        Principal: 'events.amazonaws.com',
      });
    }
  });

  it.each(rules)('rule %s gives its target a dead-letter queue and a bounded retry policy', (_id, rule) => {
    for (const target of targetsOf(rule)) {
      expect(deadLetterQueues).toContainEqual(objectAt(target, 'DeadLetterConfig')?.Arn);
      const maxAge = objectAt(target, 'RetryPolicy')?.MaximumEventAgeInSeconds;
      expect(typeof maxAge === 'number' && maxAge >= 60 && maxAge < 86400).toBe(true);
    }
  });

  it('sends failed asynchronous invocations to a dead-letter queue after 2 retries', () => {
    const onFailure = fn?.destinations?.onFailure;
    expect(isObject(onFailure) && onFailure.type).toBe('sqs');
    expect(deadLetterQueues).toContainEqual(isObject(onFailure) ? onFailure.arn : undefined);
    expect(fn?.maximumRetryAttempts).toBe(2);
    const sends = roleStatements.filter((statement) => statement.Action === 'sqs:SendMessage');
    expect(sends.map((statement) => statement.Resource)).toEqual([
      isObject(onFailure) ? onFailure.arn : undefined,
    ]);
  });

  it('sets the environment findings/config.ts reads from the stack parameters', () => {
    expect(fn?.environment).toEqual({
      SECURITY_HUB_REGION: { Ref: 'SecurityHubRegion' },
      RUNBOOK_BASE_URL: { Ref: 'RunbookUrl' },
    });
  });

  it("may import findings as this account's default product and update them through its hub only", () => {
    expect(role?.Type).toBe('AWS::IAM::Role');
    const resourcesFor = (action: string) =>
      roleStatements
        .filter((statement) => asArray(statement.Action).includes(action))
        .flatMap((statement) => expandValues(statement.Resource))
        .map((resource) => (isObject(resource) ? String(resource['Fn::Sub']) : String(resource)));
    const imports = resourcesFor('securityhub:BatchImportFindings');
    const updates = resourcesFor('securityhub:BatchUpdateFindings');
    expect(imports.length).toBeGreaterThan(0);
    expect(updates.length).toBeGreaterThan(0);
    for (const arn of imports)
      expect(arn).toMatch(/:\$\{AWS::AccountId\}:product\/\$\{AWS::AccountId\}\/default$/);
    for (const arn of updates) expect(arn).toMatch(/:\$\{AWS::AccountId\}:hub\/default$/);
  });
});

describe('serverless.yml organization snapshot', () => {
  const builder = config.functions?.[SNAPSHOT_FUNCTION];
  const rules = eventRules.filter(([, rule]) => targetsSnapshot(rule));

  it('deploys org-snapshot/handler.ts as the builder, with the lease and the object it writes', () => {
    expect(builder?.handler).toBe('org-snapshot/handler.handler');
    expect(Object.keys(builder?.environment ?? {}).sort()).toEqual([
      'ORG_READ_ROLE_ARN',
      'ORG_SNAPSHOT_BUCKET',
      'ORG_SNAPSHOT_LEASE_TABLE',
    ]);
  });

  it('rebuilds on Organizations changes from the central bus and from its own default bus', () => {
    expect(rules.map(([id]) => id).sort()).toEqual([
      'CentralOrganizationsChangeRule',
      'OwnOrganizationsChangeRule',
    ]);
    for (const [, rule] of rules) {
      expect(fileReference(rule.Properties?.EventPattern)).toEqual({
        path: './org-snapshot/patterns.json',
        key: 'organizationsChange',
      });
    }
  });

  it.each(rules)('rule %s may invoke the builder, and only from that rule (SourceArn)', (ruleId) => {
    const grants = resourcesOfType('AWS::Lambda::Permission').filter(([, permission]) =>
      sameJson(permission.Properties?.SourceArn, getAtt(ruleId)),
    );
    expect(grants).toHaveLength(1);
    expect(grants[0]?.[1].Properties?.FunctionName).toEqual(functionArn(SNAPSHOT_FUNCTION));
  });

  it.each(ruleFolders)(
    'lets rule %s read the snapshot and ask for a rebuild, and nothing of Organizations',
    (ruleId) => {
      const fn = functionWithHandler(`rules/${ruleId}/handler.handler`)?.[1];
      const role = roleLogicalId(fn?.role) ?? '?';
      const actions = allStatements
        .filter(({ path }) => path.startsWith(`${role}.`))
        .flatMap(({ statement }) => asArray(statement.Action).map(String));
      expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 'lambda:InvokeFunction']));
      expect(actions.filter((action) => action.startsWith('organizations:'))).toEqual([]);
      expect(Object.keys(fn?.environment ?? {})).toEqual(
        expect.arrayContaining(['ORG_SNAPSHOT_BUCKET', 'ORG_SNAPSHOT_BUILDER_FUNCTION']),
      );
    },
  );
});

describe('serverless.yml role names', () => {
  const roleNameOf = (handler: string) => roleOf(functionWithHandler(handler)?.[1])?.Properties?.RoleName;
  const namedRoles = resourcesOfType('AWS::IAM::Role')
    .map(([id, role]) => [id, role.Properties?.RoleName] as const)
    .filter(([, name]) => name !== undefined);
  const stackSetDefault = (file: string, parameter: string) =>
    (parse(readFileSync(join(ROOT, 'stacksets', file), 'utf8')) as { Parameters: Record<string, JsonObject> })
      .Parameters[parameter]?.Default;

  it('leaves the stack name at rootguard-<stage>, as the StackSet name prefixes assume', () => {
    expect(config.service).toBe('rootguard');
    expect(config.provider?.stackName).toBeUndefined();
    expect(stackSetDefault('member-account.yaml', 'RuleRoleNamePrefix')).toBe('rootguard-prod-rule-');
    expect(stackSetDefault('management-account.yaml', 'OrgSnapshotRoleName')).toBe(
      'rootguard-prod-org-snapshot',
    );
    expect(stackSetDefault('management-account.yaml', 'RemediationRoleNamePrefix')).toBe(
      'rootguard-prod-remediation-',
    );
  });

  it.each(ruleFolders)('names the role of rule %s <stack name>-rule-<rule id>', (ruleId) => {
    expect(roleNameOf(`rules/${ruleId}/handler.handler`)).toEqual({
      'Fn::Sub': `${STACK_NAME}-rule-${ruleId}`,
    });
  });

  it.each(remediationFoldersWithHandler)(
    'names the role of remediation %s <stack name>-remediation-<folder>',
    (folder) => {
      expect(roleNameOf(`remediations/${folder}/handler.handler`)).toEqual({
        'Fn::Sub': `${STACK_NAME}-remediation-${folder}`,
      });
    },
  );

  it.each(namedRoles)(
    'role %s has a valid IAM role name for every stage of up to 18 characters',
    (_id, roleName) => {
      const sub = isObject(roleName) ? roleName['Fn::Sub'] : roleName;
      expect(typeof sub).toBe('string');
      const longest = String(sub).replace(STACK_NAME, `${config.service}-${LONGEST_STAGE}`);
      expect(longest).toMatch(/^[\w+=,.@-]{1,64}$/);
    },
  );
});

describe('serverless.yml remediation documents', () => {
  const folders = remediationFolders();
  const documents = resourcesOfType('AWS::SSM::Document');

  it('deploys exactly the documents under remediations/', () => {
    expect(folders.length).toBeGreaterThan(0);
    const referenced = documents.map(([, resource]) => fileReference(resource.Properties?.Content)?.path);
    expect(referenced.sort()).toEqual(folders.map(documentFile).sort());
  });

  it.each(folders)('creates the document of %s once, from its document.yaml, as written', (folder) => {
    const mine = documents.filter(
      ([, resource]) => fileReference(resource.Properties?.Content)?.path === documentFile(folder),
    );
    expect(mine).toHaveLength(1);
    for (const [, resource] of mine) {
      expect(resource.Properties).toMatchObject({
        Name: documentName(folder),
        DocumentType: 'Automation',
        DocumentFormat: 'YAML',
        UpdateMethod: 'NewVersion',
      });
      expect(fileReference(resource.Properties?.Content)).toEqual({
        path: documentFile(folder),
        key: undefined,
      });
      expect(resolveFileReference(resource.Properties?.Content)).toEqual(
        parse(readFileSync(join(ROOT, documentFile(folder)), 'utf8')),
      );
    }
  });

  it.each(folders)(
    "names the Lambda of %s as the default of the document's function-name parameter",
    (folder) => {
      const { parameter, defaultName } = lambdaParameterOf(folder);
      expect(parameter).toBeDefined();
      expect(defaultName).toEqual(expect.any(String));
      expect(functionOfDocument(folder)).toBeDefined();
    },
  );

  it.each(folders)("keeps the Lambda of %s within each of its steps' timeoutSeconds", (folder) => {
    const [, fn] = functionOfDocument(folder) ?? [];
    const timeout = fn?.timeout ?? config.provider?.timeout;
    const stepTimeouts = loadDocument(folder)
      .content.mainSteps.filter((step) => step.action === 'aws:invokeLambdaFunction')
      .map((step) => step.timeoutSeconds);
    expect(stepTimeouts.length).toBeGreaterThan(0);
    for (const stepTimeout of stepTimeouts) {
      expect(stepTimeout).toEqual(expect.any(Number));
      expect(timeout).toBeLessThan(stepTimeout ?? 0);
    }
  });

  it.each(remediationFoldersWithHandler)(
    'deploys remediations/%s/handler.ts once, with only variables its code reads',
    (folder) => {
      const deployed = functions.filter(([, fn]) => fn.handler === `remediations/${folder}/handler.handler`);
      expect(deployed).toHaveLength(1);
      const sources = [join(ROOT, 'remediations', folder), join(ROOT, 'remediations', 'lib')]
        .flatMap((dir) => readdirSync(dir).map((file) => join(dir, file)))
        .filter((file) => file.endsWith('.ts'))
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n');
      for (const [, fn] of deployed) {
        for (const variable of Object.keys(fn.environment ?? {})) expect(sources).toContain(variable);
      }
    },
  );

  describe('Automation roles of this account', () => {
    const automationRoles = resourcesOfType('AWS::IAM::Role').filter(([, role]) =>
      statementsUnder(role.Properties?.AssumeRolePolicyDocument ?? null, 'trust').some(
        ({ statement }) => objectAt(statement, 'Principal')?.Service === 'ssm.amazonaws.com',
      ),
    );
    const allowed = (roleId: string, action: string) =>
      allStatements
        .filter(({ path }) => path.startsWith(`${roleId}.Properties.Policies`))
        .filter(({ statement }) => asArray(statement.Action).includes(action))
        .flatMap(({ statement }) => expandValues(statement.Resource));
    const approvalTopics = resourcesOfType('AWS::SNS::Topic').filter(([, topic]) =>
      String(topic.Properties?.TopicName).startsWith('Automation'),
    );

    it.each(automationRoles)('role %s trusts Automation executions of this account only', (_id, role) => {
      const trust = statementsUnder(role.Properties?.AssumeRolePolicyDocument ?? null, 'trust');
      expect(trust.length).toBeGreaterThan(0);
      for (const { statement } of trust) {
        expect(objectAt(objectAt(statement, 'Condition'), 'StringEquals')?.['aws:SourceAccount']).toEqual({
          Ref: 'AWS::AccountId',
        });
        expect(objectAt(objectAt(statement, 'Condition'), 'ArnLike')?.['aws:SourceArn']).toEqual({
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
          'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*',
        });
      }
    });

    it.each(folders)('%s can run here: a role may invoke its Lambda and ask its approvers', (folder) => {
      const { content } = loadDocument(folder);
      const [fnName] = functionOfDocument(folder) ?? [];
      const runners = automationRoles.filter(([id]) =>
        allowed(id, 'lambda:InvokeFunction').some((arn) => sameJson(arn, functionArn(fnName ?? '?'))),
      );
      expect(runners).toHaveLength(1);
      const pattern = content.parameters.ApprovalNotificationArn?.allowedPattern;
      if (!content.mainSteps.some((step) => step.action === 'aws:approve')) return;
      expect(pattern).toBeDefined();
      for (const [roleId] of runners) {
        const topics = approvalTopics.filter(([topicId]) =>
          allowed(roleId, 'sns:Publish').some((arn) => sameJson(arn, { Ref: topicId })),
        );
        expect(topics).toHaveLength(1);
        for (const [, topic] of topics) {
          const name = String(topic.Properties?.TopicName).replace(STAGE_VARIABLE, 'prod');
          expect(`arn:aws:sns:us-east-1:111111111111:${name}`).toMatch(new RegExp(pattern ?? '^$'));
        }
      }
    });
  });

  describe('invocation from member accounts', () => {
    // The documents a Config remediation of the conformance pack runs in member accounts (rule.json).
    const packFolders = folders.filter((folder) =>
      RULES.some(({ metadata }) => metadata.remediation.documentId === documentName(folder)),
    );
    const organizationPermissions = resourcesOfType('AWS::Lambda::Permission').filter(
      ([, permission]) => permission.Properties?.Principal === '*',
    );

    it('admits the organization, and no one else, to the Lambdas of the remediations in the pack', () => {
      expect(packFolders.length).toBeGreaterThan(0);
      const expected = packFolders.map((folder) => functionArn(functionOfDocument(folder)?.[0] ?? '?'));
      const granted = organizationPermissions.map(([, permission]) => permission.Properties?.FunctionName);
      expect([...new Set(granted.map((g) => JSON.stringify(g)))].sort()).toEqual(
        [...new Set(expected.map((e) => JSON.stringify(e)))].sort(),
      );
      for (const [, permission] of organizationPermissions) {
        expect(permission.Condition).toBe('HasOrganizationId');
        expect(permission.Properties).toMatchObject({
          Action: 'lambda:InvokeFunction',
          PrincipalOrgID: { Ref: 'OrganizationId' },
        });
      }
    });

    it('lets only the record-checking Lambdas read member execution records, with the reader role name', () => {
      const readers = functions.filter(([, fn]) => fn.environment?.EXECUTION_READER_ROLE_NAME !== undefined);
      expect(readers.length).toBeGreaterThan(0);
      for (const [, fn] of readers) {
        expect(fn.environment?.EXECUTION_READER_ROLE_NAME).toEqual({ Ref: 'ExecutionReaderRoleName' });
      }
      const readerRoleArn = {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
        'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${ExecutionReaderRoleName}',
      };
      const assuming = functions.filter(([, fn]) =>
        allStatements.some(
          ({ path, statement }) =>
            path.startsWith(`${roleLogicalId(fn.role)}.`) &&
            statement.Action === 'sts:AssumeRole' &&
            sameJson(statement.Resource, readerRoleArn),
        ),
      );
      expect(assuming.map(([name]) => name).sort()).toEqual(readers.map(([name]) => name).sort());
      // The member template trusts exactly these functions' roles (<RemediationRoleNamePrefix><folder>).
      const memberRemediation = parse(
        readFileSync(join(ROOT, 'stacksets', 'member-remediation.yaml'), 'utf8'),
      ) as { Parameters: Record<string, JsonObject>; Resources: Record<string, Resource> };
      expect(memberRemediation.Parameters.ExecutionReaderRoleName?.Default).toBe(
        config.params?.default?.ExecutionReaderRoleName,
      );
      const trusted = statementsUnder(
        memberRemediation.Resources.ExecutionReaderRole?.Properties?.AssumeRolePolicyDocument ?? null,
        'trust',
      ).flatMap(({ statement }) =>
        expandValues(objectAt(objectAt(statement, 'Condition'), 'ArnEquals')?.['aws:PrincipalArn']),
      );
      const trustedFolders = trusted.map((arn) =>
        String(isObject(arn) ? arn['Fn::Sub'] : arn).replace(/^.*\$\{RemediationRoleNamePrefix\}/, ''),
      );
      const readerFolders = readers.map(([, fn]) => /^remediations\/([^/]+)\//.exec(fn.handler ?? '')?.[1]);
      expect(trustedFolders.sort()).toEqual(readerFolders.sort());
    });

    it('limits every resource policy open to any principal to the organization (aws:PrincipalOrgID)', () => {
      const open = Object.entries(resources)
        .filter(([, resource]) => resource.Type !== 'AWS::IAM::Role')
        .flatMap(([id, resource]) => statementsUnder(resource, id))
        // A Deny naming everyone (TLS-only bucket policy) restricts; it opens nothing.
        .filter(({ statement }) => {
          const principal = statement.Principal;
          return (
            statement.Effect !== 'Deny' &&
            (principal === '*' || (isObject(principal) && principal.AWS === '*'))
          );
        });
      expect(open.length).toBeGreaterThan(0);
      for (const { statement } of open) {
        expect(objectAt(objectAt(statement, 'Condition'), 'StringEquals')?.['aws:PrincipalOrgID']).toEqual({
          Ref: 'OrganizationId',
        });
      }
      for (const [, permission] of organizationPermissions) {
        expect(permission.Properties?.PrincipalOrgID).toEqual({ Ref: 'OrganizationId' });
      }
    });

    it('grants the break-glass Lambda to no other account', () => {
      const recordWindow = functionOfDocument('open-break-glass-window');
      const grants = resourcesOfType('AWS::Lambda::Permission').filter(([, permission]) =>
        sameJson(permission.Properties?.FunctionName, functionArn(recordWindow?.[0] ?? '?')),
      );
      expect(recordWindow).toBeDefined();
      expect(grants).toEqual([]);
    });
  });
});

describe('serverless.yml outputs', () => {
  const outputs = config.resources?.Outputs ?? {};
  const pack = parse(readFileSync(join(ROOT, 'conformance-packs', PACK_FILE), 'utf8')) as {
    Parameters: Record<string, JsonObject>;
  };

  it.each(ruleFolders)('gives the conformance pack the ARN of rule %s under its parameter name', (ruleId) => {
    const name = lambdaArnParameterName(ruleId);
    const [fnName] = functionWithHandler(`rules/${ruleId}/handler.handler`) ?? [];
    expect(pack.Parameters[name]).toBeDefined();
    expect(outputs[name]?.Value).toEqual(functionArn(fnName ?? '?'));
  });

  it('has an output for every LambdaArn parameter of the conformance pack', () => {
    const packNames = Object.keys(pack.Parameters).filter((name) => name.endsWith('LambdaArn'));
    for (const name of packNames) expect(outputs[name]).toBeDefined();
  });

  it.each(remediationFoldersWithHandler)('gives the ARN of the %s Lambda', (folder) => {
    const [fnName] = functionWithHandler(`remediations/${folder}/handler.handler`) ?? [];
    const values = Object.values(outputs).map((output) => output.Value);
    expect(values).toContainEqual(functionArn(fnName ?? '?'));
  });

  it('gives the remediation Automation role and the compliance findings Lambda', () => {
    expect(outputs.RemediationAutomationRoleArn?.Value).toEqual(getAtt('RemediationAutomationRole'));
    expect(outputs.ComplianceFindingsFunctionArn?.Value).toEqual(functionArn(COMPLIANCE_FUNCTION));
  });
});

describe('serverless.yml evaluation failures and refusals', () => {
  it.each(['EvaluationFailures', 'ForeignInvocations'])(
    'pages the alert topic on %s, in the namespace and dimension the rule handler writes',
    (metricName) => {
      const alarms = resourcesOfType('AWS::CloudWatch::Alarm').filter(
        ([, alarm]) => alarm.Properties?.MetricName === metricName,
      );
      expect(alarms).toHaveLength(1);
      expect(alarms[0]?.[1].Properties).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
        AlarmActions: [{ Ref: 'RootActivityAlertTopic' }],
      });
    },
  );
});

describe('serverless.yml trust boundary refusals', () => {
  /** Every refusal metric the handlers emit when input crossing an account boundary fails a check. */
  const REFUSAL_SOURCES: Record<string, string> = {
    ForgedEvents: 'alerts/root-activity/handler.ts',
    ForeignComplianceChanges: 'findings/handler.ts',
    RemediationRefusals: 'remediations/lib/refusals.ts',
    ForeignHeartbeats: 'heartbeat/record.ts',
  };

  it.each(Object.entries(REFUSAL_SOURCES))(
    'pages the alert topic when %s (emitted by %s) counts',
    (metric, file) => {
      expect(readFileSync(join(ROOT, file), 'utf8')).toContain(`'${metric}'`);
      const alarms = resourcesOfType('AWS::CloudWatch::Alarm').filter(([, alarm]) =>
        JSON.stringify(alarm.Properties?.Metrics ?? []).includes(`"MetricName":"${metric}"`),
      );
      expect(alarms).toHaveLength(1);
      const properties = alarms[0]?.[1].Properties;
      expect(properties?.AlarmActions).toEqual([{ Ref: 'RootActivityAlertTopic' }]);
      expect(JSON.stringify(properties?.Metrics)).toContain(
        JSON.stringify({
          Namespace: METRICS_NAMESPACE,
          MetricName: metric,
          Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
        }),
      );
    },
  );
});

describe('serverless.yml invocation by Config across the organization', () => {
  const ruleFunctions = ruleFolders.map((ruleId) => {
    const found = functionWithHandler(`rules/${ruleId}/handler.handler`);
    if (!found) throw new Error(`no function deploys rules/${ruleId}`);
    return found;
  });
  const permissionsOf = (functionName: string) =>
    resourcesOfType('AWS::Lambda::Permission').filter(([, permission]) =>
      sameJson(permission.Properties?.FunctionName, functionArn(functionName)),
    );

  it.each(ruleFunctions)(
    'grants Config one invoke statement on %s, the same for 5 or 5,000 accounts (no SourceAccount)',
    (name) => {
      const permissions = permissionsOf(name);
      expect(permissions).toHaveLength(1);
      const properties = permissions[0]?.[1].Properties ?? {};
      expect(properties).toEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: functionArn(name),
        Principal: 'config.amazonaws.com',
      });
    },
  );

  it.each(ruleFunctions)('caps rule function %s with reserved concurrency', (_name, fn) => {
    const reserved = fn.reservedConcurrency;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an osls variable, as written in serverless.yml
    expect(reserved).toBe('${param:ruleReservedConcurrency}');
    const value = Number(config.params?.default?.ruleReservedConcurrency);
    expect(Number.isInteger(value) && value > 0).toBe(true);
  });

  // Identity statements only: a trust policy's AssumeRole names a Principal and is checked elsewhere.
  const assumeRoleStatements = allStatements.filter(
    ({ statement }) =>
      asArray(statement.Action).includes('sts:AssumeRole') && statement.Principal === undefined,
  );

  it('finds the sts:AssumeRole statements of the roles to check', () => {
    expect(assumeRoleStatements.length).toBeGreaterThanOrEqual(ruleFolders.length);
  });

  it.each(assumeRoleStatements.map(({ path, statement }) => [path, statement] as const))(
    '%s assumes only roles of its own organization (aws:ResourceOrgID)',
    (_path, statement) => {
      expect(objectAt(objectAt(statement, 'Condition'), 'StringEquals')?.['aws:ResourceOrgID']).toBe(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, escaped from osls
        '\\${aws:PrincipalOrgID}',
      );
    },
  );
});

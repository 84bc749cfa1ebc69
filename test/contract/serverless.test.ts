/**
 * serverless.yml keeps the deployment conventions: every rule folder is deployed as a function with the
 * shared handler path, on nodejs22.x, each function with its own role whose log permissions stop at its own
 * log group, and no IAM statement grants a wildcard action. The root activity alert path takes its event
 * patterns from alerts/root-activity/patterns.json and cannot lose an event silently (dead-letter queue and
 * retry policy on every target, on-failure destination on the Lambda), the central bus admits other accounts
 * only through aws:PrincipalOrgID, and the break-glass runbook is deployed from its document.yaml. Read as
 * plain YAML (long-form intrinsics only), so no osls and no AWS credentials are needed: the `${file(...)}`
 * values osls resolves at package time are resolved here the same way (the file, or one top-level key of it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import patterns from '../../alerts/root-activity/patterns.json';
import { documentName } from '../../remediations/lib/names';

const ROOT = resolve(__dirname, '../..');
const RULES_DIR = join(ROOT, 'rules');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface FunctionConfig {
  handler?: string;
  name?: string;
  runtime?: string;
  role?: Json;
  maximumRetryAttempts?: number;
  destinations?: { onSuccess?: Json; onFailure?: Json };
}

type Resource = { Type?: string; Condition?: string; Properties?: JsonObject } & JsonObject;

interface ServerlessConfig {
  frameworkVersion?: string;
  provider?: { runtime?: string; architecture?: string };
  functions?: Record<string, FunctionConfig>;
  resources?: { Conditions?: JsonObject; Resources?: Record<string, Resource> };
}

const config = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as ServerlessConfig;
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
const PATTERNS_FILE = './alerts/root-activity/patterns.json';
const DOCUMENT_FILE = './remediations/open-break-glass-window/document.yaml';
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

describe('serverless.yml', () => {
  it('targets the osls v4 configuration format', () => {
    expect(config.frameworkVersion).toBe('4');
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

describe('serverless.yml root activity alert path', () => {
  const patternKeys = Object.keys(patterns) as (keyof typeof patterns)[];
  const rules = resourcesOfType('AWS::Events::Rule');
  const buses = resourcesOfType('AWS::Events::EventBus');
  const busId = buses[0]?.[0];
  const onCentralBus = (resource: Resource) =>
    isObject(resource.Properties?.EventBusName) && resource.Properties.EventBusName.Ref === busId;
  const centralRules = rules.filter(([, rule]) => onCentralBus(rule));
  const defaultBusRules = rules.filter(([, rule]) => rule.Properties?.EventBusName === 'default');
  const alertFunction = config.functions?.rootActivityAlert ?? {};
  const alertFunctionArn = getAtt(`${normalized('rootActivityAlert')}LambdaFunction`);
  const deadLetterQueues = resourcesOfType('AWS::SQS::Queue').map(([id]) => getAtt(id));
  const targetsOf = (rule: Resource) => asArray(rule.Properties?.Targets).filter(isObject);
  const objectAt = (node: JsonObject | undefined, key: string): JsonObject | undefined => {
    const value = node?.[key];
    return isObject(value) ? value : undefined;
  };
  /** The patterns.json key a rule's EventPattern refers to (undefined: not a reference to that file). */
  const patternKeyOf = (rule: Resource) => {
    const reference = fileReference(rule.Properties?.EventPattern);
    return reference?.path === PATTERNS_FILE ? reference.key : undefined;
  };
  const isPatternKey = (key: string | undefined): key is keyof typeof patterns =>
    key !== undefined && key in patterns;

  it('has one central event bus with rules on it', () => {
    expect(buses).toHaveLength(1);
    expect(centralRules.length).toBeGreaterThan(0);
  });

  it('takes every rule pattern from alerts/root-activity/patterns.json by reference, never a copy', () => {
    const copies = rules.filter(([, rule]) => !isPatternKey(patternKeyOf(rule))).map(([id]) => id);
    expect(copies).toEqual([]);
  });

  it.each(rules)('rule %s is named after the patterns.json key it uses', (_id, rule) => {
    const kebab = (patternKeyOf(rule) ?? '?').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    expect(rule.Properties?.Name).toEqual(expect.stringMatching(new RegExp(`-${kebab}$`)));
  });

  it('puts one rule per pattern on the central bus, each resolving to the pattern in patterns.json', () => {
    expect(centralRules.map(([, rule]) => patternKeyOf(rule)).sort()).toEqual([...patternKeys].sort());
    for (const [, rule] of centralRules) {
      const key = patternKeyOf(rule);
      expect(isPatternKey(key) ? patterns[key] : undefined).toBeDefined();
      if (isPatternKey(key))
        expect(resolveFileReference(rule.Properties?.EventPattern)).toEqual(patterns[key]);
    }
  });

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

  it('lets EventBridge send dead letters only for the alert rules (aws:SourceArn)', () => {
    const statements = resourcesOfType('AWS::SQS::QueuePolicy')
      .flatMap(([id, policy]) => statementsUnder(policy, id))
      .map(({ statement }) => statement)
      .filter((statement) => objectAt(statement, 'Principal')?.Service === 'events.amazonaws.com');
    expect(statements).toHaveLength(1);
    const sourceArns = statements.flatMap((statement) =>
      expandValues(objectAt(objectAt(statement, 'Condition'), 'ArnEquals')?.['aws:SourceArn']),
    );
    expect(sourceArns.sort(byJson)).toEqual(rules.map(([id]) => getAtt(id)).sort(byJson));
  });

  it('sends failed asynchronous invocations of the alert Lambda to the dead-letter queue after 2 retries', () => {
    const onFailure = alertFunction.destinations?.onFailure;
    expect(isObject(onFailure) && onFailure.type).toBe('sqs');
    expect(deadLetterQueues).toContainEqual(isObject(onFailure) ? onFailure.arn : undefined);
    expect(alertFunction.maximumRetryAttempts).toBe(2);
  });

  it('admits other accounts to the central bus only through aws:PrincipalOrgID', () => {
    const busPolicies = [
      ...resourcesOfType('AWS::Events::EventBusPolicy').filter(([, policy]) => onCentralBus(policy)),
      // The bus's own Policy property, if it is ever used instead.
      ...buses.filter(([, bus]) => bus.Properties?.Policy !== undefined),
    ];
    const statements = busPolicies
      .flatMap(([id, policy]) => statementsUnder(policy, id))
      .map(({ statement }) => statement);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Action).toBe('events:PutEvents');
      const stringEquals = objectAt(objectAt(statement, 'Condition'), 'StringEquals');
      expect(stringEquals?.['aws:PrincipalOrgID']).toEqual({ Ref: 'OrganizationId' });
    }
  });
});

describe('serverless.yml break-glass runbook', () => {
  const FOLDER = 'open-break-glass-window';
  const document = parse(readFileSync(join(ROOT, DOCUMENT_FILE), 'utf8')) as {
    parameters: Record<string, { default?: string; allowedPattern?: string } | undefined>;
  };
  const documents = resourcesOfType('AWS::SSM::Document');
  const recordWindow = functions.find(([, fn]) => fn.handler === `remediations/${FOLDER}/handler.handler`);

  it(`creates ${documentName(FOLDER)} from its document.yaml, as written`, () => {
    expect(documents).toHaveLength(1);
    for (const [, resource] of documents) {
      expect(resource.Properties).toMatchObject({
        Name: documentName(FOLDER),
        DocumentType: 'Automation',
        DocumentFormat: 'YAML',
      });
      expect(fileReference(resource.Properties?.Content)).toEqual({ path: DOCUMENT_FILE, key: undefined });
      expect(resolveFileReference(resource.Properties?.Content)).toEqual(document);
    }
  });

  it("names the record-window Lambda as the document's RecordWindowFunctionName default", () => {
    const defaultName = document.parameters.RecordWindowFunctionName?.default;
    expect(defaultName).toBeDefined();
    expect(recordWindow?.[1].name).toBe(defaultName);
  });

  it("names the approval topic so that the document's ApprovalNotificationArn accepts it (Automation...)", () => {
    const pattern = new RegExp(document.parameters.ApprovalNotificationArn?.allowedPattern ?? '^$');
    const topicNames = resourcesOfType('AWS::SNS::Topic')
      .map(([, topic]) => topic.Properties?.TopicName)
      .filter((name): name is string => typeof name === 'string' && name.startsWith('Automation'));
    expect(topicNames).toHaveLength(1);
    for (const name of topicNames) {
      expect(`arn:aws:sns:us-east-1:111111111111:${name.replace(STAGE_VARIABLE, 'prod')}`).toMatch(pattern);
    }
  });
});

/**
 * serverless.yml keeps the deployment conventions: every rule folder is deployed as a function with the
 * shared handler path, on nodejs22.x, each function with its own role whose log permissions stop at its own
 * log group, and no IAM statement grants a wildcard action. Read as plain YAML (long-form intrinsics only),
 * so no osls and no AWS credentials are needed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');
const RULES_DIR = join(ROOT, 'rules');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface FunctionConfig {
  handler?: string;
  runtime?: string;
  role?: Json;
}

interface ServerlessConfig {
  frameworkVersion?: string;
  provider?: { runtime?: string; architecture?: string };
  functions?: Record<string, FunctionConfig>;
  resources?: { Resources?: Record<string, { Type?: string; Properties?: JsonObject } & JsonObject> };
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

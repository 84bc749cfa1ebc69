/**
 * A normalized view of a packaged CloudFormation template: every resource's logical id and type, and every IAM
 * statement's actions (both branches of each Fn::If), keyed by where it sits. Moving resources between
 * serverless.yml and the generated deploy/rules.generated.yml must not change it; the integration test
 * test/contract/packaged-template.test.ts compares `osls package` output with the snapshot committed in
 * test/contract/fixtures/packaged-template.snapshot.json. Bundle hashes, descriptions and property values are
 * left out on purpose: they change with every build or wording fix and say nothing about what is granted.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface TemplateSnapshot {
  /** Logical id -> resource type. */
  resources: Record<string, string>;
  /**
   * Logical id -> the action set of each IAM statement under it ("a,b,c", actions sorted), sorted. Sids are
   * left out: a statement renamed or merged differently still grants the same.
   */
  statements: Record<string, string[]>;
  /** Output, parameter and condition names. */
  outputs: string[];
  parameters: string[];
  conditions: string[];
  /** Lambda function logical id -> the settings a rule declares (deploy.json) as they reach CloudFormation. */
  functions: Record<
    string,
    { timeout: Json; memorySize: Json; reservedConcurrency: Json; environment: string[] }
  >;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The statements a Statement value can produce: both branches of every Fn::If, never AWS::NoValue. */
function expand(value: Json): JsonObject[] {
  if (Array.isArray(value)) return value.flatMap(expand);
  if (!isObject(value) || value.Ref === 'AWS::NoValue') return [];
  const branches = value['Fn::If'];
  if (Array.isArray(branches)) return branches.slice(1).flatMap(expand);
  return [value];
}

function statementsUnder(node: Json): JsonObject[] {
  if (Array.isArray(node)) return node.flatMap(statementsUnder);
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'Statement' ? expand(value) : statementsUnder(value),
  );
}

const actions = (statement: JsonObject): string[] => {
  const action = statement.Action ?? statement.NotAction ?? [];
  return (Array.isArray(action) ? action : [action]).map(String).sort();
};

const names = (value: Json | undefined): string[] => Object.keys(isObject(value) ? value : {}).sort();

export function snapshotTemplate(template: unknown): TemplateSnapshot {
  const root = isObject(template) ? template : {};
  const resources = isObject(root.Resources) ? root.Resources : {};
  const snapshot: TemplateSnapshot = {
    resources: {},
    statements: {},
    outputs: names(root.Outputs),
    parameters: names(root.Parameters),
    conditions: names(root.Conditions),
    functions: {},
  };
  for (const id of Object.keys(resources).sort()) {
    const resource = resources[id];
    snapshot.resources[id] = isObject(resource) ? String(resource.Type) : '?';
    const sets = statementsUnder(resource ?? null).map((statement) => actions(statement).join(','));
    if (sets.length > 0) snapshot.statements[id] = sets.sort();
    if (isObject(resource) && resource.Type === 'AWS::Lambda::Function') {
      const properties = isObject(resource.Properties) ? resource.Properties : {};
      const environment = isObject(properties.Environment) ? properties.Environment.Variables : {};
      snapshot.functions[id] = {
        timeout: properties.Timeout ?? null,
        memorySize: properties.MemorySize ?? null,
        reservedConcurrency: properties.ReservedConcurrentExecutions ?? null,
        environment: names(environment),
      };
    }
  }
  return snapshot;
}

/**
 * Walks the IAM statements of a CloudFormation (or osls) template read as plain YAML: trust policies,
 * permission policies and resource policies alike, both branches of every Fn::If. Shared by the contract
 * tests that judge who a template trusts (test/contract/trust-policies.test.ts, protection-scp.test.ts).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const asArray = (value: Json | undefined): Json[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const isNoValue = (value: Json): boolean => isObject(value) && value.Ref === 'AWS::NoValue';

/** The values a node can take: both branches of every Fn::If, never AWS::NoValue, lists flattened. */
export function expandIf(value: Json | undefined): Json[] {
  return asArray(value).flatMap((item) => {
    if (isNoValue(item)) return [];
    const condition = isObject(item) ? item['Fn::If'] : undefined;
    return Array.isArray(condition) ? condition.slice(1).flatMap(expandIf) : [item];
  });
}

export interface FoundStatement {
  path: string;
  statement: JsonObject;
}

/** Every statement anywhere under `node` (any `Statement` key), with where it was found. */
export function statementsUnder(node: Json, path: string): FoundStatement[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => statementsUnder(item, `${path}[${i}]`));
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'Statement'
      ? expandIf(value)
          .filter(isObject)
          .map((statement) => ({ path: `${path}.Statement(${String(statement.Sid ?? '?')})`, statement }))
      : statementsUnder(value, `${path}.${key}`),
  );
}

/** The text of a plain string or an `Fn::Sub` without a variable map; undefined for anything else. */
export function subText(value: Json | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
  return undefined;
}

/** The values a condition key takes in a statement, under every operator (ArnLike, ArnEquals, ...). */
export function conditionValues(statement: JsonObject, key: string): Json[] {
  const condition = statement.Condition;
  if (!isObject(condition)) return [];
  return Object.values(condition).flatMap((test) => (isObject(test) ? expandIf(test[key]) : []));
}

/**
 * Just enough of IAM's evaluation to play an attacker against an SCP written in a template: which Deny
 * statements match a request (action, resource ARN, principal ARN). Wildcards follow IAM: `*` any run of
 * characters, `?` one; ARN conditions compare the whole ARN the same way. Fn::Sub texts are resolved with the
 * template's parameter defaults first (`resolveSubs`). Only the condition operators the protection SCP uses
 * are known; any other fails the test rather than being ignored.
 */
import { asArray, isObject, type Json, type JsonObject } from './policy-walk';

export interface ScpRequest {
  action: string;
  resource: string;
  principalArn: string;
}

const globToRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('')}$`,
  );

export const globMatches = (pattern: string, value: string) => globToRegExp(pattern).test(value);

/** Replaces every `{ "Fn::Sub": text }` with the text, `${Name}` taken from `values`. */
export function resolveSubs(node: Json, values: Record<string, string>): Json {
  if (Array.isArray(node)) return node.map((item) => resolveSubs(item, values));
  if (!isObject(node)) return node;
  const sub = node['Fn::Sub'];
  if (typeof sub === 'string') {
    return sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`No value for \${${name}}`);
      return value;
    });
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolveSubs(value, values)]));
}

const CONTEXT_KEYS: Record<string, (request: ScpRequest) => string> = {
  'aws:PrincipalArn': (request) => request.principalArn,
};

function conditionHolds(condition: Json | undefined, request: ScpRequest): boolean {
  if (condition === undefined) return true;
  if (!isObject(condition)) throw new Error('A Condition must be an object');
  return Object.entries(condition).every(([operator, tests]) => {
    if (!isObject(tests)) throw new Error(`${operator} must map keys to values`);
    return Object.entries(tests).every(([key, expected]) => {
      const read = CONTEXT_KEYS[key];
      if (!read) throw new Error(`Condition key ${key} is not modelled here`);
      const actual = read(request);
      const matchesAny = asArray(expected).some((p) => globMatches(String(p), actual));
      if (operator === 'ArnLike' || operator === 'ArnEquals') return matchesAny;
      if (operator === 'ArnNotLike' || operator === 'ArnNotEquals') return !matchesAny;
      throw new Error(`Condition operator ${operator} is not modelled here`);
    });
  });
}

/** The Sids of the Deny statements that refuse the request. */
export function denyingStatements(statements: readonly JsonObject[], request: ScpRequest): string[] {
  return statements
    .filter((s) => s.Effect === 'Deny')
    .filter((s) => asArray(s.Action).some((a) => globMatches(String(a), request.action)))
    .filter((s) => asArray(s.Resource).some((r) => globMatches(String(r), request.resource)))
    .filter((s) => conditionHolds(s.Condition, request))
    .map((s) => String(s.Sid ?? '?'));
}

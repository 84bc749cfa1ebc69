/**
 * A pure EventBridge event-pattern matcher, so rootguard can decide whether a deployed rule would catch a
 * real-shaped root sign-in by evaluating its pattern, not by comparing strings. Covers the content filters
 * EventBridge documents: exact values (string, number, boolean, null), prefix, suffix, anything-but
 * (value, list, prefix, suffix), numeric ranges, exists, equals-ignore-case, wildcard, cidr and `$or`.
 *
 * Semantics follow EventBridge: every field in the pattern must match; a pattern leaf is an array of
 * alternatives; an event array matches when any element matches; a missing field matches only
 * `{"exists": false}`.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export class InvalidEventPatternError extends Error {}

/**
 * The rule state that also receives read-only CloudTrail management events (Get*, List*, Describe*); a rule
 * in state ENABLED never sees them. Valid on default and custom event buses.
 */
export const ALL_MANAGEMENT_EVENTS_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

function wildcardToRegex(pattern: string): RegExp {
  // `\*` is a literal asterisk and `\\` a literal backslash; any other `*` matches any run of characters.
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      regex += `\\${pattern[++i]}`;
    } else if (ch === '*') {
      regex += '.*';
    } else {
      regex += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${regex}$`, 's');
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function cidrMatch(cidr: string, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const b = ipv4ToInt(base ?? '');
  const v = ipv4ToInt(value);
  if (b === undefined || v === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(b / size) === Math.floor(v / size);
}

function numericMatch(conditions: Json[], value: unknown): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = conditions[i + 1];
    if (typeof bound !== 'number') throw new InvalidEventPatternError('numeric bound must be a number');
    const ok =
      op === '='
        ? value === bound
        : op === '<'
          ? value < bound
          : op === '<='
            ? value <= bound
            : op === '>'
              ? value > bound
              : op === '>='
                ? value >= bound
                : undefined;
    if (ok === undefined) throw new InvalidEventPatternError(`unknown numeric operator ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}

function anythingBut(spec: Json, value: unknown): boolean {
  if (value === undefined) return false;
  if (isObject(spec)) {
    if (typeof spec.prefix === 'string') return typeof value === 'string' && !value.startsWith(spec.prefix);
    if (typeof spec.suffix === 'string') return typeof value === 'string' && !value.endsWith(spec.suffix);
    if (spec['equals-ignore-case'] !== undefined) {
      const list = Array.isArray(spec['equals-ignore-case'])
        ? spec['equals-ignore-case']
        : [spec['equals-ignore-case']];
      return (
        typeof value === 'string' &&
        !list.some((s) => typeof s === 'string' && s.toLowerCase() === value.toLowerCase())
      );
    }
    if (typeof spec.wildcard === 'string')
      return typeof value === 'string' && !wildcardToRegex(spec.wildcard).test(value);
    throw new InvalidEventPatternError('unsupported anything-but form');
  }
  const list = Array.isArray(spec) ? spec : [spec];
  return !list.some((s) => s === value);
}

/** Does one scalar event value (or a missing one) match one alternative of a pattern leaf? */
function matchesAlternative(alt: Json, value: unknown, present: boolean): boolean {
  if (!isObject(alt)) return present && alt === value;
  const [op, arg] = Object.entries(alt)[0] ?? [];
  switch (op) {
    case 'exists':
      return arg === present;
    case 'prefix':
      if (isObject(arg) && typeof arg['equals-ignore-case'] === 'string') {
        return (
          typeof value === 'string' && value.toLowerCase().startsWith(arg['equals-ignore-case'].toLowerCase())
        );
      }
      return typeof value === 'string' && typeof arg === 'string' && value.startsWith(arg);
    case 'suffix':
      if (isObject(arg) && typeof arg['equals-ignore-case'] === 'string') {
        return (
          typeof value === 'string' && value.toLowerCase().endsWith(arg['equals-ignore-case'].toLowerCase())
        );
      }
      return typeof value === 'string' && typeof arg === 'string' && value.endsWith(arg);
    case 'equals-ignore-case':
      return (
        typeof value === 'string' && typeof arg === 'string' && value.toLowerCase() === arg.toLowerCase()
      );
    case 'wildcard':
      return typeof value === 'string' && typeof arg === 'string' && wildcardToRegex(arg).test(value);
    case 'anything-but':
      return present && anythingBut(arg as Json, value);
    case 'numeric':
      return present && Array.isArray(arg) && numericMatch(arg, value);
    case 'cidr':
      return typeof arg === 'string' && cidrMatch(arg, value);
    default:
      throw new InvalidEventPatternError(`unsupported pattern operator ${String(op)}`);
  }
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

function matchesLeaf(alternatives: Json[], eventValue: unknown): boolean {
  // Leaf filters (exists included) only see leaf values: an object in the event counts as absent here.
  const value = isObject(eventValue as Json) ? undefined : eventValue;
  const present = value !== undefined;
  const values = flatten(value);
  if (Array.isArray(value) && value.length === 0) {
    return alternatives.some((alt) => isObject(alt) && 'exists' in alt && alt.exists === true);
  }
  return alternatives.some((alt) => values.some((v) => matchesAlternative(alt, v, present)));
}

function matchesObject(pattern: JsonObject, event: unknown): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(sub) || !sub.every(isObject))
        throw new InvalidEventPatternError('$or must list objects');
      if (!sub.some((branch) => matchesObject(branch as JsonObject, event))) return false;
      continue;
    }
    const value = isObject(event) ? event[key] : undefined;
    if (Array.isArray(sub)) {
      if (!matchesLeaf(sub, value)) return false;
    } else if (isObject(sub)) {
      // A nested object: an event array of objects matches when any element matches.
      const candidates = flatten(value);
      if (!candidates.some((c) => matchesObject(sub, c))) return false;
    } else {
      throw new InvalidEventPatternError(`pattern field ${key} must be an array or an object`);
    }
  }
  return true;
}

const STRING_OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

/** Checks the whole pattern up front, so a malformed part is reported even where matching would skip it. */
function validateAlternative(alt: Json, path: string): void {
  if (!isObject(alt)) return;
  const entries = Object.entries(alt);
  const [op, arg] = entries[0] ?? [];
  const fail = (why: string): never => {
    throw new InvalidEventPatternError(`${path}: ${why}`);
  };
  if (entries.length !== 1) fail('an operator object must have exactly one key');
  if (op === 'exists') {
    if (typeof arg !== 'boolean') fail('exists takes true or false');
  } else if (op !== undefined && STRING_OPERATORS.has(op)) {
    const ok =
      typeof arg === 'string' ||
      ((op === 'prefix' || op === 'suffix') &&
        isObject(arg) &&
        typeof arg['equals-ignore-case'] === 'string');
    if (!ok) fail(`${op} takes a string`);
    if (op === 'wildcard' && typeof arg === 'string' && /(?<!\\)\*\*/.test(arg))
      fail('wildcard may not contain **');
  } else if (op === 'anything-but') {
    if (arg === undefined || (Array.isArray(arg) && arg.some((v) => isObject(v) || Array.isArray(v)))) {
      fail('anything-but takes a value, a list of values or one operator object');
    }
  } else if (op === 'numeric') {
    if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0)
      fail('numeric takes operator/value pairs');
  } else if (op === 'cidr') {
    if (typeof arg !== 'string') fail('cidr takes a string');
    if (typeof arg === 'string' && arg.includes(':')) fail('IPv6 cidr is not supported by rootguard');
  } else {
    fail(`unsupported pattern operator ${String(op)}`);
  }
}

function validatePattern(pattern: JsonObject, path = '$'): void {
  for (const [key, sub] of Object.entries(pattern)) {
    const here = `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(sub) || !sub.every(isObject))
        throw new InvalidEventPatternError(`${here} must list objects`);
      for (const branch of sub) validatePattern(branch as JsonObject, here);
    } else if (Array.isArray(sub)) {
      for (const alt of sub) validateAlternative(alt, here);
    } else if (isObject(sub)) {
      validatePattern(sub, here);
    } else {
      throw new InvalidEventPatternError(`${here} must be an array or an object`);
    }
  }
}

/** Parses and validates a pattern (its JSON text or an object); InvalidEventPatternError names what is wrong. */
export function parseEventPattern(pattern: unknown): JsonObject {
  let parsed: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw new InvalidEventPatternError(`the event pattern is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!isObject(parsed as Json)) throw new InvalidEventPatternError('an event pattern must be a JSON object');
  validatePattern(parsed as JsonObject);
  return parsed as JsonObject;
}

/** True when `event` matches the EventBridge `pattern` (a parsed object or its JSON text). */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return matchesObject(parseEventPattern(pattern), event);
}

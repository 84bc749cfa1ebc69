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

function wildcardToRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 's');
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

function matchesLeaf(alternatives: Json[], value: unknown): boolean {
  const present = value !== undefined;
  const values = Array.isArray(value) ? value : [value];
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
      const candidates = Array.isArray(value) ? value : [value];
      if (!candidates.some((c) => matchesObject(sub, c))) return false;
    } else {
      throw new InvalidEventPatternError(`pattern field ${key} must be an array or an object`);
    }
  }
  return true;
}

/** True when `event` matches the EventBridge `pattern` (a parsed object or its JSON text). */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  const parsed = typeof pattern === 'string' ? (JSON.parse(pattern) as unknown) : pattern;
  if (!isObject(parsed)) throw new InvalidEventPatternError('an event pattern must be a JSON object');
  return matchesObject(parsed, event);
}

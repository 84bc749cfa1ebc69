/**
 * Generated mutations of real-shaped samples for the boundary-parser properties (issue 16, part 2): a field
 * dropped, its type swapped, a huge or non-ASCII string, a `__proto__` or `constructor` key, a duplicated key
 * (in the raw text: JSON.parse keeps the last), the text truncated. Every mutation yields the raw text the
 * parser's caller would read; `value` is what JSON.parse makes of it (undefined when it no longer parses), so
 * `__proto__` arrives as an own property, exactly as from the wire.
 */
import * as fc from 'fast-check';

export type MutationKind =
  | 'drop'
  | 'swap'
  | 'huge'
  | 'non-ascii'
  | 'proto'
  | 'constructor'
  | 'duplicate'
  | 'truncate';
export const MUTATION_KINDS: readonly MutationKind[] = [
  'drop',
  'swap',
  'huge',
  'non-ascii',
  'proto',
  'constructor',
  'duplicate',
  'truncate',
];

export interface Mutated {
  kind: MutationKind;
  /** Where in the sample, as `a.b.0.c` (empty: the top level). */
  path: string;
  /** The raw text. */
  text: string;
  /** JSON.parse(text), or undefined when the text is no longer JSON (truncated). */
  value: unknown;
  /** The path as keys. */
  keys: readonly (string | number)[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value in `sample` (objects and arrays are walked), the top level first. */
export function pathsOf(sample: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(sample)) return here.concat(sample.flatMap((v, i) => pathsOf(v, [...prefix, i])));
  if (sample && typeof sample === 'object') {
    return here.concat(Object.entries(sample).flatMap(([k, v]) => pathsOf(v, [...prefix, k])));
  }
  return here;
}

const HUGE = 'A'.repeat(100_000);
const NON_ASCII = 'r\u00f6\u00f6t \u{1F512} \u202e\u0000\u2028\u0645\u062f\u064a\u0631 \uFEFF';
const junkArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant<Json>({}),
  fc.constant<Json>([]),
  fc.constant(''),
  fc.constantFrom('true', 'True', 'YES', 'Root', '0', '-1', 'null'),
  fc.string({ maxLength: 12 }),
);

// Markers that become `__proto__`, `constructor` or a repeated key once the text is written: an object literal
// cannot carry a second key of one name, and assigning `__proto__` would set the prototype instead.
const MARK = '\u0001mark\u0001';

function clone(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** The container at `keys` minus its last key (undefined when the path leaves the sample). */
function parentOf(root: Json, keys: readonly (string | number)[]): Json | undefined {
  let node: Json | undefined = root;
  for (const key of keys.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, Json>)[key as string];
  }
  return node;
}

function mutate(
  sample: unknown,
  keys: (string | number)[],
  kind: MutationKind,
  junk: Json,
  cut: number,
): Mutated {
  const path = keys.join('.');
  const original = JSON.stringify(sample);
  const finish = (text: string): Mutated => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    return { kind, path, keys, text, value };
  };
  if (kind === 'truncate') return finish(original.slice(0, Math.max(0, Math.min(original.length - 1, cut))));

  const root = clone(sample);
  const last = keys[keys.length - 1];
  const parent = parentOf(root, keys);
  const container = (keys.length === 0 ? root : parent) as Json;
  const objectTarget = (
    keys.length === 0 ? root : (parent as Record<string, Json>)?.[last as string]
  ) as Json;
  const set = (value: Json) => {
    if (keys.length === 0) return value;
    if (Array.isArray(parent)) parent[last as number] = value;
    else if (parent && typeof parent === 'object') (parent as Record<string, Json>)[last as string] = value;
    return root;
  };
  switch (kind) {
    case 'drop': {
      if (keys.length === 0) return finish('{}');
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else if (parent && typeof parent === 'object') delete (parent as Record<string, Json>)[last as string];
      return finish(JSON.stringify(root));
    }
    case 'swap':
      return finish(JSON.stringify(set(junk)));
    case 'huge':
      return finish(JSON.stringify(set(HUGE)));
    case 'non-ascii':
      return finish(
        JSON.stringify(set(typeof objectTarget === 'string' ? `${objectTarget}${NON_ASCII}` : NON_ASCII)),
      );
    case 'proto':
    case 'constructor': {
      // Into the object at the path (or its container when the path ends on a scalar).
      const host =
        objectTarget && typeof objectTarget === 'object' && !Array.isArray(objectTarget)
          ? objectTarget
          : container;
      if (!host || typeof host !== 'object' || Array.isArray(host)) return finish(original);
      const injected: Json = kind === 'proto' ? { type: 'Root', invokedBy: 'attacker', isAdmin: true } : junk;
      (host as Record<string, Json>)[MARK] = injected;
      const name = kind === 'proto' ? '__proto__' : 'constructor';
      return finish(JSON.stringify(root).replace(JSON.stringify(MARK), JSON.stringify(name)));
    }
    case 'duplicate': {
      if (keys.length === 0 || Array.isArray(parent) || !parent || typeof parent !== 'object')
        return finish(original);
      // The key again, after the original: JSON.parse keeps this one.
      (parent as Record<string, Json>)[MARK] = junk;
      return finish(JSON.stringify(root).replace(JSON.stringify(MARK), JSON.stringify(String(last))));
    }
  }
}

/** Mutations of `sample`: one per draw, at any path, of any kind (`kinds` narrows them). */
export function mutationsOf(
  sample: unknown,
  kinds: readonly MutationKind[] = MUTATION_KINDS,
): fc.Arbitrary<Mutated> {
  const paths = pathsOf(sample);
  const length = JSON.stringify(sample).length;
  return fc
    .record({
      at: fc.nat({ max: paths.length - 1 }),
      kind: fc.constantFrom(...kinds),
      junk: junkArb,
      cut: fc.nat({ max: length }),
    })
    .map(({ at, kind, junk, cut }) => mutate(sample, paths[at] as (string | number)[], kind, junk, cut));
}

/** The own property at `keys` of a JSON.parse result (never one inherited through `__proto__`). */
export function ownAt(value: unknown, keys: readonly (string | number)[]): unknown {
  let node: unknown = value;
  for (const key of keys) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key as string];
  }
  return node;
}

/**
 * One place that says how many runs a property gets and from which seed, so `npm test` is repeatable and
 * `npm run fuzz` (scripts/fuzz.ts) can widen it: FUZZ_SEED fixes the seed (CI: the constant below), FUZZ_RUNS
 * multiplies nothing, it replaces every property's default run count. fast-check prints the seed and the
 * shrunk counterexample's path on failure; replay with `npm run fuzz -- --seed <seed>`.
 */
import * as fc from 'fast-check';

/** The seed `npm test` uses when FUZZ_SEED is unset: fixed, so a red CI run replays locally. */
export const CI_SEED = 20261207;

function intFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
}

export const FUZZ_SEED = intFromEnv('FUZZ_SEED') ?? CI_SEED;
const FUZZ_RUNS = intFromEnv('FUZZ_RUNS');

/**
 * fast-check parameters for one property: `defaultRuns` in `npm test` (sized to keep the bounded suite within
 * its time budget), FUZZ_RUNS under `npm run fuzz`.
 */
export function fuzzParams<T>(defaultRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: FUZZ_RUNS ?? defaultRuns, ...extra };
}

/** How many runs a loop-driven (non-fast-check) fuzz test does: `defaultRuns`, or FUZZ_RUNS when set. */
export function fuzzRuns(defaultRuns: number): number {
  return FUZZ_RUNS ?? defaultRuns;
}

/** A value that is either absent, null or of the wrong kind: what a hand-written file puts where it should not. */
export const junk = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant({}),
    fc.constant([]),
    fc.constant('__proto__'),
  );

/** Under `npm run fuzz` (FUZZ_REPORT set), one line of figures for the report: what was tried, what was found. */
export function reportFigures(label: string, figures: Record<string, number>): void {
  if (!process.env.FUZZ_REPORT) return;
  const text = Object.entries(figures)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  process.stdout.write(`fuzz figures: ${label}: ${text}\n`);
}

/**
 * The property every boundary parser must have (issue 16, part 2), so that a parser's spec
 * (test/unit/properties/parsers/<name>.property.test.ts) is only its samples, its call and its typed error:
 * every generated mutation of a real-shaped sample (test/helpers/mutations.ts) either parses, and then keeps
 * what the sample meant (the spec's `invariant`: no default that flips a verdict or drops an alert), or fails
 * with the module's own typed error naming where and why. Anything else (a TypeError, a RangeError from a
 * regex, a stack overflow) is a crash and fails the property, with the seed and the shrunk mutation printed.
 */
import * as fc from 'fast-check';
import type { ParseResult } from '../../lib/event-validation';
import { fuzzParams, reportFigures } from './fuzz';
import { type Mutated, type MutationKind, mutationsOf } from './mutations';

/** Returned by `toInput` when a mutation cannot reach this parser (EventBridge never delivers broken JSON). */
export const UNREACHABLE = Symbol('unreachable');

export interface ParserCase {
  name: string;
  /** A real-shaped input (test/events/, examples/, a helper's builder); it must parse unmutated. */
  sample: unknown;
  /**
   * What the parser is handed for a mutation: default, the parsed JSON for value parsers (events arrive
   * parsed) and the text for text parsers (files).
   */
  toInput?: (mutated: Mutated) => unknown;
  kinds?: readonly MutationKind[];
}

export interface ParserSpec<R> {
  /** Names the spec in the figures `npm run fuzz` prints (default: its file). */
  label?: string;
  /** What reads the input: 'value' (an event, already JSON) or 'text' (a file a user hands the CLI). */
  input: 'value' | 'text';
  cases: readonly ParserCase[];
  /** The parser: returns its result or throws. */
  parse: (input: unknown) => R;
  /** True for the module's typed error; its message must name the path (or field) and the reason. */
  isTypedError: (error: unknown) => boolean;
  /** What must still hold when a mutation parses. */
  invariant?: (result: R, mutated: Mutated, input: unknown) => void;
  runs?: number;
}

/** An event parser that answers a ParseResult (lib/event-validation.ts), as a `parse` that returns or throws. */
export function eventOrThrow<T>(parse: (raw: unknown) => ParseResult<T, unknown>): (raw: unknown) => T {
  return (raw) => {
    const parsed = parse(raw);
    if (!parsed.ok) throw parsed.error;
    return parsed.event;
  };
}

export function describeParserProperties<R>(spec: ParserSpec<R>): void {
  /** Mutated inputs tried by this spec, for the report. */
  const parserTally = { tried: 0, parsed: 0, rejected: 0 };
  afterAll(() =>
    reportFigures(`parser ${spec.label ?? expect.getState().testPath?.split('/').pop()}`, parserTally),
  );
  for (const testCase of spec.cases) {
    const toInput =
      testCase.toInput ??
      ((m: Mutated) => (spec.input === 'text' ? m.text : m.value === undefined ? UNREACHABLE : m.value));

    it(`${testCase.name}: the sample parses`, () => {
      // Prepare
      const text = JSON.stringify(testCase.sample);
      const unmutated: Mutated = { kind: 'swap', path: '', keys: [], text, value: JSON.parse(text) };

      // Act / Assess
      expect(() => spec.parse(toInput(unmutated))).not.toThrow();
    });

    it(`${testCase.name}: every mutation parses and keeps its meaning, or is a typed error naming why`, () => {
      fc.assert(
        fc.property(mutationsOf(testCase.sample, testCase.kinds), (mutated) => {
          const input = toInput(mutated);
          if (input === UNREACHABLE) return;
          parserTally.tried++;
          let result: R;
          try {
            result = spec.parse(input);
          } catch (error) {
            parserTally.rejected++;
            if (!spec.isTypedError(error)) {
              throw new Error(
                `crash: ${mutated.kind} at "${mutated.path}" threw ${(error as Error)?.name}: ${(error as Error)?.message}`,
              );
            }
            expect((error as Error).message.length).toBeGreaterThan(10);
            return;
          }
          parserTally.parsed++;
          spec.invariant?.(result, mutated, input);
        }),
        fuzzParams(spec.runs ?? 150),
      );
    });
  }
}

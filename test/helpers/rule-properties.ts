/**
 * The property every rule must have (issue 16, part 1), in one place so that a rule's spec
 * (test/unit/properties/rules/<id>.property.test.ts) is only its arbitraries and its oracle:
 *
 * - generated candidate facts (fields present, missing, null, of the wrong kind, in an unknown state) go through
 *   the rule's own facts schema (rules/<id>/facts.ts), exactly as a facts file does; a rejected candidate must
 *   name a path, an admitted one is what `evaluate` may receive;
 * - generated raw parameters go through parseRuleParameters, as the Lambda and the CLI do; a rejection must be
 *   an InvalidRuleParametersError;
 * - on validated input `evaluate` never throws, returns one evaluation of the evaluated account whose
 *   annotation names the account and a reason (also once cut to Config's 256 characters), and its compliance type is one
 *   the oracle allows: COMPLIANT only when the rule's documented condition (README "How each rule decides",
 *   rule.json description), re-derived independently in the spec, holds.
 */
import * as fc from 'fast-check';
import type * as z from 'zod';
import { InvalidRuleParametersError } from '../../lib/errors';
import { type ComplianceType, truncateAnnotation } from '../../lib/evaluation';
import { parseRuleParameters } from '../../lib/parameters';
import { PARTITIONS } from '../../lib/partition';
import type { EvaluateContext } from '../../lib/rule-handler';
import { getRule } from '../../rules';
import { fuzzParams, reportFigures } from './fuzz';

export interface RulePropertySpec<F> {
  ruleId: string;
  /** The rule's facts schema (rules/<id>/facts.ts). */
  factsSchema: z.ZodType<F>;
  /**
   * Candidate facts: mostly admissible, with junk mixed in so that rejections are exercised too. Built once
   * (arbitraries are costly to build per run); what depends on the evaluated account goes through `bind`.
   */
  facts: fc.Arbitrary<unknown>;
  /** Turns drawn facts into the candidate for this context (the account's own id, its partition's ARNs). */
  bind?: (drawn: unknown, ctx: EvaluateContext) => unknown;
  /** Raw parameters as Config or a facts file hands them over (strings, blanks, junk). */
  params?: fc.Arbitrary<Record<string, unknown> | undefined>;
  /** What the documented condition allows for these validated facts and parameters. */
  oracle: (facts: F, params: Record<string, unknown>, ctx: EvaluateContext) => readonly ComplianceType[];
  /** Runs in `npm test` (FUZZ_RUNS replaces it under `npm run fuzz`). */
  runs?: number;
}

/** Tallies a spec reports after its run: how many candidates each gate admitted and what evaluate said. */
export interface RulePropertyTally {
  candidates: number;
  factsRejected: number;
  paramsRejected: number;
  evaluated: Record<ComplianceType, number>;
}

export const accountIdArb = fc.stringMatching(/^\d{12}$/);

/** An evaluation context: any account, any partition, an evaluation time within a few years of today. */
export const evaluateContextArb: fc.Arbitrary<EvaluateContext> = fc.record({
  accountId: accountIdArb,
  partition: fc.constantFrom(...PARTITIONS),
  evaluationTime: fc
    .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) })
    .map((ms) => new Date(ms).toISOString()),
});

/** `valid`, or now and then something a hand-written file puts where it should not (absent, null, wrong kind). */
export function sometimesJunk<T>(valid: fc.Arbitrary<T>, junkWeight = 1): fc.Arbitrary<T | unknown> {
  return fc.oneof(
    { arbitrary: valid, weight: 40 },
    {
      arbitrary: fc.oneof(
        fc.constant(undefined),
        fc.constant(null),
        fc.string({ maxLength: 8 }),
        fc.integer(),
        fc.boolean(),
        fc.constant({}),
        fc.constant([]),
      ),
      weight: junkWeight,
    },
  );
}

/** A record whose fields are each sometimes junk and, when `optional`, sometimes missing. */
export function junkyRecord(
  fields: Record<string, fc.Arbitrary<unknown>>,
  optional: readonly string[] = [],
): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(Object.entries(fields).map(([k, a]) => [k, sometimesJunk(a)]));
  const required = Object.keys(fields).filter((k) => !optional.includes(k));
  return fc.record(model, { requiredKeys: required }).chain((r) =>
    // Rarely, an unknown key: a strict schema must reject it (a typo in a saved file is never ignored).
    fc.oneof(
      { arbitrary: fc.constant(r), weight: 40 },
      { arbitrary: fc.constant({ ...r, unexpectedField: true }), weight: 1 },
    ),
  );
}

/** Stands for the evaluated account's id in drawn facts, until `bindPlaceholders` knows it. */
export const SELF = '<self>';

/**
 * What a spec drew before it knew the evaluated account, made concrete for it: SELF becomes the account's id,
 * and every other string `replace` recognises (a time relative to the evaluation time, a partition's ARN)
 * becomes what it stands for; anything else, junk included, passes through as drawn. The copy is a plain JSON
 * value, as a facts file is.
 */
export function bindPlaceholders(
  drawn: unknown,
  ctx: EvaluateContext,
  replace: (value: string) => unknown = (value) => value,
): unknown {
  return JSON.parse(JSON.stringify(drawn ?? null), (_key, value) => {
    if (value === SELF) return ctx.accountId;
    return typeof value === 'string' ? replace(value) : value;
  });
}

/** An ISO-8601 time with a UTC `Z` or a numeric offset, as a saved file may write it. */
export function isoTimeArb(minMs: number, maxMs: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: minMs, max: maxMs }), fc.constantFrom(0, 0, 60, -300, 330, 780))
    .map(([ms, offset]) => isoWithOffset(ms, offset));
}

export function isoWithOffset(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

/**
 * Registers the rule's property test. Call once per spec file, at the top level of a `describe`.
 */
export function describeRuleProperties<F>(spec: RulePropertySpec<F>): void {
  const rule = getRule(spec.ruleId);
  const paramsArb = spec.params ?? fc.constant(undefined);

  it('returns COMPLIANT only when the documented condition holds, never throws, names the account and a reason', () => {
    const tally: RulePropertyTally = {
      candidates: 0,
      factsRejected: 0,
      paramsRejected: 0,
      evaluated: { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 },
    };
    fc.assert(
      fc.property(
        fc.record({ ctx: evaluateContextArb, drawn: spec.facts, raw: paramsArb }),
        ({ ctx, drawn, raw }) => {
          tally.candidates++;
          const candidate = spec.bind ? spec.bind(drawn, ctx) : drawn;
          const parsedFacts = spec.factsSchema.safeParse(candidate);
          if (!parsedFacts.success) {
            tally.factsRejected++;
            // A rejection names where (an empty path only for a wrong top-level kind) and why.
            for (const issue of parsedFacts.error.issues) expect(issue.message).not.toBe('');
            return;
          }
          let params: Record<string, unknown>;
          try {
            params = parseRuleParameters(rule.metadata, raw, ctx.accountId);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidRuleParametersError);
            expect((error as Error).message).toContain(spec.ruleId);
            tally.paramsRejected++;
            return;
          }

          const evaluations = rule.evaluate(parsedFacts.data, params, ctx);

          expect(evaluations).toHaveLength(1);
          const [evaluation] = evaluations;
          if (!evaluation) return;
          tally.evaluated[evaluation.complianceType]++;
          expect(evaluation.complianceResourceId).toBe(ctx.accountId);
          // What Config stores: put-evaluations cuts the annotation to 256 characters; the account and a
          // reason must survive the cut.
          const stored = truncateAnnotation(evaluation.annotation);
          expect(stored.startsWith(`Account ${ctx.accountId}: `)).toBe(true);
          expect(stored.length).toBeGreaterThan(`Account ${ctx.accountId}: `.length + 3);
          const allowed = spec.oracle(parsedFacts.data, params, ctx);
          if (!allowed.includes(evaluation.complianceType)) {
            throw new Error(
              `${spec.ruleId} said ${evaluation.complianceType} (${evaluation.annotation}); the oracle allows ${allowed.join(' or ')}`,
            );
          }
        },
      ),
      fuzzParams(spec.runs ?? 300),
    );
    reportFigures(`rule ${spec.ruleId}`, {
      candidates: tally.candidates,
      factsRejected: tally.factsRejected,
      paramsRejected: tally.paramsRejected,
      ...tally.evaluated,
    });
    // A generator that never reaches evaluate, or never reaches one of its verdicts, proves nothing (checked
    // only at the default run count: `npm run fuzz --runs 5` may legitimately miss a verdict).
    if (fuzzParams(spec.runs ?? 300).numRuns !== (spec.runs ?? 300)) return;
    expect(tally.candidates - tally.factsRejected - tally.paramsRejected).toBeGreaterThan(
      tally.candidates / 3,
    );
    expect(tally.evaluated.COMPLIANT).toBeGreaterThan(0);
    expect(tally.evaluated.NON_COMPLIANT).toBeGreaterThan(0);
    expect(tally.factsRejected).toBeGreaterThan(0);
  });
}

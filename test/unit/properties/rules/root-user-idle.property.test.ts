import * as fc from 'fast-check';
import type { BreakGlassWindow } from '../../../../lib/break-glass';
import type { EvaluateContext } from '../../../../lib/rule-handler';
import type { RootUserIdleFacts } from '../../../../rules/root-user-idle/evaluate';
import { factsSchema } from '../../../../rules/root-user-idle/facts';
import {
  accountIdArb,
  bindPlaceholders,
  describeRuleProperties,
  isoWithOffset,
  junkyRecord,
  SELF,
  sometimesJunk,
} from '../../../helpers/rule-properties';

const DAY_MS = 86_400_000;
/** A time drawn relative to the evaluation time: `<rel>:<ms>:<offset minutes>`, materialised by `bind`. */
const REL = '<rel>:';

const relativeTimeArb = fc
  .tuple(
    // Mostly within a few limits of now, some in the future (clock skew), some exactly on a day boundary.
    fc.oneof(
      fc.integer({ min: -400 * DAY_MS, max: 2 * DAY_MS }),
      fc.integer({ min: -400, max: 1 }).map((d) => d * DAY_MS),
    ),
    fc.constantFrom(0, 0, 0, 60, -300, 330),
  )
  .map(([ms, offset]) => `${REL}${ms}:${offset}`);
/** A rare value outside what the schema admits, so that every gate is exercised without starving evaluate. */
const rarely = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: valid, weight: 15 }, { arbitrary: invalid, weight: 1 });
const noteArb = rarely(
  fc.constantFrom('N/A', 'no_information', 'not_supported'),
  fc.constant('unknown-note'),
);

const windowArb = fc
  .record({
    accountId: fc.oneof({ arbitrary: fc.constant(SELF), weight: 4 }, accountIdArb),
    startsAt: relativeTimeArb,
    // Up to MAX_WINDOW_MINUTES, now and then a window the schema refuses (empty, reversed, too long).
    minutes: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 240 }), weight: 15 },
      fc.integer({ min: -5, max: 600 }),
    ),
    ticketId: rarely(fc.constantFrom('INC-1234', 'CHG#42'), fc.constant('1-not-a-ticket')),
  })
  .map(({ minutes, ...w }) => ({
    ...w,
    endsAt: w.startsAt.replace(
      /^(<rel>:)(-?\d+)(:.*)$/,
      (_m, p, ms, o) => `${p}${Number(ms) + minutes * 60_000}${o}`,
    ),
    windowId: 'exec-0001',
    reason: 'Recover the root MFA device after loss',
    approvers: ['alice', 'bob'],
  }));

const factsArb = fc.record({
  report: junkyRecord({
    generatedAt: relativeTimeArb,
    root: junkyRecord(
      {
        passwordEnabled: fc.boolean(),
        passwordLastUsed: relativeTimeArb,
        passwordLastUsedNote: noteArb,
        mfaActive: fc.boolean(),
        accessKey1Active: fc.boolean(),
        accessKey1LastUsed: relativeTimeArb,
        accessKey1LastUsedNote: noteArb,
        accessKey2Active: fc.boolean(),
        accessKey2LastUsed: relativeTimeArb,
        accessKey2LastUsedNote: noteArb,
      },
      [
        'passwordEnabled',
        'passwordLastUsed',
        'passwordLastUsedNote',
        'mfaActive',
        'accessKey1Active',
        'accessKey1LastUsed',
        'accessKey1LastUsedNote',
        'accessKey2Active',
        'accessKey2LastUsed',
        'accessKey2LastUsedNote',
      ],
    ),
  }),
  breakGlassWindows: sometimesJunk(fc.array(windowArb, { maxLength: 3 })),
  breakGlassWindowsRead: sometimesJunk(fc.boolean()),
});

function bind(drawn: unknown, ctx: EvaluateContext): unknown {
  const now = Date.parse(ctx.evaluationTime);
  return bindPlaceholders(drawn, ctx, (value) => {
    if (!value.startsWith(REL)) return value;
    const [ms, offset] = value.slice(REL.length).split(':').map(Number);
    return isoWithOffset(now + (ms as number), offset as number);
  });
}

// Oracle (README "How each rule decides", rule.json): the latest use of the password or either access key;
// none → passes; at least MaxDaysSinceLastUse days old (a use dated after now counts as now) → passes;
// more recent → passes only when a break-glass window of this account covers it (start inclusive, end
// exclusive), else fails.
describe('root-user-idle properties', () => {
  describeRuleProperties({
    ruleId: 'root-user-idle',
    factsSchema,
    facts: factsArb,
    bind,
    params: fc.record(
      {
        MaxDaysSinceLastUse: rarely(
          fc.constantFrom('90', '1', '3650', ' 30 ', '', undefined, 7, 365),
          fc.constantFrom('0', '3651', 'abc', '1.5', '-5', true),
        ),
      },
      { requiredKeys: [] },
    ),
    oracle: (facts: RootUserIdleFacts, params, ctx) => {
      const { root } = facts.report;
      const uses = [root.passwordLastUsed, root.accessKey1LastUsed, root.accessKey2LastUsed]
        .filter((t): t is string => t !== undefined)
        .map((t) => Date.parse(t));
      if (uses.length === 0) return ['COMPLIANT'];
      const last = Math.max(...uses);
      const age = Math.max(0, Date.parse(ctx.evaluationTime) - last);
      if (age >= (params.MaxDaysSinceLastUse as number) * DAY_MS) return ['COMPLIANT'];
      const covered = facts.breakGlassWindows.some(
        (w: BreakGlassWindow) =>
          w.accountId === ctx.accountId && Date.parse(w.startsAt) <= last && last < Date.parse(w.endsAt),
      );
      return covered ? ['COMPLIANT'] : ['NON_COMPLIANT'];
    },
  });
});

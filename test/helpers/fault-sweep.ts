/**
 * Faults at every call of a rule's collect path (issue 16, part 3), driven through the rule harness
 * (test/helpers/rule-harness.ts) so that each run is a whole Config invocation: membership guard, parameters,
 * role, collect, evaluate, PutEvaluations. A clean run records the calls; then, for each position and each fault
 * that applies there (test/helpers/faults.ts), one run with that fault. A spec file per rule supplies only the
 * rule and what a healthy account answers.
 */
import type { Evaluation } from '@aws-sdk/client-config-service';
import { DEFAULT_MAX_ATTEMPTS } from '../../lib/clients';
import { RootGuardError } from '../../lib/errors';
import type { OrgSnapshot } from '../../lib/org-snapshot';
import { clearOrgSnapshotCache } from '../../lib/org-snapshot-store';
import { createRuleHandler, type RuleDefinition } from '../../lib/rule-handler';
import { REGION } from './constants';
import { type FaultKind, FaultyAws, faultsFor, type Responder } from './faults';
import { reportFigures } from './fuzz';
import { healthyAccount } from './healthy-account';
import { SNAPSHOT_BUCKET, s3Object } from './org-snapshot';
import { type RuleInvocation, useRuleHarness } from './rule-harness';

export interface FaultSweepSpec<F, P> {
  rule: RuleDefinition<F, P>;
  /** What a healthy, compliant account answers (the clean run must be COMPLIANT, so a fault can only lower it). */
  responder: Responder;
  invocation?: RuleInvocation;
  /** Runs before every run (a cache to clear, so that each run makes the same calls). */
  beforeRun?: () => void;
  /** Reads the rule makes through the harness's own mocks instead (the organization snapshot): none. */
  throughMiddleware?: (harness: ReturnType<typeof useRuleHarness>) => void;
  /**
   * A NON_COMPLIANT the rule itself gives when a read fails, and whose annotation says why (the root audit
   * session throttled, say), besides the handler's "could not be evaluated".
   */
  explainedBy?: RegExp;
}

/**
 * The parts of a sweep whose rule reads the organization snapshot (s3:GetObject, by the membership guard and by
 * collect): the harness's S3 mock is lifted so that the read goes through the fault middleware like any other,
 * the snapshot is answered from `snapshot`, every other call by `responder`, and the cache is cleared per run.
 */
export function readingOrgSnapshot(
  snapshot: () => OrgSnapshot,
  responder: Responder = healthyAccount,
): Pick<FaultSweepSpec<unknown, unknown>, 'responder' | 'beforeRun' | 'throughMiddleware'> {
  return {
    responder: (call) =>
      call.command === 'GetObject' && call.input.Bucket === SNAPSHOT_BUCKET
        ? s3Object(JSON.stringify(snapshot()))
        : responder(call),
    beforeRun: clearOrgSnapshotCache,
    throughMiddleware: (harness) => harness.org.s3Mock.restore(),
  };
}

interface Outcome {
  sent: Evaluation[];
  error: unknown;
  aws: FaultyAws;
}

export function describeFaultSweep<F, P>(spec: FaultSweepSpec<F, P>): void {
  /** Totals of this sweep, for the report. */
  const faultTally = { runs: 0, injected: 0, positions: 0, falseCompliant: 0 };
  afterAll(() => reportFigures(`faults ${expect.getState().testPath?.split('/').pop()}`, faultTally));
  let current: ReturnType<typeof createRuleHandler> | undefined;
  const harness = useRuleHarness((event, context) => {
    if (!current) throw new Error('test: no handler for this run');
    return current(event, context);
  });

  if (spec.throughMiddleware) beforeEach(() => spec.throughMiddleware?.(harness));

  async function run(plan?: ConstructorParameters<typeof FaultyAws>[1]): Promise<Outcome> {
    harness.config.resetHistory();
    spec.beforeRun?.();
    const aws = new FaultyAws(spec.responder, plan);
    current = createRuleHandler(spec.rule, { clientFactory: aws.factory(REGION), retryDelayMs: 0 });
    let error: unknown;
    try {
      await harness.invoke(spec.invocation);
    } catch (thrown) {
      error = thrown;
    }
    faultTally.runs++;
    faultTally.injected += aws.injected;
    return { sent: harness.sent(), error, aws };
  }

  it('a clean run is COMPLIANT (so that any fault can only lower it)', async () => {
    // Act
    const { sent, error, aws } = await run();

    // Assess
    expect(error).toBeUndefined();
    expect(sent.map((e) => e.ComplianceType)).toEqual(['COMPLIANT']);
    expect(aws.calls.length).toBeGreaterThan(0);
  });

  it('a fault at any call, in any form, is NON_COMPLIANT with the reason or a typed error; never COMPLIANT', async () => {
    // Prepare
    const clean = await run();
    const failures: string[] = [];
    faultTally.positions += clean.aws.calls.length;

    for (const [position, call] of clean.aws.calls.entries()) {
      for (const kind of faultsFor(call)) {
        // Act
        const { sent, error, aws } = await run({ position, kind });

        // Assess
        const where = `${kind} at call ${position} (${call.command})`;
        if (aws.injected === 0) failures.push(`${where}: the fault was never raised`);
        if (aws.loopedForever) failures.push(`${where}: followed a repeating page token without end`);
        if (sent.some((e) => e.ComplianceType === 'COMPLIANT')) {
          faultTally.falseCompliant++;
          failures.push(`${where}: COMPLIANT`);
        }
        const explained = sent.every(
          (e) =>
            e.ComplianceType !== 'COMPLIANT' &&
            (/could not be evaluated/.test(e.Annotation ?? '') ||
              !!spec.explainedBy?.test(e.Annotation ?? '')),
        );
        if (!(error instanceof RootGuardError) && !(sent.length > 0 && explained)) {
          failures.push(`${where}: neither a typed error nor an explained NON_COMPLIANT (${String(error)})`);
        }
        if (isRetried(kind) && aws.attempts[position] !== DEFAULT_MAX_ATTEMPTS) {
          failures.push(
            `${where}: ${aws.attempts[position]} attempts, not the SDK's ${DEFAULT_MAX_ATTEMPTS}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("a throttle or timeout that clears is retried by the SDK's adaptive strategy and changes nothing", async () => {
    // Prepare
    const clean = await run();
    const failures: string[] = [];

    for (const [position, call] of clean.aws.calls.entries()) {
      for (const kind of ['throttling', 'timeout'] as const) {
        // Act
        const { sent, error, aws } = await run({ position, kind, duration: 'once' });

        // Assess
        const where = `${kind} once at call ${position} (${call.command})`;
        if (error !== undefined) failures.push(`${where}: ${String(error)}`);
        if (JSON.stringify(sent) !== JSON.stringify(clean.sent)) failures.push(`${where}: verdict changed`);
        if (aws.attempts[position] !== 2)
          failures.push(`${where}: ${aws.attempts[position]} attempts, not 2`);
      }
    }
    expect(failures).toEqual([]);
  });
}

const isRetried = (kind: FaultKind) => kind === 'throttling' || kind === 'timeout';

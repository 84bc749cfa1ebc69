/**
 * No root event is lost, none pages twice (issue 16, part 4): root events in sessions of 50 through the alert
 * handler, SNS and Security Hub each failing 5 % of calls, 3 % of events delivered twice. `npm run fuzz` drives
 * 10,000 events of 200 sessions (about 15 s); `npm test` 2,000 of 40, to stay within its time budget.
 */
import { BatchImportFindingsCommand } from '@aws-sdk/client-securityhub';
import { PublishCommand } from '@aws-sdk/client-sns';
import { createRootActivityHandler } from '../../../../alerts/root-activity/handler';
import {
  deliverAtLeastOnce,
  type FlakyTarget,
  rootSessions,
  type StormResult,
  stormEventIdIn,
} from '../../../helpers/alert-storm';
import { FUZZ_SEED } from '../../../helpers/fuzz';
import { mulberry32 } from '../../../helpers/prng';
import { sdkError } from '../../../helpers/rejection';
import { ALERT_CONFIG, lambdaContext, MetricsRecorder } from '../../../helpers/root-activity-events';
import { alertSdkMocks } from '../../../helpers/sdk-mocks';

const EVENTS = Number(process.env.FUZZ_STORM_EVENTS ?? 2_000);
const SESSIONS = Math.max(1, Math.round(EVENTS / 50));
const FAILURE_RATE = 0.05;
const DUPLICATE_RATE = 0.03;

const mocks = alertSdkMocks();
/** Pages that went out, by event id (a successful sns:Publish). */
const pages = new Map<string, number>();

/** The handler's targets that fail at random. The ledger write joins this list when alerts/ writes it. */
const TARGETS: readonly FlakyTarget[] = [
  {
    name: 'sns:Publish',
    install: (fails) =>
      mocks.sns.on(PublishCommand).callsFake((input: { Message?: string }) => {
        if (fails()) throw sdkError('InternalErrorException', 'SNS is having a bad day');
        const id = stormEventIdIn(input.Message) ?? 'unknown';
        pages.set(id, (pages.get(id) ?? 0) + 1);
        return { MessageId: `msg-${id}` };
      }),
  },
  {
    name: 'securityhub:BatchImportFindings',
    install: (fails) =>
      mocks.hub.on(BatchImportFindingsCommand).callsFake(() => {
        if (fails()) throw sdkError('InternalException', 'Security Hub is having a bad day');
        return { SuccessCount: 1, FailedCount: 0, FailedFindings: [] };
      }),
  },
];

let storm: ReturnType<typeof rootSessions>;
let result: StormResult;

beforeAll(async () => {
  // Prepare
  mocks.reset();
  pages.clear();
  const rand = mulberry32(FUZZ_SEED);
  for (const target of TARGETS) target.install(() => rand() < FAILURE_RATE);
  const handler = createRootActivityHandler({
    config: ALERT_CONFIG,
    metrics: new MetricsRecorder(),
    retryDelayMs: 0,
  });
  storm = rootSessions({ events: EVENTS, sessions: SESSIONS });

  // Act
  result = await deliverAtLeastOnce((event) => handler(event, lambdaContext()), storm, {
    duplicateRate: DUPLICATE_RATE,
    rand,
  });
}, 60_000);

describe(`a storm of ${EVENTS} root events in ${SESSIONS} sessions, ${FAILURE_RATE * 100} % of SNS and Security Hub calls failing`, () => {
  it('loses no event: each is paged, or every attempt threw and it is in the dead-letter queue', () => {
    // Assess
    const lost = storm.filter((e) => !pages.has(e.eventId) && !result.deadLettered.has(e.eventId));
    expect(lost.map((e) => e.eventId)).toEqual([]);
    expect(result.invocations).toBeGreaterThan(EVENTS);
    expect(result.duplicatesDelivered).toBeGreaterThan(0);
  });

  // `npm run fuzz` prints the storm's figures (FUZZ_REPORT).
  afterAll(() => {
    if (process.env.FUZZ_REPORT) {
      const twice = [...pages].filter(([, c]) => c > 1).length;
      process.stdout.write(
        `storm: ${storm.length} events, ${result.invocations} invocations, ${result.duplicatesDelivered} duplicates, ${result.deadLettered.size} dead-lettered, ${pages.size} paged, ${twice} paged twice or more\n`,
      );
    }
  });

  // FAILS TODAY (reported to the lead, issue 16; the alert path is the `alerts` helper's): the handler keeps no
  // record of what it paged, so (1) a duplicate delivery of an event already paged pages again, and (2) when SNS
  // succeeds but Security Hub fails, the invocation throws, Lambda retries, and the retry pages again.
  it.failing('pages no event twice, through duplicate deliveries and retries', () => {
    // Assess
    const twice = [...pages].filter(([, count]) => count > 1).map(([id]) => id);
    expect(twice).toEqual([]);
  });
});

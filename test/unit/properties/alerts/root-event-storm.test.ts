/**
 * No root event is lost, none pages twice (issue 16, part 4): root events in sessions of 50 through the alert
 * handler, SNS, Security Hub and the root activity ledger each failing 5 % of calls, 3 % of events delivered
 * twice; once with every event
 * paging on its own (no session table), once with session paging (one page per root session, the others
 * recorded in it). `npm run fuzz` drives 10,000 events of 200 sessions; `npm test` 1,500 of 30, to stay within
 * its time budget.
 */
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { BatchImportFindingsCommand } from '@aws-sdk/client-securityhub';
import { PublishCommand } from '@aws-sdk/client-sns';
import { createRootActivityHandler } from '../../../../alerts/root-activity/handler';
import type { SessionPagingConfig } from '../../../../alerts/root-activity/session-paging';
import {
  deliverAtLeastOnce,
  type FlakyTarget,
  rootSessions,
  type StormResult,
  stormEventIdIn,
} from '../../../helpers/alert-storm';
import { FUZZ_SEED, reportFigures } from '../../../helpers/fuzz';
import { mulberry32 } from '../../../helpers/prng';
import { sdkError } from '../../../helpers/rejection';
import {
  ALERT_CONFIG,
  fakeLedgerTable,
  lambdaContext,
  MetricsRecorder,
} from '../../../helpers/root-activity-events';
import { FakeSessionTable, SESSION_CONFIG } from '../../../helpers/root-sessions';
import { alertSdkMocks, useSdkMocks } from '../../../helpers/sdk-mocks';

const EVENTS = Number(process.env.FUZZ_STORM_EVENTS ?? 1_500);
const SESSIONS = Math.max(1, Math.round(EVENTS / 50));
const FAILURE_RATE = 0.05;
const DUPLICATE_RATE = 0.03;

const mocks = alertSdkMocks();
const { scheduler } = useSdkMocks({ scheduler: SchedulerClient });

/**
 * The handler's targets that fail at random, counting the pages that went out by event id. A failed ledger
 * write makes the invocation throw (after the page, if one went out), like the others.
 */
function flakyTargets(pages: Map<string, number>): FlakyTarget[] {
  return [
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
      install: (fails) => {
        // The very first import fails too, whatever the dice: every run then has one page whose finding
        // failed (the case that pages twice today), so the requirement below fails for a reason, not by luck.
        let imports = 0;
        mocks.hub.on(BatchImportFindingsCommand).callsFake(() => {
          imports++;
          if (fails() || imports === 1)
            throw sdkError('InternalException', 'Security Hub is having a bad day');
          return { SuccessCount: 1, FailedCount: 0, FailedFindings: [] };
        });
      },
    },
    {
      name: 'dynamodb:PutItem (root activity ledger)',
      install: (fails) => {
        fakeLedgerTable(mocks.dynamo, ALERT_CONFIG.ledgerTable, fails);
      },
    },
  ];
}

describe.each([
  { paging: 'every event paging on its own', sessions: null },
  { paging: 'one page per root session', sessions: SESSION_CONFIG },
] as { paging: string; sessions: SessionPagingConfig | null }[])(
  `a storm of ${EVENTS} root events in ${SESSIONS} sessions, ${FAILURE_RATE * 100} % of SNS and Security Hub calls failing, $paging`,
  ({ paging, sessions }) => {
    const pages = new Map<string, number>();
    let storm: ReturnType<typeof rootSessions>;
    let result: StormResult;

    beforeAll(async () => {
      // Prepare
      mocks.reset();
      if (sessions) new FakeSessionTable(mocks.dynamo);
      scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/storm' });
      const rand = mulberry32(FUZZ_SEED);
      for (const target of flakyTargets(pages)) target.install(() => rand() < FAILURE_RATE);
      const handler = createRootActivityHandler({
        config: ALERT_CONFIG,
        metrics: new MetricsRecorder(),
        retryDelayMs: 0,
        sessions,
      });
      storm = rootSessions({ events: EVENTS, sessions: SESSIONS });

      // Act
      result = await deliverAtLeastOnce(
        (event, context) => handler(event, { ...lambdaContext(), ...context }),
        storm,
        {
          duplicateRate: DUPLICATE_RATE,
          rand,
        },
      );
    }, 120_000);

    afterAll(() =>
      reportFigures(`storm, ${paging}`, {
        events: storm.length,
        invocations: result.invocations,
        duplicates: result.duplicatesDelivered,
        deadLettered: result.deadLettered.size,
        paged: pages.size,
        handled: result.handled.size,
        lost: storm.filter((e) => !result.handled.has(e.eventId) && !result.deadLettered.has(e.eventId))
          .length,
        pagedTwice: [...pages.values()].filter((count) => count > 1).length,
      }),
    );

    it('loses no event: each is paged or recorded in a paged session, or every attempt threw and it is in the dead-letter queue', () => {
      // Assess
      const lost = storm.filter((e) => !result.handled.has(e.eventId) && !result.deadLettered.has(e.eventId));
      expect(lost.map((e) => e.eventId)).toEqual([]);
      expect(result.invocations).toBeGreaterThan(EVENTS);
      expect(result.duplicatesDelivered).toBeGreaterThan(0);
    });

    // The ledger claim is the page's exactly-once marker (ARCHITECTURE.md, decision 6): a retry after SNS took
    // the page (Security Hub or the ledger failed) and a duplicate delivery find the page and do not page again.
    it('pages no event twice, through duplicate deliveries and retries', () => {
      // Assess
      const twice = [...pages].filter(([, count]) => count > 1).map(([id]) => id);
      expect(twice).toEqual([]);
    });
  },
);

/**
 * A failing alert target ends in the dead-letter queue (issue 16, part 4), on moto_server with real SDK clients.
 *
 * What moto 5.2 emulates, and so what this proves: EventBridge rules deliver to SQS, log groups and buses, but
 * not to Lambda (send_to_targets raises NotImplementedError for it), and a target's RetryPolicy and
 * DeadLetterConfig are stored and listed but never acted on; Lambda's asynchronous retries and on-failure
 * destination (EventInvokeConfig) are stored, not run. So:
 * - the deployed target configuration (retry policy, dead-letter queue) is accepted and read back as deployed;
 * - the alert handler, with real clients against moto and an alert topic that fails, throws on every attempt
 *   (so Lambda would retry it and then use its on-failure destination), and the event that the model of those
 *   retries (test/helpers/alert-storm.ts) hands to the destination lands, whole, in a real SQS queue.
 * That AWS itself routes an exhausted event to the queue is AWS's documented behaviour, not proven here.
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AlertDeliveryError } from '../../alerts/root-activity/errors';
import patterns from '../../alerts/root-activity/patterns.json';
import { deliverAtLeastOnce, LAMBDA_ATTEMPTS, rootSessions } from '../helpers/alert-storm';
import { EMULATED_ALERT_FUNCTION_ARN, emulatedAlertHandler } from '../helpers/emulated-alert-path';
import {
  createEmulatedQueue,
  EMULATOR_REGION,
  MOTO_DEFAULT_ACCOUNT,
  useEmulatedClients,
} from '../helpers/emulator';
import { MetricsRecorder } from '../helpers/root-activity-events';

const BUS = 'rootguard-central';

/** serverless.yml, the alert target: a 2-minute retry window, then the dead-letter queue. */
const RETRY_POLICY = { MaximumEventAgeInSeconds: 120, MaximumRetryAttempts: 185 };

const aws = useEmulatedClients({ events: EventBridgeClient, sqs: SQSClient });

describe('the root activity dead-letter path on moto_server', () => {
  it('keeps the deployed retry policy and dead-letter queue on every root activity rule target', async () => {
    // Prepare
    const dlq = await createEmulatedQueue(aws.sqs, 'rootguard-root-activity-dead-letters');
    await aws.events.send(new CreateEventBusCommand({ Name: BUS }));
    const target = {
      Id: 'root-activity-alert',
      Arn: EMULATED_ALERT_FUNCTION_ARN,
      RetryPolicy: RETRY_POLICY,
      DeadLetterConfig: { Arn: dlq.arn },
    };

    // Act
    for (const [name, pattern] of Object.entries(patterns)) {
      await aws.events.send(
        new PutRuleCommand({ Name: name, EventBusName: BUS, EventPattern: JSON.stringify(pattern) }),
      );
      await aws.events.send(new PutTargetsCommand({ Rule: name, EventBusName: BUS, Targets: [target] }));
    }

    // Assess
    for (const name of Object.keys(patterns)) {
      const { Targets } = await aws.events.send(
        new ListTargetsByRuleCommand({ Rule: name, EventBusName: BUS }),
      );
      expect(Targets).toEqual([expect.objectContaining(target)]);
    }
  });

  it('an alert whose topic fails throws on every attempt and the event ends, whole, in the dead-letter queue', async () => {
    // Prepare
    const dlq = await createEmulatedQueue(aws.sqs, 'rootguard-root-activity-dead-letters');
    const invalid = await createEmulatedQueue(aws.sqs, 'rootguard-root-activity-invalid');
    const invoke = emulatedAlertHandler(
      {
        // No such topic: every sns:Publish fails (NotFound), as a deleted or mis-permissioned topic would.
        topicArn: `arn:aws:sns:${EMULATOR_REGION}:${MOTO_DEFAULT_ACCOUNT}:no-such-topic`,
        invalidEventQueueUrl: invalid.url,
        breakGlassTable: 'rootguard-break-glass-missing',
        ledgerTable: 'rootguard-root-activity-ledger-missing',
      },
      { metrics: new MetricsRecorder() },
    );
    const storm = rootSessions({ events: 3, sessions: 1 });
    const errors: unknown[] = [];

    // Act
    const result = await deliverAtLeastOnce(
      async (event) => {
        try {
          return await invoke(event);
        } catch (error) {
          errors.push(error);
          throw error;
        }
      },
      storm,
      {
        duplicateRate: 0,
        rand: () => 1,
        // Lambda's on-failure destination record: the request, and why it was given up.
        onDeadLetter: async ({ event }, attempts) => {
          const record = {
            requestContext: {
              condition: 'RetriesExhausted',
              approximateInvokeCount: attempts,
              functionArn: EMULATED_ALERT_FUNCTION_ARN,
            },
            requestPayload: event,
          };
          await aws.sqs.send(
            new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: JSON.stringify(record) }),
          );
        },
      },
    );

    // Assess
    expect(errors).toHaveLength(storm.length * LAMBDA_ATTEMPTS);
    for (const error of errors) expect(error).toBeInstanceOf(AlertDeliveryError);
    const parked = (await dlq.drain()).map((m) => JSON.parse(m.Body ?? '{}'));
    expect(parked.map((r) => r.requestPayload.detail.eventID).sort()).toEqual(
      storm.map((e) => e.eventId).sort(),
    );
    expect(result.deadLettered.size).toBe(storm.length);
    expect(await invalid.drain()).toEqual([]);
  });
});

/**
 * No mutation of a root event is silently dropped by the alert handler (issue 16, part 2, "never a default that
 * drops an alert"): every generated mutation of a real-shaped root sign-in, API call or console action ends
 * paged, parked on the invalid-event queue, or refused for a reason its own fields give (not root, a service
 * acting, a source or account that does not match the envelope); never lost, never thrown for a parse.
 */

import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import * as fc from 'fast-check';
import {
  API_CALL_DETAIL_TYPE,
  CONSOLE_ACTION_DETAIL_TYPE,
  CONSOLE_SIGN_IN_DETAIL_TYPE,
} from '../../../../alerts/root-activity/event';
import { createRootActivityHandler } from '../../../../alerts/root-activity/handler';
import { fuzzParams } from '../../../helpers/fuzz';
import { mutationsOf, ownAt } from '../../../helpers/mutations';
import {
  ALERT_CONFIG,
  lambdaContext,
  loadEvent,
  MetricsRecorder,
} from '../../../helpers/root-activity-events';
import { alertSdkMocks } from '../../../helpers/sdk-mocks';

const mocks = alertSdkMocks();
const SAMPLES = ['root-console-signin-success', 'root-api-call', 'root-console-action'] as const;
const KINDS: unknown[] = [CONSOLE_SIGN_IN_DETAIL_TYPE, API_CALL_DETAIL_TYPE, CONSOLE_ACTION_DETAIL_TYPE];

describe.each(SAMPLES)('the alert handler, fed mutations of %s', (name) => {
  it('pages it, parks it, or refuses it for a reason its own fields give; never drops or crashes on it', async () => {
    await fc.assert(
      fc.asyncProperty(mutationsOf(loadEvent(name)), async (mutated) => {
        if (mutated.value === undefined) return; // EventBridge delivers JSON only.
        // Prepare
        mocks.reset();
        const handler = createRootActivityHandler({
          config: ALERT_CONFIG,
          metrics: new MetricsRecorder(),
          retryDelayMs: 0,
          sessions: null,
        });
        const raw = mutated.value;

        // Act
        const result = await handler(raw, lambdaContext());

        // Assess
        const own = (...keys: string[]) => ownAt(raw, keys);
        switch (result.status) {
          case 'alerted':
            expect(mocks.sns.commandCalls(PublishCommand)).toHaveLength(1);
            break;
          case 'invalid':
            // Parked whole on the invalid-event queue, to be replayed once the parser knows its shape.
            expect(mocks.sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
            break;
          case 'ignored': {
            const justified =
              own('detail', 'userIdentity', 'type') !== 'Root' ||
              own('detail', 'userIdentity', 'invokedBy') !== undefined ||
              own('detail', 'eventType') === 'AwsServiceEvent' ||
              !KINDS.includes(own('detail-type'));
            if (!justified) throw new Error(`${mutated.kind} at ${mutated.path}: ignored (${result.reason})`);
            break;
          }
          case 'forged': {
            const envelope = own('account');
            const source = own('source');
            const justified =
              typeof source !== 'string' ||
              !source.startsWith('aws.') ||
              (own('detail-type') === CONSOLE_SIGN_IN_DETAIL_TYPE && source !== 'aws.signin') ||
              envelope === undefined ||
              own('detail', 'userIdentity', 'accountId') !== envelope ||
              (own('detail', 'recipientAccountId') !== undefined &&
                own('detail', 'recipientAccountId') !== envelope);
            if (!justified)
              throw new Error(`${mutated.kind} at ${mutated.path}: refused as ${result.reason}`);
            break;
          }
          default:
            throw new Error(`${mutated.kind} at ${mutated.path}: ${JSON.stringify(result)}`);
        }
      }),
      fuzzParams(60),
    );
  });
});

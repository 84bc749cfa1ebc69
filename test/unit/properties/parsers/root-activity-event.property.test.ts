import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyRootActivity } from '../../../../alerts/root-activity/classify';
import { InvalidAlertEventError } from '../../../../alerts/root-activity/errors';
import {
  API_CALL_DETAIL_TYPE,
  CONSOLE_ACTION_DETAIL_TYPE,
  CONSOLE_SIGN_IN_DETAIL_TYPE,
  parseRootActivityEvent,
  type RootActivityEvent,
} from '../../../../alerts/root-activity/event';
import { ownAt } from '../../../helpers/mutations';
import { describeParserProperties, eventOrThrow } from '../../../helpers/parser-properties';

const sample = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../../events', `${name}.json`), 'utf8'));
const ALERTING_KINDS = [CONSOLE_SIGN_IN_DETAIL_TYPE, API_CALL_DETAIL_TYPE, CONSOLE_ACTION_DETAIL_TYPE];

// EventBridge/CloudTrail events (sign-in, API call, console action) reaching alerts/root-activity/event.ts.
describe('root activity event parser', () => {
  describeParserProperties<RootActivityEvent>({
    input: 'value',
    cases: [
      'root-console-signin-success',
      'root-console-signin-failure',
      'root-api-call',
      'root-api-call-read-only',
      'root-console-action',
      'root-assume-root-session-call',
    ].map((name) => ({ name, sample: sample(name) })),
    parse: eventOrThrow(parseRootActivityEvent),
    isTypedError: (error) =>
      error instanceof InvalidAlertEventError &&
      error.issues.length > 0 &&
      error.issues.every((i) => i.message !== ''),
    // A parsed event whose own fields (never inherited ones: `__proto__` arrives as an own key) say root
    // acted, not through a service, in an alerting kind, must classify as root activity: no alert is dropped.
    invariant: (event, _mutated, raw) => {
      const identity = ['detail', 'userIdentity'];
      const isRoot = ownAt(raw, [...identity, 'type']) === 'Root';
      const viaService = ownAt(raw, [...identity, 'invokedBy']) !== undefined;
      const serviceEvent = ownAt(raw, ['detail', 'eventType']) === 'AwsServiceEvent';
      const alertingKind = ALERTING_KINDS.includes(ownAt(raw, ['detail-type']) as string);
      if (isRoot && !viaService && !serviceEvent && alertingKind) {
        expect(classifyRootActivity(event)).toMatchObject({ ok: true });
      }
    },
  });
});

/**
 * The EventBridge patterns deployed on the central bus (alerts/root-activity/patterns.json), judged with the
 * EventBridge matcher against real-shaped events: exactly root activity matches.
 */
import assumeRootPatterns from '../../../alerts/root-activity/assume-root-pattern.json';
import patterns from '../../../alerts/root-activity/patterns.json';
import { matchesEventPattern } from '../../../lib/event-pattern';
import {
  ALERTING_EVENTS,
  ASSUME_ROOT_ISSUANCE,
  type EventName,
  FORGED_SOURCE,
  loadEvent,
  NON_ALERTING_EVENTS,
  REGIONAL_ROOT_API_CALLS,
  SAMPLE_EVENTS,
} from '../../helpers/root-activity-events';

const matchingRules = (name: EventName) =>
  Object.entries(patterns)
    .filter(([, pattern]) => matchesEventPattern(pattern, loadEvent(name)))
    .map(([rule]) => rule);

describe('root activity event patterns', () => {
  it('keeps the three rule keys serverless.yml and the member-forwarding StackSet reference', () => {
    expect(Object.keys(patterns).sort()).toEqual(['rootApiCall', 'rootConsoleAction', 'rootConsoleSignIn']);
  });

  it.each([
    ['root-console-signin-success', 'rootConsoleSignIn'],
    ['root-console-signin-failure', 'rootConsoleSignIn'],
    ['root-api-call', 'rootApiCall'],
    ['root-assume-root-session-call', 'rootApiCall'],
    ['root-api-call-denied-access-key', 'rootApiCall'],
    ['root-api-call-read-only', 'rootApiCall'],
    ['root-api-call-eu-west-1', 'rootApiCall'],
    ['root-api-call-ap-southeast-2', 'rootApiCall'],
    ['root-console-action', 'rootConsoleAction'],
  ] as const)('delivers %s through exactly the %s rule', (name, rule) => {
    expect(matchingRules(name)).toEqual([rule]);
  });

  it('pins every pattern to what CloudTrail puts in source: aws.signin for sign-ins, an AWS service otherwise', () => {
    expect(patterns.rootConsoleSignIn.source).toEqual(['aws.signin']);
    expect(patterns.rootApiCall.source).toEqual([{ prefix: 'aws.' }]);
    expect(patterns.rootConsoleAction.source).toEqual([{ prefix: 'aws.' }]);
  });

  it.each(ALERTING_EVENTS)('delivers nothing of %s once an attacker gives it a source of his own', (name) => {
    expect(matchingRules(name)).toHaveLength(1);

    const forged = { ...loadEvent(name), source: FORGED_SOURCE };

    expect(Object.values(patterns).filter((p) => matchesEventPattern(p, forged))).toEqual([]);
  });

  it('delivers no sign-in under the source of another AWS service', () => {
    const signIn = { ...loadEvent('root-console-signin-success'), source: 'aws.iam' };

    expect(Object.values(patterns).filter((p) => matchesEventPattern(p, signIn))).toEqual([]);
  });

  it.each(NON_ALERTING_EVENTS)('does not deliver %s', (name) => {
    expect(matchingRules(name)).toEqual([]);
  });

  it.each(REGIONAL_ROOT_API_CALLS)('delivers %s whatever Region it was recorded in', (name) => {
    const event = loadEvent(name);

    expect(event.region).not.toBe('us-east-1');
    expect(event.detail.awsRegion).toBe(event.region);
    expect(matchingRules(name)).toEqual(['rootApiCall']);
  });

  describe('root console actions', () => {
    const consoleAction = () => loadEvent('root-console-action');
    const matchesConsoleAction = (event: ReturnType<typeof consoleAction>) =>
      matchesEventPattern(patterns.rootConsoleAction, event);

    it('match only the console-action detail-type, never an API call of the same record', () => {
      const asApiCall = { ...consoleAction(), 'detail-type': 'AWS API Call via CloudTrail' };

      expect(matchesConsoleAction(consoleAction())).toBe(true);
      expect(matchesConsoleAction(asApiCall)).toBe(false);
    });

    it('do not match an IAM user acting in the console', () => {
      const event = consoleAction();
      event.detail.userIdentity = { type: 'IAMUser', accountId: '222222222222', userName: 'root-admin' };

      expect(matchesConsoleAction(event)).toBe(false);
    });

    it('exclude, as CIS does, an action a service took for root (invokedBy present)', () => {
      const event = consoleAction();
      (event.detail.userIdentity as Record<string, unknown>).invokedBy = 'billingconsole.amazonaws.com';

      expect(matchesConsoleAction(event)).toBe(false);
    });

    it('exclude, as CIS does, a record of eventType AwsServiceEvent', () => {
      const event = consoleAction();
      event.detail.eventType = 'AwsServiceEvent';

      expect(matchesConsoleAction(event)).toBe(false);
    });
  });

  it('covers every alerting event in test/events', () => {
    for (const name of ALERTING_EVENTS) expect(matchingRules(name)).toHaveLength(1);
  });
});

describe('the AssumeRoot issuance pattern (management account → central bus)', () => {
  const issued = assumeRootPatterns.rootSessionIssued;

  it('matches the AssumeRoot call that issued a root session, and no root activity', () => {
    expect(matchesEventPattern(issued, loadEvent(ASSUME_ROOT_ISSUANCE))).toBe(true);
    for (const name of SAMPLE_EVENTS) {
      expect(matchesEventPattern(issued, loadEvent(name))).toBe(false);
    }
  });

  it('skips a failed AssumeRoot call (no session was issued) and is matched by no root activity rule', () => {
    const failed = loadEvent(ASSUME_ROOT_ISSUANCE);
    failed.detail.errorCode = 'AccessDenied';

    expect(matchesEventPattern(issued, failed)).toBe(false);
    expect(matchingRules(ASSUME_ROOT_ISSUANCE)).toEqual([]);
  });
});

/**
 * The EventBridge patterns deployed on the central bus (alerts/root-activity/patterns.json), judged with the
 * EventBridge matcher against real-shaped events: exactly root activity matches.
 */
import patterns from '../../../alerts/root-activity/patterns.json';
import { matchesEventPattern } from '../../../lib/event-pattern';
import {
  ALERTING_EVENTS,
  type EventName,
  loadEvent,
  NON_ALERTING_EVENTS,
} from '../../helpers/root-activity-events';

const matchingRules = (name: EventName) =>
  Object.entries(patterns)
    .filter(([, pattern]) => matchesEventPattern(pattern, loadEvent(name)))
    .map(([rule]) => rule);

describe('root activity event patterns', () => {
  it('keeps the two rule keys serverless.yml references', () => {
    expect(Object.keys(patterns).sort()).toEqual(['rootApiCall', 'rootConsoleSignIn']);
  });

  it.each([
    ['root-console-signin-success', 'rootConsoleSignIn'],
    ['root-console-signin-failure', 'rootConsoleSignIn'],
    ['root-api-call', 'rootApiCall'],
    ['root-assume-root-session-call', 'rootApiCall'],
    ['root-api-call-denied-access-key', 'rootApiCall'],
  ] as const)('delivers %s through exactly the %s rule', (name, rule) => {
    expect(matchingRules(name)).toEqual([rule]);
  });

  it.each(NON_ALERTING_EVENTS)('does not deliver %s', (name) => {
    expect(matchingRules(name)).toEqual([]);
  });

  it('covers every alerting event in test/events', () => {
    for (const name of ALERTING_EVENTS) expect(matchingRules(name)).toHaveLength(1);
  });
});

import { notableCategories } from '../../../alerts/root-activity/notable-calls';
import {
  afterSummary,
  confirmPage,
  decide,
  MAX_EVENT_IDS,
  QUIET_MS,
  SESSION_IDLE_MS,
  type SessionEvent,
  type SessionState,
  sessionKeyOf,
  summaryCheck,
} from '../../../alerts/root-activity/session';
import { sessionStateSchema } from '../../../alerts/root-activity/session-schema';
import { looksLikeSession } from '../../../alerts/root-activity/session-store';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../helpers/constants';
import { SECOND_IP, SIGN_IN_TIME, sessionEvent } from '../../helpers/root-sessions';

const OPENED = new Date('2026-11-20T09:15:04Z');
const ids = (n = 1) => ({
  sessionId: `${MEMBER_ACCOUNT}-1763630104-abcd000${n}`,
  token: `token-${n}-0123456789abcdef`,
});
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** Runs events through `decide` the way the store does: each step's state is the next one's input. */
function run(events: SessionEvent[], start?: SessionState) {
  let state = start;
  return events.map((e, i) => {
    const step = decide(state, e, ids(i + 1), OPENED);
    state = step.next ?? state;
    return { step, state: state as SessionState };
  });
}

const consoleCall = (n: number, overrides: Partial<SessionEvent> = {}) =>
  sessionEvent({
    eventId: `call-${n}`,
    eventTime: plus(SIGN_IN_TIME, n * 5000),
    kind: 'api-call',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    userAgent: 'AWS Internal',
    accessKeyId: `ASIACONSOLE${n % 3}`,
    fromConsole: true,
    ...overrides,
  });

describe('root session keys', () => {
  it('keys a console sitting on the account alone, whatever session keys the console signs with', () => {
    // Prepare
    const signIn = sessionEvent();
    const calls = [consoleCall(1), consoleCall(2), sessionEvent({ kind: 'console-action', eventId: 'x' })];

    // Act
    const keys = new Set([signIn, ...calls].map(sessionKeyOf));

    // Assess
    expect([...keys]).toEqual([`${MEMBER_ACCOUNT}#console`]);
  });

  it('keys a call signed outside the console on the account and its access key', () => {
    // Prepare
    const cli = sessionEvent({ kind: 'api-call', accessKeyId: 'AKIAROOTKEY', fromConsole: false });

    // Act
    const key = sessionKeyOf(cli);

    // Assess
    expect(key).toBe(`${MEMBER_ACCOUNT}#key#AKIAROOTKEY`);
  });

  it('never gives two accounts the same key', () => {
    // Prepare
    const mine = [sessionEvent(), sessionEvent({ kind: 'api-call', accessKeyId: 'ASIASAME' })];
    const theirs = mine.map((e) => ({ ...e, accountId: OTHER_ACCOUNT }));

    // Act
    const overlap = mine.map(sessionKeyOf).filter((k) => theirs.map(sessionKeyOf).includes(k));

    // Assess
    expect(overlap).toEqual([]);
  });
});

describe('deciding on an event', () => {
  it('pages the first event of a session and plans its first summary check 15 minutes on', () => {
    // Act
    const step = run([sessionEvent()])[0]?.step;

    // Assess
    expect(step).toMatchObject({ decision: 'page', reasons: ['first-event'], scheduleCheck: true });
    expect(step?.next).toMatchObject({
      eventCount: 1,
      pages: 1,
      checkSeq: 1,
      nextCheckAt: plus(OPENED.toISOString(), QUIET_MS),
    });
    expect(sessionStateSchema.safeParse(step?.next).success).toBe(true);
    expect(looksLikeSession(step?.next)).toBe(step?.next);
    expect(looksLikeSession({ ...step?.next, eventIds: 'x' })).toBeUndefined();
  });

  it('appends the later events of the session without paging', () => {
    // Act
    const steps = run([sessionEvent(), ...Array.from({ length: 20 }, (_, i) => consoleCall(i + 1))]);

    // Assess
    expect(steps.map((s) => s.step.decision)).toEqual(['page', ...Array(20).fill('append')]);
    expect(steps.at(-1)?.state).toMatchObject({ eventCount: 21, pages: 1 });
  });

  it('pages again on a new source IP inside the session, and only the first time it is seen', () => {
    // Act
    const steps = run([
      sessionEvent(),
      consoleCall(1, { sourceIp: SECOND_IP }),
      consoleCall(2, { sourceIp: SECOND_IP }),
    ]);

    // Assess
    expect(steps.map((s) => [s.step.decision, s.step.reasons])).toEqual([
      ['page', ['first-event']],
      ['re-page', ['new-source-ip']],
      ['append', []],
    ]);
  });

  it('does not count AWS acting for the console (AWS Internal, a service host) as a new source', () => {
    // Act
    const steps = run([
      sessionEvent(),
      consoleCall(1, { sourceIp: 'AWS Internal' }),
      consoleCall(2, { sourceIp: 'ec2.amazonaws.com' }),
    ]);

    // Assess
    expect(steps.map((s) => s.step.decision)).toEqual(['page', 'append', 'append']);
  });

  it('pages again on a failed sign-in and on an unregistered MFA device inside the session', () => {
    // Act
    const steps = run([
      sessionEvent(),
      sessionEvent({ eventId: 'failed', outcome: 'failure', eventTime: plus(SIGN_IN_TIME, 60_000) }),
      sessionEvent({ eventId: 'device', unregisteredDevice: true, eventTime: plus(SIGN_IN_TIME, 120_000) }),
    ]);

    // Assess
    expect(steps.map((s) => s.step.reasons)).toEqual([
      ['first-event'],
      ['failed-sign-in'],
      ['sign-in-after-failure', 'unregistered-mfa-device'],
    ]);
  });

  it('pages again when a sign-in works after one that failed in the same session', () => {
    // Act
    const steps = run([
      sessionEvent({ outcome: 'failure' }),
      sessionEvent({ eventId: 'retry', eventTime: plus(SIGN_IN_TIME, 30_000) }),
      sessionEvent({ eventId: 'again', eventTime: plus(SIGN_IN_TIME, 60_000) }),
    ]);

    // Assess
    expect(steps.map((s) => s.step.reasons)).toEqual([
      ['first-event'],
      ['sign-in-after-failure'],
      ['sign-in-after-failure'],
    ]);
  });

  it('starts a new session (and pages) after 30 minutes without an event, keeping the old one for its summary', () => {
    // Prepare
    const [first] = run([sessionEvent()]);

    // Act
    const late = decide(
      first?.state,
      consoleCall(0, { eventId: 'later', eventTime: plus(SIGN_IN_TIME, SESSION_IDLE_MS + 1000) }),
      ids(9),
      OPENED,
    );

    // Assess
    expect(late).toMatchObject({ decision: 'page', reasons: ['first-event'], sessionId: ids(9).sessionId });
    expect(late.replaced?.sessionId).toBe(ids(1).sessionId);
  });

  it('changes nothing for a retried event whose page went out', () => {
    // Prepare
    const [first, second] = run([sessionEvent(), consoleCall(1)]);
    const confirmed = confirmPage(second?.state as SessionState, 'evt-0001');

    // Act
    const retries = [
      decide(confirmed, sessionEvent(), ids(5), OPENED),
      decide(confirmed, consoleCall(1), ids(6), OPENED),
    ];

    // Assess
    expect(retries).toEqual([
      { decision: 'duplicate', reasons: [], sessionId: first?.state.sessionId },
      { decision: 'duplicate', reasons: [], sessionId: first?.state.sessionId },
    ]);
  });

  it('pages again for a retried event whose page was never confirmed (the publish failed)', () => {
    // Prepare
    const [first] = run([sessionEvent()]);

    // Act
    const retry = decide(first?.state, sessionEvent(), ids(2), OPENED);

    // Assess
    expect(retry).toMatchObject({
      decision: 'page',
      reasons: ['first-event'],
      redelivery: true,
      next: undefined,
    });
  });

  it('keeps a bounded memory of event ids, but never forgets a page not yet sent', () => {
    // Act
    const steps = run([
      sessionEvent(),
      ...Array.from({ length: MAX_EVENT_IDS + 10 }, (_, i) =>
        consoleCall(i + 1, { eventTime: SIGN_IN_TIME }),
      ),
    ]);

    // Assess
    expect(steps.at(-1)?.state.eventIds).toHaveLength(MAX_EVENT_IDS);
    expect(steps.at(-1)?.state.eventCount).toBe(MAX_EVENT_IDS + 11);
    expect(decide(steps.at(-1)?.state, sessionEvent(), ids(99), OPENED)).toMatchObject({
      decision: 'page',
      redelivery: true,
    });
  });
});

describe('summary checks', () => {
  const [opened] = run([sessionEvent()]);
  const state = opened?.state as SessionState;

  it('waits while the session is neither quiet nor due, until the earlier of the two', () => {
    // Act
    const check = summaryCheck(
      { ...state, lastEventAt: plus(SIGN_IN_TIME, 10 * 60_000) },
      new Date(plus(SIGN_IN_TIME, 15 * 60_000)),
    );

    // Assess
    expect(check).toEqual({ action: 'wait', nextCheckAt: plus(SIGN_IN_TIME, 25 * 60_000) });
  });

  it('sends the final summary once quiet for 15 minutes, and then closes the session', () => {
    // Prepare
    const now = new Date(plus(SIGN_IN_TIME, QUIET_MS));

    // Act
    const check = summaryCheck(state, now);
    const closed = afterSummary(state, now);

    // Assess
    expect(check).toEqual({ action: 'final' });
    expect(closed).toMatchObject({ summaries: 1, closedAt: now.toISOString(), nextCheckAt: undefined });
    expect(summaryCheck(closed, new Date(plus(SIGN_IN_TIME, 2 * QUIET_MS)))).toEqual({ action: 'none' });
  });

  it('sends a progress summary every 30 minutes while the session lasts', () => {
    // Prepare
    const now = new Date(plus(OPENED.toISOString(), 30 * 60_000));
    const busy = { ...state, lastEventAt: plus(now.toISOString(), -60_000) };

    // Act
    const check = summaryCheck(busy, now);
    const next = afterSummary(busy, now);

    // Assess
    expect(check.action).toBe('progress');
    expect(next).toMatchObject({ summaries: 1, closedAt: undefined, checkSeq: state.checkSeq + 1 });
  });
});

describe('calls that matter (notable-calls.ts)', () => {
  it.each([
    ['iam.amazonaws.com', 'CreateAccessKey', ['credentials']],
    ['iam.amazonaws.com', 'DeleteAccessKey', ['credentials', 'deletion']],
    ['iam.amazonaws.com', 'EnableMFADevice', ['mfa']],
    ['organizations.amazonaws.com', 'LeaveOrganization', ['organizations']],
    ['organizations.amazonaws.com', 'DescribeOrganization', []],
    ['billingconsole.amazonaws.com', 'CloseAccount', ['billing']],
    ['budgets.amazonaws.com', 'DeleteBudget', ['billing', 'deletion']],
    ['budgets.amazonaws.com', 'DescribeBudgets', []],
    ['ec2.amazonaws.com', 'RunInstances', ['spend-unusual-region']],
    ['cloudtrail.amazonaws.com', 'StopLogging', ['deletion']],
    ['ec2.amazonaws.com', 'DescribeInstances', []],
  ])('%s %s → %j', (eventSource, eventName, expected) => {
    // Act
    const categories = notableCategories({ eventSource, eventName });

    // Assess
    expect(categories).toEqual(expected);
  });
});

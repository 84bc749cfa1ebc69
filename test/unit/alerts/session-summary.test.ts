import { decide, type SessionEvent, type SessionState } from '../../../alerts/root-activity/session';
import { buildSessionFinding, sessionFindingId } from '../../../alerts/session-summary/finding';
import {
  composeSummary,
  countsByService,
  notableCalls,
  sessionCoverage,
} from '../../../alerts/session-summary/summary';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../../helpers/constants';
import { breakGlassWindow } from '../../helpers/root-activity-events';
import { SIGN_IN_TIME, sessionEvent } from '../../helpers/root-sessions';

const NOW = new Date('2026-11-20T09:40:00Z');
const TARGET = {
  partition: 'aws' as const,
  region: 'eu-west-1',
  importerAccountId: SECURITY_TOOLING_ACCOUNT,
};

/** A session of the sample sign-in plus these calls, one a minute. */
function sessionOf(calls: [source: string, name: string, region: string][]): SessionState {
  const events: SessionEvent[] = [
    sessionEvent(),
    ...calls.map(([source, name, region], i) =>
      sessionEvent({
        eventId: `e${i}`,
        eventTime: new Date(Date.parse(SIGN_IN_TIME) + (i + 1) * 60_000).toISOString(),
        kind: 'api-call',
        eventSource: `${source}.amazonaws.com`,
        eventName: name,
        region,
        fromConsole: true,
      }),
    ),
  ];
  let state: SessionState | undefined;
  for (const e of events)
    state =
      decide(state, e, { sessionId: `${MEMBER_ACCOUNT}-1-abc`, token: 't'.repeat(16) }, NOW).next ?? state;
  return state as SessionState;
}

describe('session summary composition', () => {
  it('counts what root did by service, action and Region, busiest first', () => {
    // Prepare
    const state = sessionOf([
      ['ec2', 'RunInstances', 'ap-south-1'],
      ['ec2', 'RunInstances', 'sa-east-1'],
      ['ec2', 'RunInstances', 'sa-east-1'],
      ['iam', 'ListUsers', 'us-east-1'],
    ]);

    // Act
    const services = countsByService(state.counts);

    // Assess
    expect(services).toEqual([
      {
        service: 'ec2',
        calls: 3,
        actions: [
          {
            action: 'RunInstances',
            calls: 3,
            regions: [
              { region: 'sa-east-1', calls: 2 },
              { region: 'ap-south-1', calls: 1 },
            ],
          },
        ],
      },
      {
        service: 'iam',
        calls: 1,
        actions: [{ action: 'ListUsers', calls: 1, regions: [{ region: 'us-east-1', calls: 1 }] }],
      },
      {
        service: 'signin',
        calls: 1,
        actions: [{ action: 'ConsoleLogin', calls: 1, regions: [{ region: 'us-east-1', calls: 1 }] }],
      },
    ]);
  });

  it('calls out spend only in Regions the account does not normally use, credential changes first', () => {
    // Prepare
    const state = sessionOf([
      ['ec2', 'RunInstances', 'eu-west-1'],
      ['ec2', 'RunInstances', 'ap-south-1'],
      ['iam', 'CreateAccessKey', 'us-east-1'],
    ]);

    // Act
    const notable = notableCalls(state, ['us-east-1', 'eu-west-1']);

    // Assess
    expect(notable.map((g) => [g.category, g.calls.map((c) => `${c.action} ${c.region}`)])).toEqual([
      ['credentials', ['iam:CreateAccessKey us-east-1']],
      ['spend-unusual-region', ['ec2:RunInstances ap-south-1']],
    ]);
  });

  it('judges break-glass coverage over the start, the end and every call that matters', () => {
    // Prepare
    const state = sessionOf([['iam', 'CreateAccessKey', 'us-east-1']]);
    const whole = breakGlassWindow();
    const early = breakGlassWindow({
      windowId: 'early',
      startsAt: '2026-11-20T09:00:00Z',
      endsAt: '2026-11-20T09:15:30Z',
    });
    const foreign = breakGlassWindow({ accountId: OTHER_ACCOUNT });

    // Act
    const coverage = [[whole], [early], [foreign], []].map((ws) => sessionCoverage(state, ws).state);

    // Assess
    expect(coverage).toEqual(['covered', 'partly', 'none', 'none']);
  });

  it('is MEDIUM only when a window covered the whole session', () => {
    // Prepare
    const state = sessionOf([]);

    // Act
    const severities = [
      sessionCoverage(state, [breakGlassWindow()]),
      { state: 'lookup-failed' as const, reason: 'timeout' },
    ].map((coverage) => composeSummary({ state, kind: 'final', usualRegions: [], coverage }).severity);

    // Assess
    expect(severities).toEqual(['MEDIUM', 'CRITICAL']);
  });

  it('files one finding per session, its id from the account and the session id', () => {
    // Prepare
    const state = sessionOf([['iam', 'CreateAccessKey', 'us-east-1']]);
    const summary = composeSummary({
      state,
      kind: 'progress',
      usualRegions: [],
      coverage: { state: 'none' },
    });

    // Act
    const first = buildSessionFinding(summary, state, TARGET, NOW.toISOString());
    const later = buildSessionFinding(
      { ...summary, kind: 'final' },
      state,
      TARGET,
      '2026-11-20T10:00:00.000Z',
    );

    // Assess
    expect(first.Id).toBe(sessionFindingId(MEMBER_ACCOUNT, state.sessionId));
    expect(later.Id).toBe(first.Id);
    expect(later.CreatedAt).toBe(first.CreatedAt);
    expect(later.Title).toContain('ended');
  });
});

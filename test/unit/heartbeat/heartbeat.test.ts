import { InvalidHeartbeatError } from '../../../heartbeat/errors';
import { judgeSilence, parseHeartbeat, silenceMessage } from '../../../heartbeat/heartbeat';
import patterns from '../../../heartbeat/patterns.json';
import { matchesEventPattern, parseEventPattern } from '../../../lib/event-pattern';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../helpers/constants';
import { CHECK_TIME, heartbeatEvent, LONG_AGO, RECENTLY } from '../../helpers/heartbeat';

describe('parseHeartbeat', () => {
  it('reads the account and Region of a forwarded rootguard-heartbeat event', () => {
    expect(parseHeartbeat(heartbeatEvent(MEMBER_ACCOUNT))).toEqual({
      accountId: MEMBER_ACCOUNT,
      region: 'us-east-1',
    });
  });

  it('matches the central bus pattern of heartbeat/patterns.json', () => {
    const pattern = parseEventPattern(JSON.stringify(patterns.heartbeat));
    expect(matchesEventPattern(pattern, heartbeatEvent(MEMBER_ACCOUNT))).toBe(true);
    expect(matchesEventPattern(pattern, heartbeatEvent(MEMBER_ACCOUNT, 'us-east-1', 'team-cron'))).toBe(
      false,
    );
  });

  it.each([
    ['another scheduled rule', heartbeatEvent(MEMBER_ACCOUNT, 'us-east-1', 'rootguard-heartbeat-copy')],
    ['the rule of another account', { ...heartbeatEvent(MEMBER_ACCOUNT), account: OTHER_ACCOUNT }],
    ['a custom event', { ...heartbeatEvent(MEMBER_ACCOUNT), source: 'rootguard.heartbeat' }],
    ['no account', { ...heartbeatEvent(MEMBER_ACCOUNT), account: 'me' }],
    ['a malformed Region', { ...heartbeatEvent(MEMBER_ACCOUNT), region: '.*' }],
    ['nothing', null],
  ])('refuses %s', (_name, event) => {
    expect(() => parseHeartbeat(event)).toThrow(InvalidHeartbeatError);
  });
});

describe('judgeSilence', () => {
  it('names an account whose last heartbeat is older than two intervals', () => {
    // Prepare
    const members = [{ accountId: MEMBER_ACCOUNT }, { accountId: OTHER_ACCOUNT }];
    const records = [
      { accountId: MEMBER_ACCOUNT, lastHeartbeatAt: LONG_AGO },
      { accountId: OTHER_ACCOUNT, lastHeartbeatAt: RECENTLY },
    ];
    // Act
    const verdict = judgeSilence(members, records, CHECK_TIME);
    // Assess
    expect(verdict.silent).toEqual([{ accountId: MEMBER_ACCOUNT, lastHeartbeatAt: LONG_AGO }]);
    expect(verdict.newlySilent).toEqual([MEMBER_ACCOUNT]);
  });

  it('does not name an account that joined less than two intervals ago, and records when it was first seen', () => {
    const members = [{ accountId: MEMBER_ACCOUNT }, { accountId: OTHER_ACCOUNT }];
    const records = [{ accountId: OTHER_ACCOUNT, firstSeenAt: RECENTLY }];

    const verdict = judgeSilence(members, records, CHECK_TIME);

    expect(verdict.silent).toEqual([]);
    expect(verdict.firstSeen).toEqual([MEMBER_ACCOUNT]);
  });

  it('names an account first seen two intervals ago that never sent a heartbeat', () => {
    const verdict = judgeSilence(
      [{ accountId: MEMBER_ACCOUNT }],
      [{ accountId: MEMBER_ACCOUNT, firstSeenAt: LONG_AGO }],
      CHECK_TIME,
    );

    expect(verdict.silent).toEqual([{ accountId: MEMBER_ACCOUNT, lastHeartbeatAt: undefined }]);
  });

  it('does not name an account that left the organization', () => {
    const verdict = judgeSilence(
      [{ accountId: MANAGEMENT_ACCOUNT, status: 'ACTIVE' }],
      [
        { accountId: MANAGEMENT_ACCOUNT, lastHeartbeatAt: RECENTLY },
        { accountId: MEMBER_ACCOUNT, lastHeartbeatAt: LONG_AGO },
      ],
      CHECK_TIME,
    );

    expect(verdict.silent).toEqual([]);
    expect(verdict.departed).toEqual([MEMBER_ACCOUNT]);
  });

  it('does not name a suspended account, which cannot send', () => {
    const verdict = judgeSilence(
      [{ accountId: MEMBER_ACCOUNT, status: 'SUSPENDED' }],
      [{ accountId: MEMBER_ACCOUNT, lastHeartbeatAt: LONG_AGO }],
      CHECK_TIME,
    );

    expect(verdict.silent).toEqual([]);
    expect(verdict.inactive).toEqual([MEMBER_ACCOUNT]);
  });

  it('keeps naming a silent account it already paged about, without calling it new', () => {
    const verdict = judgeSilence(
      [{ accountId: MEMBER_ACCOUNT }],
      [{ accountId: MEMBER_ACCOUNT, lastHeartbeatAt: LONG_AGO, reportedSilentAt: RECENTLY }],
      CHECK_TIME,
    );

    expect(verdict.silent.map((a) => a.accountId)).toEqual([MEMBER_ACCOUNT]);
    expect(verdict.newlySilent).toEqual([]);
  });
});

describe('silenceMessage', () => {
  it('names every silent account with its last heartbeat, and marks the new ones', () => {
    const { subject, message } = silenceMessage({
      silent: [
        { accountId: MEMBER_ACCOUNT, lastHeartbeatAt: LONG_AGO },
        { accountId: OTHER_ACCOUNT, lastHeartbeatAt: undefined },
      ],
      newlySilent: [OTHER_ACCOUNT],
      firstSeen: [],
      departed: [],
      inactive: [],
    });

    expect(subject).toBe('rootguard: 2 accounts silent (no heartbeat for 120 minutes)');
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(message).toContain(`- ${MEMBER_ACCOUNT}: last heartbeat ${LONG_AGO}`);
    expect(message).toContain(`- ${OTHER_ACCOUNT}: no heartbeat since it joined (new)`);
  });
});

import { classifyRootActivity, type RootActivity } from '../../../alerts/root-activity/classify';
import { activityLabel } from '../../../alerts/root-activity/describe';
import { parseRootActivityEvent } from '../../../alerts/root-activity/event';
import { buildRootActivityFinding } from '../../../alerts/root-activity/finding';
import { buildAlertMessage } from '../../../alerts/root-activity/message';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../../helpers/constants';

const NOW = '2026-11-20T09:15:09.412Z';

import {
  type CloudTrailEvent,
  type EventName,
  loadEvent,
  REGIONAL_ROOT_API_CALLS,
} from '../../helpers/root-activity-events';

function classify(event: CloudTrailEvent | EventName) {
  const parsed = parseRootActivityEvent(typeof event === 'string' ? loadEvent(event) : event);
  if (!parsed.ok) throw parsed.error;
  return classifyRootActivity(parsed.event);
}

function activityOf(name: EventName): RootActivity {
  const result = classify(name);
  if (!result.ok) throw new Error(`expected root activity, got ${result.reason}`);
  return result.activity;
}

describe('classifyRootActivity', () => {
  it('describes a successful root console sign-in with MFA', () => {
    expect(activityOf('root-console-signin-success')).toEqual({
      accountId: MEMBER_ACCOUNT,
      eventId: '3d1e2f4a-8b6c-4d2e-9f10-a1b2c3d4e5f6',
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      eventTime: '2026-11-20T09:15:01Z',
      kind: 'console-sign-in',
      session: 'root-credentials',
      outcome: 'success',
      mfaUsed: true,
      mfaDevice: 'arn:aws:iam::222222222222:u2f/root/primary-key-ABCDEFGHIJKLMNOP',
      sourceIp: '198.51.100.23',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0',
      region: 'us-east-1',
    });
  });

  it.each<{ name: string; event: EventName; expected: Partial<RootActivity> }>([
    {
      name: 'describes a failed root console sign-in without MFA, with the error',
      event: 'root-console-signin-failure',
      expected: {
        kind: 'console-sign-in',
        outcome: 'failure',
        mfaUsed: false,
        sourceIp: '203.0.113.77',
        errorMessage: 'Failed authentication',
      },
    },
    {
      name: 'describes a root API call with the MFA of its console session',
      event: 'root-api-call',
      expected: {
        kind: 'api-call',
        session: 'root-credentials',
        outcome: 'success',
        mfaUsed: true,
        eventName: 'CreateAccessKey',
        eventSource: 'iam.amazonaws.com',
        accessKeyId: 'ASIAEXAMPLEROOTSESS1',
      },
    },
  ])('$name', ({ event, expected }) => {
    expect(activityOf(event)).toMatchObject(expected);
  });

  it('labels a call from an sts:AssumeRoot session as assumed-root, not as a sign-in', () => {
    const activity = activityOf('root-assume-root-session-call');

    expect(activity).toMatchObject({ kind: 'api-call', session: 'assumed-root', mfaUsed: false });
    expect(activityLabel(activity)).toBe('AssumeRoot session API call iam:DeleteLoginProfile');
  });

  it('reports a denied call with a long-term key as a failure whose MFA is not recorded', () => {
    expect(activityOf('root-api-call-denied-access-key')).toMatchObject({
      outcome: 'failure',
      mfaUsed: undefined,
      errorCode: 'AccessDenied',
      accessKeyId: 'AKIAEXAMPLEROOTKEY01',
    });
  });

  it('describes a root console action with the MFA of its console session, read case-insensitively', () => {
    expect(activityOf('root-console-action')).toMatchObject({
      eventId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
      eventName: 'CloseAccount',
      eventSource: 'billingconsole.amazonaws.com',
      kind: 'console-action',
      session: 'root-credentials',
      outcome: 'success',
      // The record spells it "True".
      mfaUsed: true,
      accessKeyId: 'ASIAEXAMPLEROOTSESS3',
    });
    expect(activityLabel(activityOf('root-console-action'))).toBe(
      'root console action billingconsole:CloseAccount',
    );
  });

  it.each(REGIONAL_ROOT_API_CALLS)('keeps the Region %s was recorded in', (name) => {
    expect(activityOf(name)).toMatchObject({ kind: 'api-call', region: loadEvent(name).region });
  });

  it.each([
    ['YES', true],
    ['yes', true],
    ['NO', false],
    ['no', false],
  ])('reads MFAUsed %j of a sign-in as %s', (spelling, expected) => {
    const event = loadEvent('root-console-signin-success');
    (event.detail.additionalEventData as Record<string, unknown>).MFAUsed = spelling;

    expect(classify(event)).toMatchObject({ ok: true, activity: { mfaUsed: expected } });
  });

  it.each([
    ['True', true],
    ['TRUE', true],
    ['False', false],
  ])('reads mfaAuthenticated %j of an API call as %s', (spelling, expected) => {
    const event = loadEvent('root-api-call');
    const identity = event.detail.userIdentity as { sessionContext: { attributes: Record<string, unknown> } };
    identity.sessionContext.attributes.mfaAuthenticated = spelling;

    expect(classify(event)).toMatchObject({ ok: true, activity: { mfaUsed: expected } });
  });

  it.each(['Yes', 'YES', 'yes', 'No', 'NO', 'no', 'true', 'True', 'TRUE', 'false', 'False'])(
    'never shows the valid spelling %j as "not recorded" in the alert or "unknown" in the finding',
    (spelling) => {
      const signIn = loadEvent('root-console-signin-success');
      (signIn.detail.additionalEventData as Record<string, unknown>).MFAUsed = spelling;
      const call = loadEvent('root-api-call');
      (
        call.detail.userIdentity as { sessionContext: { attributes: Record<string, unknown> } }
      ).sessionContext.attributes.mfaAuthenticated = spelling;
      const isYesNo = /^(yes|no)$/i.test(spelling);
      const activity = (isYesNo ? classify(signIn) : classify(call)) as { ok: true; activity: RootActivity };
      const alert = buildAlertMessage({
        activity: activity.activity,
        breakGlass: { state: 'none' },
        alertedAt: NOW,
      });
      const finding = buildRootActivityFinding({
        activity: activity.activity,
        breakGlass: { state: 'none' },
        target: { importerAccountId: SECURITY_TOOLING_ACCOUNT, partition: 'aws', region: 'us-east-1' },
        now: NOW,
      });

      const expected = /^(yes|true)$/i.test(spelling);
      expect(alert.body).toMatch(new RegExp(`MFA used:\\s+${expected ? 'yes' : 'NO'}\\n`));
      expect(finding.UserDefinedFields?.mfaUsed).toBe(String(expected));
    },
  );

  it('names the MFA device of a sign-in (MFAIdentifier), as one bounded line, and never for an API call', () => {
    const signIn = loadEvent('root-console-signin-success');
    (signIn.detail.additionalEventData as Record<string, unknown>).MFAIdentifier =
      `GAHT12345678\r\nfake: line`;
    const call = loadEvent('root-api-call');
    call.detail.additionalEventData = { MFAIdentifier: 'GAHT12345678' };

    expect(classify(signIn)).toMatchObject({ ok: true, activity: { mfaDevice: 'GAHT12345678 fake: line' } });
    expect((classify(call) as { activity: RootActivity }).activity.mfaDevice).toBeUndefined();
  });

  it('keeps the source identity an AssumeRoot session carries', () => {
    const event = loadEvent('root-assume-root-session-call');
    const identity = event.detail.userIdentity as { sessionContext: Record<string, unknown> };
    identity.sessionContext.sourceIdentity = 'alice@example.com';

    expect(classify(event)).toMatchObject({ ok: true, activity: { sourceIdentity: 'alice@example.com' } });
  });

  it('recognises an AssumeRoot session flagged "True"', () => {
    const event = loadEvent('root-assume-root-session-call');
    const identity = event.detail.userIdentity as { sessionContext: Record<string, unknown> };
    identity.sessionContext.assumedRoot = 'True';

    expect(classify(event)).toMatchObject({ ok: true, activity: { session: 'assumed-root' } });
  });

  it('treats a sign-in result of "FAILURE" as a failure', () => {
    const event = loadEvent('root-console-signin-success');
    event.detail.responseElements = { ConsoleLogin: 'FAILURE' };

    expect(classify(event)).toMatchObject({ ok: true, activity: { outcome: 'failure' } });
  });

  it('treats any sign-in event reporting Failure under its own name as a failure', () => {
    const event = loadEvent('root-console-signin-success');
    event.detail.eventName = 'PasswordRecoveryRequested';
    event.detail.responseElements = { PasswordRecoveryRequested: 'Failure' };

    const result = classify(event);

    expect(result.ok && result.activity.outcome).toBe('failure');
    expect(result.ok && activityLabel(result.activity)).toBe('root sign-in event PasswordRecoveryRequested');
  });

  it('takes the account from the envelope, which a member account cannot set, before the detail', () => {
    const event = loadEvent('root-api-call');
    (event.detail.userIdentity as Record<string, unknown>).accountId = OTHER_ACCOUNT;
    event.detail.recipientAccountId = OTHER_ACCOUNT;

    expect(classify(event)).toMatchObject({ ok: true, activity: { accountId: MEMBER_ACCOUNT } });
  });

  it('falls back to the identity, then the recipient, when the envelope names no account', () => {
    const { account: _dropped, ...event } = loadEvent('root-api-call');
    event.detail.recipientAccountId = OTHER_ACCOUNT;

    expect(classify(event)).toMatchObject({ ok: true, activity: { accountId: MEMBER_ACCOUNT } });
    delete (event.detail.userIdentity as Record<string, unknown>).accountId;
    expect(classify(event)).toMatchObject({ ok: true, activity: { accountId: OTHER_ACCOUNT } });
  });

  it('reads unknown MFA flags as not recorded, even ones named like Object properties', () => {
    const event = loadEvent('root-console-signin-success');
    (event.detail.additionalEventData as Record<string, unknown>).MFAUsed = 'constructor';

    expect(classify(event)).toMatchObject({ ok: true, activity: { mfaUsed: undefined } });
  });

  it.each([
    ['iam-user-console-signin', 'not-root'],
    ['root-invoked-by-service', 'invoked-by-service'],
    ['root-aws-service-event', 'aws-service-event'],
  ] as const)('refuses %s (%s) in case a rule is misconfigured', (name, reason) => {
    expect(classify(name)).toEqual({ ok: false, reason });
  });

  it('refuses a console action a service took for root, as the CIS filter does', () => {
    const event = loadEvent('root-console-action');
    (event.detail.userIdentity as Record<string, unknown>).invokedBy = 'billingconsole.amazonaws.com';

    expect(classify(event)).toEqual({ ok: false, reason: 'invoked-by-service' });
  });

  it('refuses a detail-type it does not alert on', () => {
    const event = loadEvent('root-api-call');
    event['detail-type'] = 'constructor';

    expect(classify(event)).toEqual({ ok: false, reason: 'unsupported-detail-type' });
  });
});

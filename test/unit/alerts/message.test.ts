import type { BreakGlassStatus } from '../../../alerts/root-activity/break-glass-status';
import type { DeviceCustody } from '../../../alerts/root-activity/device-custody';
import {
  type AlertMessage,
  alertSubject,
  buildAlertMessage,
  SUBJECT_MAX,
} from '../../../alerts/root-activity/message';
import { MEMBER_ACCOUNT } from '../../helpers/constants';
import { custodyDevice } from '../../helpers/mfa-devices';
import { ALERTING_EVENTS, breakGlassWindow, rootActivity } from '../../helpers/root-activity-events';

const ALERTED_AT = '2026-11-20T09:15:09.412Z';
/** The MFA device the sample sign-in used (additionalEventData.MFAIdentifier). */
const PRIMARY_KEY = 'arn:aws:iam::222222222222:u2f/root/primary-key-ABCDEFGHIJKLMNOP';
const NONE: BreakGlassStatus = { state: 'none' };
const OPEN: BreakGlassStatus = { state: 'open', window: breakGlassWindow() };
const LOOKUP_FAILED: BreakGlassStatus = {
  state: 'lookup-failed',
  reason: 'Failed calling dynamodb:Query in account 222222222222 (ResourceNotFoundException: no table)',
};

function message(name: (typeof ALERTING_EVENTS)[number], breakGlass = NONE): AlertMessage {
  return buildAlertMessage({ activity: rootActivity(name), breakGlass, alertedAt: ALERTED_AT });
}

/** The body's "Label:   value" rows as a map (the first line is the headline). */
function rows(body: string): Record<string, string> {
  return Object.fromEntries(
    body
      .split('\n')
      .slice(1)
      .map((line) => /^([A-Z][A-Za-z ]+):\s+(.+)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
}

describe('alert subject', () => {
  it('names severity, what happened, the outcome and the account', () => {
    expect(message('root-console-signin-success').subject).toBe(
      `[rootguard] CRITICAL root console sign-in (success) in ${MEMBER_ACCOUNT}`,
    );
    expect(message('root-console-signin-failure').subject).toBe(
      `[rootguard] CRITICAL root console sign-in (failure) in ${MEMBER_ACCOUNT}`,
    );
  });

  it('labels an AssumeRoot session as such, never as a sign-in', () => {
    expect(message('root-assume-root-session-call', OPEN).subject).toBe(
      `[rootguard] MEDIUM AssumeRoot session API call iam:DeleteLoginProfile (success) in ${MEMBER_ACCOUNT}`,
    );
  });

  it.each(ALERTING_EVENTS)('fits SNS rules for %s (under 100 printable ASCII characters)', (name) => {
    const { subject } = message(name);

    expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('shortens a long or non-ASCII event name but keeps severity, outcome and account', () => {
    const activity = { ...rootActivity('root-api-call'), eventName: `Créer${'X'.repeat(200)}` };

    const subject = alertSubject(activity, 'CRITICAL');

    expect(subject).toHaveLength(SUBJECT_MAX);
    expect(subject).toMatch(
      /^\[rootguard\] CRITICAL root API call iam:Cr\?erX+\.\.\. \(success\) in 222222222222$/,
    );
  });
});

describe('alert body', () => {
  it('carries every fact of a root console sign-in', () => {
    const { body } = message('root-console-signin-success');

    expect(rows(body)).toEqual({
      Severity: 'CRITICAL',
      Account: MEMBER_ACCOUNT,
      Event: 'ConsoleLogin (signin.amazonaws.com)',
      Kind: 'console sign-in',
      Session: "root credentials (root's email address and password)",
      Outcome: 'success',
      'MFA used': 'yes',
      'MFA device': `${PRIMARY_KEY} (no key custody register configured)`,
      'Event time': '2026-11-20T09:15:01Z',
      Region: 'us-east-1',
      'Source IP': '198.51.100.23',
      'User agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0',
      'CloudTrail event': '3d1e2f4a-8b6c-4d2e-9f10-a1b2c3d4e5f6',
      'Alert raised': `${ALERTED_AT} (8 s after the event)`,
      Runbook: 'README.md#break-glass',
    });
    expect(body).toContain('Someone signed in to the AWS console as the root user of account 222222222222.');
    expect(body).toContain('None covers 2026-11-20T09:15:01Z for account 222222222222');
    expect(body).toContain('Reach the owner of account 222222222222 now');
  });

  it('shows a failed sign-in without MFA, its error, and the advice for a guessed password', () => {
    const { body } = message('root-console-signin-failure');

    expect(rows(body)).toMatchObject({
      Outcome: 'failure',
      'MFA used': 'NO',
      Error: 'Failed authentication',
    });
    expect(body).toContain("Someone holds root's email address and tried to sign in.");
    expect(body).not.toContain('Reach the owner');
  });

  it('flags a long-term root access key, whose denied call still proves a working credential', () => {
    const { body } = message('root-api-call-denied-access-key');

    expect(rows(body)).toMatchObject({
      Session: 'root credentials: a LONG-TERM ROOT ACCESS KEY',
      'MFA used': 'not recorded',
      'Access key': 'AKIAEXAMPLEROOTKEY01',
      Error: expect.stringMatching(/^AccessDenied: .*explicit deny in a service control policy$/),
    });
    expect(body).toContain('Deactivate and delete root access key AKIAEXAMPLEROOTKEY01');
  });

  it('describes a root console action as such: what was done, in which console session, from where', () => {
    const { body, subject, attributes } = message('root-console-action');

    expect(subject).toBe(
      `[rootguard] CRITICAL root console action billingconsole:CloseAccount (success) in ${MEMBER_ACCOUNT}`,
    );
    expect(rows(body)).toMatchObject({
      Event: 'CloseAccount (billingconsole.amazonaws.com)',
      Kind: 'console action (recorded by the console, not as an API call)',
      Session: 'root credentials (a console session of the root user)',
      'MFA used': 'yes',
      Region: 'us-east-1',
    });
    expect(body).toContain(
      'The root user of account 222222222222 did billingconsole:CloseAccount in the AWS console.',
    );
    expect(body).toContain('Reach the owner of account 222222222222 now');
    expect(attributes.kind?.StringValue).toBe('console-action');
  });

  it('names the Region a root API call was made in', () => {
    expect(rows(message('root-api-call-ap-southeast-2').body)).toMatchObject({
      Event: 'RunInstances (ec2.amazonaws.com)',
      Region: 'ap-southeast-2',
    });
  });

  it('explains an AssumeRoot session and where to find who started it', () => {
    const { body } = message('root-assume-root-session-call');

    expect(body).toContain('No root password or access key was used.');
    expect(body).toContain('eventName AssumeRoot, targetPrincipal 222222222222');
  });

  it.each([
    {
      name: 'inside a break-glass window: MEDIUM, with ticket, window end, approvers and reason',
      status: OPEN,
      severity: 'MEDIUM',
      bodyLines: [
        'OPEN: ticket CHG-4711 (window exec-0123456789abcdef)',
        'From 2026-11-20T08:30:00.000Z until 2026-11-20T10:30:00.000Z',
        'Approved by: alice@example.com, bob@example.com',
        'Requested by: carol@example.com',
        'Reason: Close the account',
        'the window closes at 2026-11-20T10:30:00.000Z',
      ],
    },
    {
      name: 'when the window lookup failed: CRITICAL, says so, and asks to check the table first',
      status: LOOKUP_FAILED,
      severity: 'CRITICAL',
      bodyLines: [
        'UNKNOWN: the break-glass window lookup failed (Failed calling dynamodb:Query',
        '1. Check the break-glass table first',
      ],
    },
  ])('$name', ({ status, severity, bodyLines }) => {
    const { body, subject } = message('root-console-signin-success', status);

    expect(subject).toContain(severity);
    for (const line of bodyLines) expect(body).toContain(line);
  });

  it('uses the runbook it is given', () => {
    const { body } = buildAlertMessage({
      activity: rootActivity('root-api-call'),
      breakGlass: NONE,
      alertedAt: ALERTED_AT,
      runbook: 'https://wiki.example.com/rootguard#break-glass',
    });

    expect(body).toContain('Runbook: https://wiki.example.com/rootguard#break-glass');
  });
});

describe('message attributes', () => {
  it('carry severity, account and the classification for subscription filter policies', () => {
    expect(message('root-assume-root-session-call', OPEN).attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'MEDIUM' },
      accountId: { DataType: 'String', StringValue: MEMBER_ACCOUNT },
      kind: { DataType: 'String', StringValue: 'api-call' },
      session: { DataType: 'String', StringValue: 'assumed-root' },
      outcome: { DataType: 'String', StringValue: 'success' },
      breakGlass: { DataType: 'String', StringValue: 'open' },
    });
  });
});

describe('MFA device and key custody register in a sign-in alert', () => {
  const device = custodyDevice(PRIMARY_KEY, 'Frankfurt office safe');
  const signIn = (custody: DeviceCustody, breakGlass: BreakGlassStatus = NONE) =>
    buildAlertMessage({
      activity: rootActivity('root-console-signin-success'),
      breakGlass,
      alertedAt: ALERTED_AT,
      custody,
    });

  it('names the device, its custodian and site when the register lists it', () => {
    const { body, attributes } = signIn({ state: 'registered', device }, OPEN);

    expect(rows(body)['MFA device']).toBe(
      `${PRIMARY_KEY} (registered, held by Security on-call lead at Frankfurt office safe)`,
    );
    expect(rows(body).Severity).toBe('MEDIUM');
    expect(attributes.mfaDevice?.StringValue).toBe('registered');
  });

  it.each<DeviceCustody>([
    { state: 'unregistered' },
    { state: 'inactive', device: { ...device, status: 'lost' } },
  ])('is its own CRITICAL alert, even inside a break-glass window, for a device that is %o', (custody) => {
    const { subject, body, attributes } = signIn(custody, OPEN);

    expect(subject).toBe(
      `[rootguard] CRITICAL UNREGISTERED MFA DEVICE root console sign-in (success) in ${MEMBER_ACCOUNT}`,
    );
    expect(attributes.severity?.StringValue).toBe('CRITICAL');
    expect(body).toMatch(
      /1\. Root signed in with MFA device arn:aws:iam::222222222222:u2f\/root\/primary-key/,
    );
  });

  it('still alerts, and says so, when the register cannot be read', () => {
    const { body, subject } = signIn({ state: 'unavailable' });

    expect(rows(body)['MFA device']).toBe(
      `${PRIMARY_KEY} (UNKNOWN: the key custody register could not be read)`,
    );
    expect(subject).toBe(`[rootguard] CRITICAL root console sign-in (success) in ${MEMBER_ACCOUNT}`);
    expect(body).toContain('Check the key custody register by hand');
  });

  it('says so when CloudTrail recorded no device', () => {
    const activity = { ...rootActivity('root-console-signin-failure') };
    delete activity.mfaDevice;

    const { body } = buildAlertMessage({ activity, breakGlass: NONE, alertedAt: ALERTED_AT });

    expect(rows(body)['MFA device']).toBe('(not recorded)');
  });

  it('names the AssumeRoot caller when its issuance was seen, and where to look when not', () => {
    const activity = rootActivity('root-assume-root-session-call');
    const issuance = {
      accessKeyId: 'ASIAEXAMPLEASSUMEDRT',
      targetAccountId: MEMBER_ACCOUNT,
      callerAccountId: '999988887777',
      callerArn: 'arn:aws:iam::999988887777:role/BreakGlassAdmin',
      taskPolicyArn: 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials',
      issuedAt: '2026-11-20T12:29:58Z',
      expiresAt: '2026-11-20T12:44:58.000Z',
    };

    const seen = buildAlertMessage({ activity, breakGlass: NONE, alertedAt: ALERTED_AT, issuance });
    const unseen = buildAlertMessage({ activity, breakGlass: NONE, alertedAt: ALERTED_AT });

    expect(rows(seen.body)['Started by']).toBe(
      'arn:aws:iam::999988887777:role/BreakGlassAdmin (account 999988887777, task policy arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials)',
    );
    expect(rows(unseen.body)['Started by']).toMatch(
      /^not seen by rootguard: the AssumeRoot call that issued access key ASIAEXAMPLEASSUMEDRT/,
    );
  });
});

/**
 * rootguard's own root audit sessions (issue 14, item 1): recorded without paging only when the AssumeRoot
 * issuance of the session's key was made by exactly the configured audit role, with the audit task policy, for
 * this account, and the call is a read the audit policy allows. Everything else assumed-root pages and names its
 * caller where CloudTrail does. Member accounts play the attacker: they cannot make their events look like ours.
 */
import { BatchImportFindingsCommand } from '@aws-sdk/client-securityhub';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  AUDIT_POLICY_EVENT_NAMES,
  auditVerdict,
  issuanceOf,
  type RootSessionIssuance,
} from '../../../alerts/root-activity/audit-session';
import { classifyRootActivity, type RootActivity } from '../../../alerts/root-activity/classify';
import { parseRootActivityEvent, type RootActivityEvent } from '../../../alerts/root-activity/event';
import { createRootActivityHandler } from '../../../alerts/root-activity/handler';
import { ClientFactory } from '../../../lib/clients';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../helpers/constants';
import {
  ALERT_CONFIG,
  ALERT_REGION,
  ASSUME_ROOT_ISSUANCE,
  auditSessionCall,
  type CloudTrailEvent,
  fakeLedgerTable,
  lambdaContext,
  loadEvent,
  MetricsRecorder,
  ROOT_AUDIT_ROLE_ARN,
} from '../../helpers/root-activity-events';
import { alertSdkMocks } from '../../helpers/sdk-mocks';

const mocks = alertSdkMocks();
const AUDIT_KEY = 'ASIAEXAMPLEASSUMEDRT';

function parsed(event: CloudTrailEvent): RootActivityEvent {
  const result = parseRootActivityEvent(event);
  if (!result.ok) throw result.error;
  return result.event;
}

function activity(event: CloudTrailEvent): RootActivity {
  const result = classifyRootActivity(parsed(event));
  if (!result.ok) throw new Error(result.reason);
  return result.activity;
}

function issuance(overrides: Partial<RootSessionIssuance> = {}): RootSessionIssuance {
  const result = issuanceOf(parsed(loadEvent(ASSUME_ROOT_ISSUANCE)));
  if (!result.ok) throw new Error(result.reason);
  return { ...result.issuance, ...overrides };
}

/** A CloudTrail detail as tests edit it: nested, loosely typed JSON. */
// biome-ignore lint/suspicious/noExplicitAny: test fixtures edit arbitrary nested CloudTrail fields
type Detail = Record<string, any>;

/** The issuance event with its detail changed by `edit`. */
function issuanceEvent(edit: (detail: Detail, event: CloudTrailEvent) => void): CloudTrailEvent {
  const event = loadEvent(ASSUME_ROOT_ISSUANCE);
  edit(event.detail as Detail, event);
  return event;
}

describe('issuanceOf (the AssumeRoot event in the calling account)', () => {
  it('reads the caller role, target account, task policy, issued key and expiry', () => {
    expect(issuance()).toEqual({
      accessKeyId: AUDIT_KEY,
      targetAccountId: MEMBER_ACCOUNT,
      callerAccountId: MANAGEMENT_ACCOUNT,
      callerArn: ROOT_AUDIT_ROLE_ARN,
      taskPolicyArn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials',
      issuedAt: '2026-11-20T12:29:58Z',
      expiresAt: '2026-11-20T12:44:58.000Z',
    });
  });

  it('takes a target given as the root user ARN', () => {
    const event = issuanceEvent((d) => {
      d.requestParameters.targetPrincipal = `arn:aws:iam::${MEMBER_ACCOUNT}:root`;
    });
    expect(issuanceOf(parsed(event))).toMatchObject({
      ok: true,
      issuance: { targetAccountId: MEMBER_ACCOUNT },
    });
  });

  it('never lets a recorded expiry extend the session past 900 s', () => {
    const event = issuanceEvent((d) => {
      d.responseElements.credentials.expiration = '2026-11-21T12:00:00Z';
    });
    expect(issuanceOf(parsed(event))).toMatchObject({
      ok: true,
      issuance: { expiresAt: '2026-11-20T12:44:58.000Z' },
    });
  });

  it.each<[string, (d: Detail, e: CloudTrailEvent) => void, string]>([
    ['a failed call', (d) => (d.errorCode = 'AccessDenied'), 'failed-call'],
    ['no issued key', (d) => (d.responseElements = null), 'malformed'],
    ['a source other than aws.sts', (_d, e) => (e.source = 'aws.iam'), 'source-not-sts'],
    [
      'a caller role of another account than the envelope',
      (d) =>
        (d.userIdentity.sessionContext.sessionIssuer.arn = `arn:aws:iam::${OTHER_ACCOUNT}:role/rootguard-root-audit`),
      'caller-account-mismatch',
    ],
    ['an envelope of another account', (_d, e) => (e.account = OTHER_ACCOUNT), 'caller-account-mismatch'],
    [
      'a target that is not an account',
      (d) => (d.requestParameters.targetPrincipal = 'everyone'),
      'target-not-an-account',
    ],
  ])('records no issuance for %s', (_name, edit, reason) => {
    expect(issuanceOf(parsed(issuanceEvent(edit)))).toEqual({ ok: false, reason });
  });
});

describe('auditVerdict (the member-side event of an assumed-root session)', () => {
  it.each([...AUDIT_POLICY_EVENT_NAMES])('is rootguard’s audit for %s by the audit role', (eventName) => {
    expect(auditVerdict(activity(auditSessionCall(eventName)), issuance(), ROOT_AUDIT_ROLE_ARN)).toEqual({
      audit: true,
    });
  });

  it('is the audit for a read that failed (GetLoginProfile on a root with no password)', () => {
    const event = auditSessionCall('GetLoginProfile');
    event.detail.errorCode = 'NoSuchEntityException';
    expect(auditVerdict(activity(event), issuance(), ROOT_AUDIT_ROLE_ARN)).toEqual({ audit: true });
  });

  it.each<[string, () => [RootActivity, RootSessionIssuance | undefined, string | undefined], string]>([
    [
      'a root sign-in',
      () => [activity(loadEvent('root-console-signin-success')), issuance(), ROOT_AUDIT_ROLE_ARN],
      'not-assumed-root',
    ],
    [
      'no audit role configured',
      () => [activity(auditSessionCall()), issuance(), undefined],
      'no-audit-role-configured',
    ],
    [
      'an issuance never seen',
      () => [activity(auditSessionCall()), undefined, ROOT_AUDIT_ROLE_ARN],
      'issuance-not-seen',
    ],
    [
      'another role of the management account',
      () => [
        activity(auditSessionCall()),
        issuance({ callerArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/Admin` }),
        ROOT_AUDIT_ROLE_ARN,
      ],
      'other-caller',
    ],
    [
      'a role of the same name in the delegated administrator account',
      () => [
        activity(auditSessionCall()),
        issuance({
          callerArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/rootguard-root-audit`,
          callerAccountId: OTHER_ACCOUNT,
        }),
        ROOT_AUDIT_ROLE_ARN,
      ],
      'other-caller',
    ],
    [
      'the delete task policy',
      () => [
        activity(auditSessionCall()),
        issuance({ taskPolicyArn: 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials' }),
        ROOT_AUDIT_ROLE_ARN,
      ],
      'other-task-policy',
    ],
    [
      'a session issued for another account',
      () => [activity(auditSessionCall()), issuance({ targetAccountId: OTHER_ACCOUNT }), ROOT_AUDIT_ROLE_ARN],
      'other-account',
    ],
    [
      'a call after the session expired',
      () => {
        const event = auditSessionCall();
        event.detail.eventTime = '2026-11-20T13:30:00Z';
        return [activity(event), issuance(), ROOT_AUDIT_ROLE_ARN];
      },
      'outside-session',
    ],
    [
      'a write in the audit session (even denied)',
      () => [activity(auditSessionCall('DeleteLoginProfile')), issuance(), ROOT_AUDIT_ROLE_ARN],
      'not-an-audit-read',
    ],
  ])('pages for %s', (_name, args, reason) => {
    expect(auditVerdict(...args())).toEqual({ audit: false, reason });
  });
});

describe('the alert handler and rootguard’s audit sessions', () => {
  let metrics: MetricsRecorder;
  let ledger: ReturnType<typeof fakeLedgerTable>;

  beforeEach(() => {
    mocks.reset();
    metrics = new MetricsRecorder();
    ledger = fakeLedgerTable(mocks.dynamo);
  });

  const handler = (rootAuditRoleArn: string | null = ROOT_AUDIT_ROLE_ARN) =>
    createRootActivityHandler({
      config: { ...ALERT_CONFIG, ...(rootAuditRoleArn ? { rootAuditRoleArn } : {}) },
      clientFactory: new ClientFactory({ region: ALERT_REGION }),
      now: () => new Date('2026-11-20T12:30:12Z'),
      metrics,
      retryDelayMs: 0,
    });
  const invoke = (event: unknown, h = handler()) => h(event, { ...lambdaContext(), awsRequestId: 'req-1' });
  const pages = () => mocks.sns.commandCalls(PublishCommand).length;

  it('keeps the issuance, then records the audit reads in the ledger without paging, counted and logged', async () => {
    const issued = await invoke(loadEvent(ASSUME_ROOT_ISSUANCE));
    const read = await invoke(auditSessionCall('ListMFADevices'));

    expect(issued).toEqual({
      status: 'issuance-recorded',
      eventId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
      targetAccountId: MEMBER_ACCOUNT,
      callerArn: ROOT_AUDIT_ROLE_ARN,
    });
    expect(read).toEqual({
      status: 'audit-recorded',
      accountId: MEMBER_ACCOUNT,
      eventId: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
    });
    expect(pages()).toBe(0);
    expect(mocks.hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    expect(metrics.named('AuditSessionEvents')).toHaveLength(1);
    expect(ledger.get('a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d')).toMatchObject({
      session: 'assumed-root',
      eventName: 'ListMFADevices',
      paged: false,
    });
  });

  it('pages a write in the audit session and names the audit role as its caller', async () => {
    await invoke(loadEvent(ASSUME_ROOT_ISSUANCE));

    const result = await invoke(loadEvent('root-assume-root-session-call'));

    expect(result).toMatchObject({ status: 'alerted', severity: 'CRITICAL' });
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toMatch(
      /Started by:\s+arn:aws:iam::111111111111:role\/rootguard-root-audit \(account 111111111111/,
    );
  });

  it('fails (Lambda retries) when the issuance cannot be kept, and counts it', async () => {
    ledger.failNextWrites = 1;

    await expect(invoke(loadEvent(ASSUME_ROOT_ISSUANCE))).rejects.toThrow(/Throughput exceeds/);

    expect(metrics.named('LedgerWriteFailures')).toHaveLength(1);
    expect(pages()).toBe(0);
  });

  it('pages audit reads when no audit role is configured', async () => {
    const h = handler(null);
    await invoke(loadEvent(ASSUME_ROOT_ISSUANCE), h);

    expect(await invoke(auditSessionCall(), h)).toMatchObject({ status: 'alerted' });
  });

  it('keeps no issuance at all when no audit role is configured', async () => {
    expect(await invoke(loadEvent(ASSUME_ROOT_ISSUANCE), handler(null))).toMatchObject({
      status: 'ignored',
      reason: 'assume-root-no-audit-role-configured',
    });
    expect(ledger.size).toBe(0);
  });

  it('pages an audit read whose issuance it never saw, and says where to find the caller', async () => {
    const result = await invoke(auditSessionCall());

    expect(result).toMatchObject({ status: 'alerted' });
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(
      'not seen by rootguard: the AssumeRoot call that issued access key ASIAEXAMPLEASSUMEDRT',
    );
  });

  describe('a member account playing the attacker', () => {
    it('cannot put a forged issuance (its own source) on the bus', async () => {
      const forged = { ...loadEvent(ASSUME_ROOT_ISSUANCE), source: 'attacker.sts', account: OTHER_ACCOUNT };

      expect(await invoke(forged)).toMatchObject({ status: 'forged' });
      expect(await invoke(auditSessionCall())).toMatchObject({ status: 'alerted' });
    });

    it('cannot pass its own role named like the audit role off as the management account’s', async () => {
      // What the member's envelope makes of an issuance claiming the management account's role.
      const event = issuanceEvent((d, e) => {
        e.account = OTHER_ACCOUNT;
        d.userIdentity.accountId = OTHER_ACCOUNT;
        d.recipientAccountId = OTHER_ACCOUNT;
      });

      expect(await invoke(event)).toMatchObject({
        status: 'ignored',
        reason: 'assume-root-caller-account-mismatch',
      });
      expect(await invoke(auditSessionCall())).toMatchObject({ status: 'alerted' });
    });

    it('cannot get an AssumeRoot event of its own account kept, even one naming a role like the audit role', async () => {
      // Prepare: a member (say, the IAM delegated administrator) forwards a real, self-consistent AssumeRoot
      // issuance of its own account through a rule of its own, for the very key the audit session uses.
      const event = issuanceEvent((d, e) => {
        e.account = OTHER_ACCOUNT;
        d.userIdentity.accountId = OTHER_ACCOUNT;
        d.userIdentity.arn = `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/rootguard-root-audit/session`;
        d.userIdentity.sessionContext.sessionIssuer.arn = `arn:aws:iam::${OTHER_ACCOUNT}:role/rootguard-root-audit`;
        d.recipientAccountId = OTHER_ACCOUNT;
      });

      // Act
      const result = await invoke(event);
      const read = await invoke(auditSessionCall());

      // Assess: refused before the ledger, so the audit read still pages.
      expect(result).toMatchObject({ status: 'ignored', reason: 'assume-root-not-audit-account' });
      expect(ledger.has(`assume-root#${AUDIT_KEY}`)).toBe(false);
      expect(read).toMatchObject({ status: 'alerted' });
      expect(metrics.named('AuditSessionEvents')).toHaveLength(0);
    });

    it('cannot forge the member-side audit read either (its own source is refused)', async () => {
      await invoke(loadEvent(ASSUME_ROOT_ISSUANCE));
      const forged = { ...auditSessionCall(), source: 'attacker.iam' };

      expect(await invoke(forged)).toMatchObject({ status: 'forged', reason: 'source-not-aws' });
      expect(metrics.named('AuditSessionEvents')).toHaveLength(0);
    });

    it('cannot reuse the audit session’s key from its own account', async () => {
      await invoke(loadEvent(ASSUME_ROOT_ISSUANCE));
      const other = auditSessionCall();
      other.account = OTHER_ACCOUNT;
      const identity = other.detail.userIdentity as Record<string, unknown>;
      identity.accountId = OTHER_ACCOUNT;
      identity.arn = `arn:aws:iam::${OTHER_ACCOUNT}:root`;
      other.detail.recipientAccountId = OTHER_ACCOUNT;

      expect(await invoke(other)).toMatchObject({ status: 'alerted', accountId: OTHER_ACCOUNT });
    });
  });
});

import type { BreakGlassStatus } from '../../../alerts/root-activity/break-glass-status';
import {
  buildRootActivityFinding,
  GENERATOR_ID,
  NOTE_MAX,
  rootActivityFindingId,
} from '../../../alerts/root-activity/finding';
import { DESCRIPTION_MAX, type ImportTarget, TITLE_MAX } from '../../../findings/asff';
import { MEMBER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../../helpers/constants';
import {
  type ALERTING_EVENTS,
  breakGlassWindow,
  rootActivity,
  SECURITY_HUB_REGION,
} from '../../helpers/root-activity-events';

const TARGET: ImportTarget = {
  partition: 'aws',
  region: SECURITY_HUB_REGION,
  importerAccountId: SECURITY_TOOLING_ACCOUNT,
};
const NOW = '2026-11-20T09:15:04.000Z';
const NONE: BreakGlassStatus = { state: 'none' };
const OPEN: BreakGlassStatus = { state: 'open', window: breakGlassWindow() };

function finding(name: (typeof ALERTING_EVENTS)[number], breakGlass = NONE, now = NOW) {
  return buildRootActivityFinding({ activity: rootActivity(name), breakGlass, target: TARGET, now });
}

describe('root activity finding', () => {
  it('is a complete ASFF finding for a root console sign-in', () => {
    expect(finding('root-console-signin-success')).toEqual({
      SchemaVersion: '2018-10-08',
      Id: `rootguard/root-activity/${MEMBER_ACCOUNT}/3d1e2f4a-8b6c-4d2e-9f10-a1b2c3d4e5f6`,
      ProductArn: `arn:aws:securityhub:${SECURITY_HUB_REGION}:${SECURITY_TOOLING_ACCOUNT}:product/${SECURITY_TOOLING_ACCOUNT}/default`,
      ProductName: 'rootguard',
      CompanyName: 'rootguard',
      GeneratorId: GENERATOR_ID,
      AwsAccountId: SECURITY_TOOLING_ACCOUNT,
      Types: ['Unusual Behaviors/User', 'TTPs/Initial Access/Valid Accounts'],
      FirstObservedAt: '2026-11-20T09:15:01Z',
      LastObservedAt: '2026-11-20T09:15:01Z',
      CreatedAt: NOW,
      UpdatedAt: NOW,
      Severity: { Label: 'CRITICAL', Original: 'CRITICAL' },
      FindingProviderFields: {
        Severity: { Label: 'CRITICAL', Original: 'CRITICAL' },
        Types: ['Unusual Behaviors/User', 'TTPs/Initial Access/Valid Accounts'],
      },
      Title: `Root console sign-in (success) in account ${MEMBER_ACCOUNT}`,
      Description: expect.stringContaining('Someone signed in to the AWS console as the root user'),
      Resources: [
        {
          Type: 'AwsAccount',
          Id: `AWS::::Account:${MEMBER_ACCOUNT}`,
          Partition: 'aws',
          Region: SECURITY_HUB_REGION,
        },
      ],
      Action: {
        ActionType: 'AWS_API_CALL',
        AwsApiCallAction: {
          Api: 'ConsoleLogin',
          ServiceName: 'signin.amazonaws.com',
          CallerType: 'remoteip',
          RemoteIpDetails: { IpAddressV4: '198.51.100.23' },
          FirstSeen: '2026-11-20T09:15:01Z',
          LastSeen: '2026-11-20T09:15:01Z',
        },
      },
      UserDefinedFields: {
        accountId: MEMBER_ACCOUNT,
        eventName: 'ConsoleLogin',
        kind: 'console-sign-in',
        session: 'root-credentials',
        outcome: 'success',
        mfaUsed: 'true',
        mfaDevice: 'arn:aws:iam::222222222222:u2f/root/primary-key-ABCDEFGHIJKLMNOP',
        sourceIp: '198.51.100.23',
        breakGlass: 'none',
      },
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
    });
  });

  it('keeps the same Id when a retry builds it again later (the import updates, never duplicates)', () => {
    const first = finding('root-api-call', NONE, NOW);
    const retry = finding('root-api-call', NONE, '2026-11-20T09:18:00.000Z');

    expect(retry.Id).toBe(first.Id);
    expect(retry.Id).toBe(rootActivityFindingId(MEMBER_ACCOUNT, '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d'));
  });

  it('is MEDIUM inside a break-glass window, with the ticket in a note and in user-defined fields', () => {
    const f = finding('root-console-signin-success', OPEN);

    expect(f.Severity).toEqual({ Label: 'MEDIUM', Original: 'MEDIUM' });
    expect(f.FindingProviderFields?.Severity?.Label).toBe('MEDIUM');
    expect(f.UserDefinedFields).toMatchObject({
      breakGlass: 'open',
      breakGlassTicket: 'CHG-4711',
      breakGlassWindowId: 'exec-0123456789abcdef',
    });
    expect(f.Note).toEqual({
      Text: expect.stringContaining('ticket CHG-4711'),
      UpdatedBy: GENERATOR_ID,
      UpdatedAt: NOW,
    });
    expect(f.Description).toContain('Inside break-glass window exec-0123456789abcdef for ticket CHG-4711');
  });

  it('stays CRITICAL when the window lookup failed, and says so in a note', () => {
    const f = finding('root-console-signin-success', { state: 'lookup-failed', reason: 'AccessDenied' });

    expect(f.Severity?.Label).toBe('CRITICAL');
    expect(f.Note?.Text).toBe(
      'The break-glass window lookup failed (AccessDenied), so this is treated as unexpected root use.',
    );
    expect(f.UserDefinedFields?.breakGlassTicket).toBeUndefined();
  });

  it('types a failed sign-in as credential access, an API call or console action as privilege escalation', () => {
    expect(finding('root-console-signin-failure').Types).toEqual([
      'Unusual Behaviors/User',
      'TTPs/Credential Access',
    ]);
    for (const name of ['root-api-call', 'root-console-action'] as const) {
      expect(finding(name).Types).toEqual([
        'Unusual Behaviors/User',
        'TTPs/Privilege Escalation/Valid Accounts',
      ]);
    }
  });

  it('titles a root console action with the console and action, and keeps its kind', () => {
    const f = finding('root-console-action');

    expect(f.Title).toBe(
      `Root console action billingconsole:CloseAccount (success) in account ${MEMBER_ACCOUNT}`,
    );
    expect(f.Description).toContain('did billingconsole:CloseAccount in the AWS console');
    expect(f.UserDefinedFields?.kind).toBe('console-action');
  });

  it('labels an AssumeRoot session in the title and fields', () => {
    const f = finding('root-assume-root-session-call');

    expect(f.Title).toBe(
      `AssumeRoot session API call iam:DeleteLoginProfile (success) in account ${MEMBER_ACCOUNT}`,
    );
    expect(f.UserDefinedFields?.session).toBe('assumed-root');
  });

  it('leaves out the caller IP when CloudTrail recorded none usable, and never sends empty values', () => {
    const f = buildRootActivityFinding({
      activity: { ...rootActivity('root-api-call'), sourceIp: 'AWS Internal', mfaUsed: undefined },
      breakGlass: NONE,
      target: TARGET,
      now: NOW,
    });

    expect(f.Action?.AwsApiCallAction?.CallerType).toBeUndefined();
    expect(f.Action?.AwsApiCallAction?.RemoteIpDetails).toBeUndefined();
    expect(f.UserDefinedFields?.mfaUsed).toBe('unknown');
    expect(Object.values(f.UserDefinedFields ?? {})).not.toContain('');
  });

  it('respects ASFF length limits with very long values', () => {
    const long = 'x'.repeat(5000);
    const f = buildRootActivityFinding({
      activity: { ...rootActivity('root-api-call'), eventName: long },
      breakGlass: { state: 'lookup-failed', reason: long },
      target: TARGET,
      now: NOW,
    });

    expect(f.Title?.length).toBeLessThanOrEqual(TITLE_MAX);
    expect(f.Description?.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
    expect(f.Note?.Text).toBeDefined();
    expect((f.Note?.Text ?? '').length).toBeLessThanOrEqual(NOTE_MAX);
    expect(f.Action?.AwsApiCallAction?.Api?.length).toBeLessThanOrEqual(128);
    for (const value of Object.values(f.UserDefinedFields ?? {}))
      expect(value.length).toBeLessThanOrEqual(1024);
  });
});

/**
 * Issue 11, part 3: an administrator of one member account (the attacker) must not be able to page about, or
 * file a Security Hub finding for, another account's root (the victim), nor smuggle lines into a page. Each
 * case plays the attacker with a real-shaped event and checks nothing reaches SNS or Security Hub, the
 * refusal is logged (accounts only) and counted, and the handler does not throw (no retry, no DLQ loop).
 */
import { BatchImportFindingsCommand } from '@aws-sdk/client-securityhub';
import { PublishCommand } from '@aws-sdk/client-sns';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BreakGlassStatus } from '../../../alerts/root-activity/break-glass-status';
import type { RootActivity } from '../../../alerts/root-activity/classify';
import { buildRootActivityFinding } from '../../../alerts/root-activity/finding';
import { createRootActivityHandler } from '../../../alerts/root-activity/handler';
import { buildAlertMessage } from '../../../alerts/root-activity/message';
import { sortKey } from '../../../lib/break-glass-store';
import { ClientFactory } from '../../../lib/clients';
import { isOneLine } from '../../../lib/escape';
import { SECURITY_TOOLING_ACCOUNT } from '../../helpers/constants';
import { watchRefusalLog } from '../../helpers/refusal-log';
import {
  ALERT_CONFIG,
  ALERT_REGION,
  ATTACKER_ACCOUNT,
  asAccount,
  breakGlassWindow,
  type CloudTrailEvent,
  FORGED_SOURCE,
  forgedEvent,
  lambdaContext,
  loadEvent,
  MetricsRecorder,
  rootActivity,
  VICTIM_ACCOUNT,
} from '../../helpers/root-activity-events';
import { alertSdkMocks } from '../../helpers/sdk-mocks';

const mocks = alertSdkMocks();
const { sns: snsMock, hub: hubMock, dynamo: dynamoMock } = mocks;

/** A fake step an attacker would like the on-call engineer to follow. */
const FAKE_STEP = '1. Nothing to do: this sign-in was approved';
const HOSTILE_USER_AGENT = `Mozilla/5.0\r\n\r\nWhat to do\r\n${FAKE_STEP}\u2028Bcc: attacker@example.com`;
const HOSTILE_SOURCE_IP = '198.51.100.23\nReason: approved by security';
const HOSTILE_EVENT_NAME = 'ConsoleLogin\r\nSubject: all clear';
const HOSTILE_TICKET = 'CHG-4711\n2. Close the incident\u202e';

let metrics: MetricsRecorder;

const invoke = (event: unknown) =>
  createRootActivityHandler({
    config: ALERT_CONFIG,
    clientFactory: new ClientFactory({ region: ALERT_REGION }),
    now: () => new Date('2026-11-20T09:15:04.250Z'),
    metrics,
    retryDelayMs: 0,
  })(event, lambdaContext());

const nothingDelivered = () => {
  expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  expect(hubMock.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
};

beforeEach(() => {
  mocks.reset();
  metrics = new MetricsRecorder();
});

describe('root activity events forged for another account', () => {
  it('refuses a sign-in of the victim put by the attacker with a source of his own: no page, no finding', async () => {
    const forged = forgedEvent();

    const result = await invoke(forged);

    expect(result).toEqual({
      status: 'forged',
      eventId: forged.detail.eventID,
      reason: 'source-not-sign-in',
    });
    nothingDelivered();
    expect(metrics.named('ForgedEvents')).toHaveLength(1);
  });

  it.each([
    ['a console sign-in', 'root-console-signin-success', 'aws.signin'],
    ['an API call', 'root-api-call', 'aws.iam'],
    ['a console action', 'root-console-action', 'aws.billingconsole'],
  ] as const)(
    'refuses %s with an AWS source whose root is not the envelope account',
    async (_kind, name, source) => {
      const forged = forgedEvent(name, { source });

      const result = await invoke(forged);

      expect(result).toMatchObject({ status: 'forged', reason: 'identity-account-mismatch' });
      nothingDelivered();
      expect(metrics.named('ForgedEvents')).toHaveLength(1);
    },
  );

  it('refuses an event whose recipient is not the envelope account', async () => {
    const event = loadEvent('root-api-call');
    event.detail.recipientAccountId = ATTACKER_ACCOUNT;

    const result = await invoke(event);

    expect(result).toMatchObject({ status: 'forged', reason: 'recipient-account-mismatch' });
    nothingDelivered();
  });

  it("refuses the resource owner's copy of another account's root call, which its own account pages", async () => {
    const ownerCopy: CloudTrailEvent = {
      ...loadEvent('root-api-call-denied-access-key'),
      account: ATTACKER_ACCOUNT,
    };
    ownerCopy.detail.recipientAccountId = ATTACKER_ACCOUNT;

    const result = await invoke(ownerCopy);

    expect(result).toMatchObject({ status: 'forged', reason: 'identity-account-mismatch' });
    nothingDelivered();
  });

  it('refuses an event without an envelope account: nothing ties it to the account that sent it', async () => {
    const { account: _dropped, ...withoutAccount } = loadEvent('root-console-signin-success');

    const result = await invoke(withoutAccount);

    expect(result).toMatchObject({ status: 'forged', reason: 'no-envelope-account' });
    nothingDelivered();
  });

  it('refuses an API call whose source is no AWS service', async () => {
    const result = await invoke({ ...loadEvent('root-api-call'), source: 'aws' });

    expect(result).toMatchObject({ status: 'forged', reason: 'source-not-aws' });
    nothingDelivered();
  });

  it('logs the accounts and the reason of a refused event, never its content', async () => {
    const refusals = watchRefusalLog();
    const forged = forgedEvent();
    forged.detail.userAgent = HOSTILE_USER_AGENT;

    await invoke(forged);

    refusals.expectLogged(
      {
        eventId: forged.detail.eventID,
        reason: 'source-not-sign-in',
        source: FORGED_SOURCE,
        detailType: 'AWS Console Sign In via CloudTrail',
        envelopeAccount: ATTACKER_ACCOUNT,
        identityAccount: VICTIM_ACCOUNT,
        recipientAccount: VICTIM_ACCOUNT,
      },
      'Mozilla',
    );
  });

  it('pages about the attacker himself when he sends real root activity of his own account', async () => {
    const own = asAccount(loadEvent('root-console-signin-success'), ATTACKER_ACCOUNT);

    const result = await invoke(own);

    expect(result).toMatchObject({ status: 'alerted', accountId: ATTACKER_ACCOUNT });
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toContain(ATTACKER_ACCOUNT);
  });

  it("pages an AssumeRoot session as the member account's own root activity", async () => {
    const result = await invoke(loadEvent('root-assume-root-session-call'));

    expect(result).toMatchObject({ status: 'alerted', accountId: VICTIM_ACCOUNT });
  });

  it('names the envelope account in the page and the finding', async () => {
    await invoke(loadEvent('root-console-signin-success'));

    const published = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    const [finding] = hubMock.commandCalls(BatchImportFindingsCommand)[0]?.args[0].input.Findings ?? [];
    expect(published?.MessageAttributes?.accountId?.StringValue).toBe(VICTIM_ACCOUNT);
    expect(finding?.Resources?.[0]?.Id).toBe(`AWS::::Account:${VICTIM_ACCOUNT}`);
    expect(finding?.AwsAccountId).toBe(SECURITY_TOOLING_ACCOUNT);
  });
});

describe('values from the event in a page and a finding', () => {
  function hostileSignIn(): CloudTrailEvent {
    const event = loadEvent('root-console-signin-success');
    event.detail.userAgent = HOSTILE_USER_AGENT;
    event.detail.sourceIPAddress = HOSTILE_SOURCE_IP;
    event.detail.eventName = HOSTILE_EVENT_NAME;
    return event;
  }

  it('keeps a hostile user agent, source IP and event name on their own line of the page', async () => {
    await invoke(hostileSignIn());

    const published = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    const lines = (published?.Message ?? '').split('\n');
    expect(lines).not.toContain(FAKE_STEP);
    expect(lines.filter((l) => l === 'What to do')).toHaveLength(1);
    expect(
      lines.some((l) => l.startsWith('Reason:') || l.startsWith('Subject:') || l.startsWith('Bcc:')),
    ).toBe(false);
    expect(lines.find((l) => l.startsWith('User agent:'))).toContain(FAKE_STEP);
    expect(published?.Subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  });

  it('files a finding whose every text field is one bounded line', async () => {
    await invoke(hostileSignIn());

    const [finding] = hubMock.commandCalls(BatchImportFindingsCommand)[0]?.args[0].input.Findings ?? [];
    const texts = [
      finding?.Title,
      finding?.Description,
      finding?.Action?.AwsApiCallAction?.Api,
      finding?.Action?.AwsApiCallAction?.ServiceName,
      ...Object.values(finding?.UserDefinedFields ?? {}),
    ];
    for (const text of texts) expect(isOneLine(String(text), 1024)).toBe(true);
  });

  it('keeps a hostile ticket id of a break-glass window on its own line, in the page and the finding', () => {
    const activity: RootActivity = rootActivity('root-console-signin-success');
    const breakGlass: BreakGlassStatus = {
      state: 'open',
      window: breakGlassWindow({ ticketId: HOSTILE_TICKET }),
    };

    const message = buildAlertMessage({ activity, breakGlass, alertedAt: '2026-11-20T09:15:04.250Z' });
    const finding = buildRootActivityFinding({
      activity,
      breakGlass,
      target: { partition: 'aws', region: ALERT_REGION, importerAccountId: SECURITY_TOOLING_ACCOUNT },
      now: '2026-11-20T09:15:04.250Z',
    });

    expect(message.body.split('\n')).not.toContain('2. Close the incident');
    expect(message.body).not.toMatch(/\u202e/);
    for (const text of [
      finding.Description,
      finding.Note?.Text,
      ...Object.values(finding.UserDefinedFields ?? {}),
    ])
      expect(isOneLine(String(text), 1024)).toBe(true);
  });

  it('keeps a hostile ticket id read from the break-glass table out of the page structure', async () => {
    const window = breakGlassWindow({ ticketId: HOSTILE_TICKET });
    dynamoMock
      .on(QueryCommand)
      .resolves({ Items: [{ ...window, sk: sortKey(window), expiresAt: 1_800_000_000 }] });

    await invoke(loadEvent('root-console-signin-success'));

    const body = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(body.split('\n')).not.toContain('2. Close the incident');
  });
});

/**
 * The root activity ledger (issue 15, item 1): every root event the alert handles is one idempotent item, the
 * item is the page's idempotency marker, and a ledger that cannot be written never stops the page: the page
 * goes out, then the invocation fails (LedgerWriteFailures) so Lambda retries, and the retry does not page again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { CustodyLookup } from '../../../alerts/root-activity/device-custody';
import { LedgerWriteError } from '../../../alerts/root-activity/errors';
import { createRootActivityHandler } from '../../../alerts/root-activity/handler';
import {
  CLAIM_STALE_MS,
  CUSTODY_CACHE_MS,
  claimPage,
  custodyLookupFromLedger,
  ledgerExpiresAt,
  ledgerRecordFromItem,
  recordRootActivity,
} from '../../../alerts/root-activity/ledger';
import { publishCustodyToLedger } from '../../../cli/custody-publish';
import { ClientFactory } from '../../../lib/clients';
import { LEDGER_RETENTION_DAYS, type LedgerRecord } from '../../../lib/root-activity-ledger';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../helpers/constants';
import { custodyDevice } from '../../helpers/mfa-devices';
import { s3Object } from '../../helpers/org-snapshot';
import { ledgerRecord } from '../../helpers/report-fixtures';
import {
  ALERT_CONFIG,
  ALERT_REGION,
  fakeLedgerTable,
  lambdaContext,
  loadEvent,
  MetricsRecorder,
} from '../../helpers/root-activity-events';
import { alertSdkMocks } from '../../helpers/sdk-mocks';

const mocks = alertSdkMocks();
const TABLE = ALERT_CONFIG.ledgerTable;
const SIGN_IN_EVENT_ID = '3d1e2f4a-8b6c-4d2e-9f10-a1b2c3d4e5f6';
const NOW = new Date('2026-11-20T09:15:04.250Z');
const PRIMARY_KEY = 'arn:aws:iam::222222222222:u2f/root/primary-key-ABCDEFGHIJKLMNOP';

// Paged, but not yet completed: no page time.
const RECORD: LedgerRecord = ledgerRecord({
  eventId: SIGN_IN_EVENT_ID,
  accountId: MEMBER_ACCOUNT,
  eventTime: '2026-11-20T09:15:01Z',
  sourceIp: undefined,
  userAgent: undefined,
  mfaUsed: undefined,
  rootSessionId: SIGN_IN_EVENT_ID,
  alertedAt: undefined,
  alertLatencyMs: undefined,
});

let metrics: MetricsRecorder;
let ledger: ReturnType<typeof fakeLedgerTable>;
const client = () => new DynamoDBClient({ region: ALERT_REGION });

beforeEach(() => {
  mocks.reset();
  metrics = new MetricsRecorder();
  ledger = fakeLedgerTable(mocks.dynamo);
});

describe('recordRootActivity', () => {
  it('writes the record once, kept at least 400 days after the event', async () => {
    const first = await recordRootActivity(client(), TABLE, RECORD);
    const second = await recordRootActivity(client(), TABLE, { ...RECORD, eventName: 'ConsoleLogin' });

    expect([first, second]).toEqual([{ created: true }, { created: false }]);
    expect(ledger.size).toBe(1);
    const stored = ledger.get(SIGN_IN_EVENT_ID) as { expiresAt: number };
    expect(stored.expiresAt - Date.parse(RECORD.eventTime) / 1000).toBe(LEDGER_RETENTION_DAYS * 86_400);
    expect(LEDGER_RETENTION_DAYS).toBeGreaterThanOrEqual(400);
    expect(mocks.dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(eventId)',
    });
  });

  it('refuses a record that does not match the ledger schema, before writing', async () => {
    await expect(recordRootActivity(client(), TABLE, { ...RECORD, accountId: 'nope' })).rejects.toThrow();
    expect(ledger.size).toBe(0);
  });

  it('reads back as the LedgerRecord, without the store’s own attributes', async () => {
    await recordRootActivity(client(), TABLE, RECORD);

    expect(ledgerRecordFromItem(ledger.get(SIGN_IN_EVENT_ID) as Record<string, unknown>)).toEqual(RECORD);
    expect(
      ledgerRecordFromItem({ eventId: 'assume-root#ASIA', recordType: 'root-session-issuance' }),
    ).toBeUndefined();
    expect(ledgerExpiresAt('2026-01-01T00:00:00Z')).toBe(Date.parse('2027-02-05T00:00:00Z') / 1000);
  });
});

describe('claimPage', () => {
  const claim = (requestId: string, at = NOW) => claimPage(client(), TABLE, RECORD, { requestId, at });

  it('claims an event nobody paged, and leaves a fresh claim of another invocation to it', async () => {
    expect(await claim('req-1')).toEqual({ state: 'claimed' });
    expect(await claim('req-2', new Date(NOW.getTime() + 5_000))).toEqual({
      state: 'claimed-elsewhere',
      ageMs: 5_000,
    });
  });

  it('lets the retry of the same invocation (same request id) and a stale claim page', async () => {
    await claim('req-1');

    expect(await claim('req-1')).toEqual({ state: 'claimed' });
    expect(await claim('req-3', new Date(NOW.getTime() + CLAIM_STALE_MS + 1))).toEqual({ state: 'claimed' });
  });

  it('never takes another account’s record of the same id for a duplicate', async () => {
    ledger.set(SIGN_IN_EVENT_ID, {
      ...RECORD,
      accountId: OTHER_ACCOUNT,
      alertedAt: '2026-11-20T09:15:03.000Z',
    });

    expect(await claim('req-1')).toEqual({ state: 'id-collision', otherAccountId: OTHER_ACCOUNT });
  });

  it('reports an event already paged', async () => {
    ledger.set(SIGN_IN_EVENT_ID, { ...RECORD, alertedAt: '2026-11-20T09:15:03.000Z' });

    expect(await claim('req-9')).toEqual({ state: 'already-paged', alertedAt: '2026-11-20T09:15:03.000Z' });
  });

  it('still reports an event already paged when the claim cannot be written, and fails on one not paged', async () => {
    // Prepare
    ledger.set(SIGN_IN_EVENT_ID, { ...RECORD, alertedAt: '2026-11-20T09:15:03.000Z' });
    ledger.failNextWrites = 1;

    // Act
    const paged = await claim('req-9');
    ledger.delete(SIGN_IN_EVENT_ID);
    ledger.failNextWrites = 1;
    const notPaged = claim('req-10');

    // Assess
    expect(paged).toEqual({ state: 'already-paged', alertedAt: '2026-11-20T09:15:03.000Z' });
    await expect(notPaged).rejects.toThrow(/dynamodb:PutItem/);
  });
});

/** The alert handler at NOW, with `custodyLookup` as its register reader when given. */
const alertHandler = (custodyLookup?: CustodyLookup) =>
  createRootActivityHandler({
    config: ALERT_CONFIG,
    clientFactory: new ClientFactory({ region: ALERT_REGION }),
    now: () => NOW,
    metrics,
    retryDelayMs: 0,
    ...(custodyLookup ? { custodyLookup } : {}),
  });

describe('the alert handler and the ledger', () => {
  const handler = () => alertHandler();
  const invoke = (h: ReturnType<typeof handler>, requestId: string) =>
    h(loadEvent('root-console-signin-success'), { ...lambdaContext(), awsRequestId: requestId });
  const pages = () => mocks.sns.commandCalls(PublishCommand).length;

  it('records the paged event with its device, page time and latency', async () => {
    await invoke(handler(), 'req-1');

    expect(ledgerRecordFromItem(ledger.get(SIGN_IN_EVENT_ID) as Record<string, unknown>)).toEqual({
      ...RECORD,
      mfaUsed: true,
      mfaDevice: PRIMARY_KEY,
      sourceIp: '198.51.100.23',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0',
      alertedAt: NOW.toISOString(),
      alertLatencyMs: 3250,
    });
  });

  it('counts the same event id delivered twice once, and pages once', async () => {
    const first = await invoke(handler(), 'req-1');
    const second = await invoke(handler(), 'req-2');

    expect(first).toMatchObject({ status: 'alerted' });
    expect(second).toEqual({
      status: 'duplicate',
      accountId: MEMBER_ACCOUNT,
      eventId: SIGN_IN_EVENT_ID,
      alertedAt: NOW.toISOString(),
    });
    expect(pages()).toBe(1);
    expect(ledger.size).toBe(1);
    expect(metrics.named('DuplicateEvents')).toHaveLength(1);
  });

  it('pages even when the ledger cannot be written, then fails so Lambda retries the write', async () => {
    mocks.dynamo
      .on(PutCommand)
      .rejects(Object.assign(new Error('table is gone'), { name: 'ResourceNotFoundException' }));

    await expect(invoke(handler(), 'req-1')).rejects.toThrow(LedgerWriteError);

    expect(pages()).toBe(1);
    expect(metrics.named('LedgerWriteFailures')).toHaveLength(1);
    expect(metrics.published).toBe(1);
  });

  it('does not page again when the retry finds the ledger back', async () => {
    const h = handler();
    ledger.failNextWrites = 1;

    await expect(invoke(h, 'req-1')).rejects.toThrow(LedgerWriteError);
    const retry = await invoke(h, 'req-1');

    expect(retry).toMatchObject({ status: 'duplicate', alertedAt: NOW.toISOString() });
    expect(pages()).toBe(1);
    expect(ledger.get(SIGN_IN_EVENT_ID)).toMatchObject({ alertedAt: NOW.toISOString(), paged: true });
  });

  it('does not page again on a retry in the same container when neither ledger write got through', async () => {
    const h = handler();
    ledger.failNextWrites = 2;

    await expect(invoke(h, 'req-1')).rejects.toThrow(LedgerWriteError);
    expect(ledger.size).toBe(0);
    const retry = await invoke(h, 'req-1');

    expect(retry).toMatchObject({ status: 'duplicate', alertedAt: NOW.toISOString() });
    expect(pages()).toBe(1);
    expect(ledger.get(SIGN_IN_EVENT_ID)).toMatchObject({ alertedAt: NOW.toISOString() });
  });

  it('pages an event whose id another account’s record holds, and counts the collision', async () => {
    ledger.set(SIGN_IN_EVENT_ID, {
      ...RECORD,
      accountId: OTHER_ACCOUNT,
      alertedAt: '2026-11-20T09:15:03.000Z',
    });

    expect(await invoke(handler(), 'req-1')).toMatchObject({ status: 'alerted', accountId: MEMBER_ACCOUNT });
    expect(pages()).toBe(1);
    expect(metrics.named('LedgerIdCollisions')).toHaveLength(1);
    expect(ledger.get(SIGN_IN_EVENT_ID)).toMatchObject({ accountId: OTHER_ACCOUNT });
  });

  it('pages on the retry when SNS failed the first time (the claim is its own)', async () => {
    mocks.sns.on(PublishCommand).rejectsOnce(new Error('SNS unavailable')).resolves({ MessageId: 'msg-2' });
    const h = handler();

    await expect(invoke(h, 'req-1')).rejects.toThrow(/SNS alert not sent/);
    const retry = await invoke(h, 'req-1');

    expect(retry).toMatchObject({ status: 'alerted', messageId: 'msg-2' });
    expect(ledger.get(SIGN_IN_EVENT_ID)).toMatchObject({ alertedAt: NOW.toISOString() });
  });
});

describe('custodyLookupFromLedger (the register `custody publish --ledger-table` wrote)', () => {
  const register = (digest: string, devices = [custodyDevice(PRIMARY_KEY, 'Frankfurt office safe')]) =>
    publishCustodyToLedger(
      client(),
      ALERT_CONFIG.ledgerTable,
      { version: 1, accounts: [{ accountId: MEMBER_ACCOUNT, devices }] },
      digest,
      NOW,
    );
  const lookup = (now = () => NOW, onFailure?: (reason: string) => void) =>
    custodyLookupFromLedger(client(), ALERT_CONFIG.ledgerTable, now, onFailure);

  it('returns the account’s entry from the current register, and says when none is published', async () => {
    // Prepare
    const before = await lookup()(MEMBER_ACCOUNT);
    await register('digest-1');

    // Act
    const found = await lookup()(MEMBER_ACCOUNT);
    const other = await lookup()(OTHER_ACCOUNT);

    // Assess
    expect(before).toBe('not-configured');
    expect(found).toEqual({
      accountId: MEMBER_ACCOUNT,
      devices: [custodyDevice(PRIMARY_KEY, 'Frankfurt office safe')],
    });
    expect(other).toBeUndefined();
  });

  it('reads an account dropped from the current register as absent, not as its old entry', async () => {
    // Prepare: the member in register 1; register 2 (another account only) becomes current.
    await register('digest-1');
    await publishCustodyToLedger(
      client(),
      ALERT_CONFIG.ledgerTable,
      { version: 1, accounts: [{ accountId: OTHER_ACCOUNT, devices: [] }] },
      'digest-2',
      NOW,
    );

    // Act
    const found = await lookup()(MEMBER_ACCOUNT);

    // Assess
    expect(found).toBeUndefined();
  });

  it('keeps what it read for five minutes, and is unavailable (not cached) when the read fails', async () => {
    // Prepare
    await register('digest-1');
    let t = NOW.getTime();
    const cached = lookup(() => new Date(t));
    await cached(MEMBER_ACCOUNT);
    await register('digest-2', []);
    const reasons: string[] = [];

    // Act
    const stillOld = await cached(MEMBER_ACCOUNT);
    t += CUSTODY_CACHE_MS;
    const renewed = await cached(MEMBER_ACCOUNT);
    mocks.dynamo.on(GetCommand).rejects(new Error('connection reset'));
    const failed = await lookup(
      () => NOW,
      (r) => reasons.push(r),
    )(MEMBER_ACCOUNT);

    // Assess
    expect(stillOld).toMatchObject({ devices: [expect.objectContaining({ serialNumber: PRIMARY_KEY })] });
    expect(renewed).toMatchObject({ devices: [] });
    expect(failed).toBe('unavailable');
    expect(reasons).toEqual([expect.stringContaining('connection reset')]);
  });

  it('makes a sign-in with a device the published register does not list a CRITICAL alert', async () => {
    // Prepare
    await register('digest-1', []);

    // Act
    const result = await alertHandler()(loadEvent('root-console-signin-success'), lambdaContext());

    // Assess
    expect(result).toMatchObject({ status: 'alerted', severity: 'CRITICAL' });
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toContain(
      'UNREGISTERED MFA DEVICE',
    );
  });
});

describe('the custody register lookup in the alert', () => {
  it('puts an unregistered device into the alert as CRITICAL, even inside a window', async () => {
    const h = alertHandler(async () => ({ accountId: MEMBER_ACCOUNT, devices: [] }));

    const result = await h(loadEvent('root-console-signin-success'), lambdaContext());

    expect(result).toMatchObject({ status: 'alerted', severity: 'CRITICAL' });
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toContain(
      'UNREGISTERED MFA DEVICE',
    );
  });

  it('still alerts when the register is unavailable, and says so', async () => {
    const h = alertHandler(async () => 'unavailable');

    expect(await h(loadEvent('root-console-signin-success'), lambdaContext())).toMatchObject({
      status: 'alerted',
    });
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(
      'UNKNOWN: the key custody register could not be read',
    );
  });
});

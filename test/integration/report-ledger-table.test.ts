/**
 * `rootguard report --ledger-table` against moto_server:
 * - the sample organization's year of root activity put in a ledger table (keyed by eventId, as the alert path
 *   writes it), read back in many Scan pages, gives the same report as the JSON Lines export it came from;
 * - a ledger table written by the alert path itself (the handler with real clients, session paging on, an
 *   AssumeRoot issuance and the published key custody register beside the records) reads into the report, the
 *   items that are not records skipped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { publishCustodyToLedger } from '../../cli/custody-publish';
import {
  isLedgerRecordItem,
  LEDGER_RETENTION_DAYS,
  type LedgerRecord,
  ledgerRecordFields,
} from '../../lib/root-activity-ledger';
import type { ReportData } from '../../report/kpi';
import { loadLedgerFile } from '../../report/sources/ledger-file';
import { liveIo } from '../../report/sources/live';
import { custodyRegister } from '../helpers/custody-register';
import { emulatedAlertHandler } from '../helpers/emulated-alert-path';
import {
  createBreakGlassTable,
  createEmulatedQueue,
  createEmulatedTable,
  emulatorClientFactory,
  useEmulatedClients,
} from '../helpers/emulator';
import { reportSampleFacts, reportSampleOrg, SAMPLE_LEDGER } from '../helpers/report-fixtures';
import {
  ASSUME_ROOT_ISSUANCE,
  auditSessionCall,
  loadEvent,
  MetricsRecorder,
  ROOT_AUDIT_ROLE_ARN,
} from '../helpers/root-activity-events';
import { consoleSession, SESSION_CONFIG, SESSION_TABLE } from '../helpers/root-sessions';
import { useTempDir } from '../helpers/temp-dir';

const TABLE = 'rootguard-root-activity-ledger';
const PAGE_SIZE = 5;

const dir = useTempDir('rootguard-report-it-');
const aws = useEmulatedClients({
  dynamodb: DynamoDBClient,
  sns: SNSClient,
  sqs: SQSClient,
  scheduler: SchedulerClient,
});
beforeEach(async () => {
  // Keyed by eventId, as the alert path writes it.
  await createEmulatedTable(aws.dynamodb, TABLE, 'eventId');
});

it('reads every page of the ledger table into the same report as the export', async () => {
  // Prepare: the export's records, each with the TTL attribute the table keeps for itself.
  const records = loadLedgerFile(SAMPLE_LEDGER);
  const doc = DynamoDBDocumentClient.from(aws.dynamodb);
  for (let i = 0; i < records.length; i += 25) {
    await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: records.slice(i, i + 25).map((record) => ({
            PutRequest: {
              Item: {
                ...record,
                expiresAt: Math.floor(Date.parse(record.eventTime) / 1000) + LEDGER_RETENTION_DAYS * 86_400,
              },
            },
          })),
        },
      }),
    );
  }
  const clients = emulatorClientFactory();
  // The factory memoises its clients: this is the client the report's Scan goes through.
  let scans = 0;
  clients.client(DynamoDBClient).middlewareStack.add(
    (next) => async (args) => {
      scans += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countScans' },
  );
  const fromExport = join(dir(), 'export');

  // Act
  const { code, io } = await reportSampleFacts(['--ledger-table', TABLE, '--out', join(dir(), 'table')], {
    reportLiveIo: () => liveIo(clients, { pageSize: PAGE_SIZE }),
  });
  await reportSampleOrg(fromExport);

  // Assess
  expect(io.err()).toBe('');
  expect(code).toBe(0);
  const table = JSON.parse(readFileSync(join(dir(), 'table', 'report.json'), 'utf8')) as ReportData;
  const exported = JSON.parse(readFileSync(join(fromExport, 'report.json'), 'utf8')) as ReportData;
  expect(scans).toBe(Math.ceil((records.length + 1) / PAGE_SIZE));
  expect(table.sources.ledger).toBe(`ledger table ${TABLE}`);
  expect({ ...table, sources: undefined }).toEqual({ ...exported, sources: undefined });
  expect(table.activity.total.signIns.undocumented + table.activity.total.signIns.documented).toBe(6);
});

it('reads the ledger the alert path wrote: one record per event with its session, other items skipped', async () => {
  // Prepare: the alert's own stack on the emulator, session paging on, rootguard's audit role configured.
  const { TopicArn } = await aws.sns.send(new CreateTopicCommand({ Name: 'rootguard-root-activity' }));
  const invalid = await createEmulatedQueue(aws.sqs, 'rootguard-root-activity-invalid');
  await createBreakGlassTable(aws.dynamodb, 'rootguard-break-glass');
  await createEmulatedTable(aws.dynamodb, SESSION_TABLE, 'pk');
  await aws.scheduler.send(new CreateScheduleGroupCommand({ Name: SESSION_CONFIG.schedule.groupName }));
  const clock = new Date('2026-11-20T09:16:00Z');
  const invoke = emulatedAlertHandler(
    {
      topicArn: TopicArn as string,
      invalidEventQueueUrl: invalid.url,
      breakGlassTable: 'rootguard-break-glass',
      ledgerTable: TABLE,
      rootAuditRoleArn: ROOT_AUDIT_ROLE_ARN,
    },
    { sessions: SESSION_CONFIG, metrics: new MetricsRecorder(), now: () => clock },
  );
  // The key custody register as `custody publish --ledger-table` writes it, beside the records.
  await publishCustodyToLedger(aws.dynamodb, TABLE, custodyRegister(), 'register-sha256', clock);
  const session = consoleSession(4);
  const events = [loadEvent(ASSUME_ROOT_ISSUANCE), auditSessionCall('ListMFADevices'), ...session];

  // Act
  const results = [];
  for (const event of events) results.push(await invoke(event));
  // A duplicate delivery of the sign-in changes nothing.
  results.push(await invoke(session[0], 'req-2'));
  const items = (await DynamoDBDocumentClient.from(aws.dynamodb).send(new ScanCommand({ TableName: TABLE })))
    .Items as Record<string, unknown>[];
  const records = items.filter(isLedgerRecordItem).map((i) => ledgerRecordFields(i) as LedgerRecord);
  const exported = join(dir(), 'alert-ledger.jsonl');
  writeFileSync(exported, records.map((r) => JSON.stringify(r)).join('\n'));
  // The sample facts were evaluated before these events: the report's now is after them.
  const asOf = ['--as-of', '2026-12-01T00:00:00Z'];
  const fromTable = await reportSampleFacts(
    ['--ledger-table', TABLE, '--out', join(dir(), 'table'), ...asOf],
    { reportLiveIo: () => liveIo(emulatorClientFactory()) },
  );
  const fromExport = await reportSampleFacts(['--ledger', exported, '--out', join(dir(), 'export'), ...asOf]);

  // Assess
  expect(results.map((r) => r.status)).toEqual([
    'issuance-recorded',
    'audit-recorded',
    'alerted',
    'appended',
    'appended',
    'appended',
    'appended',
  ]);
  expect(results.at(-1)).toMatchObject({ session: { decision: 'duplicate' } });
  expect(
    items
      .filter((i) => !isLedgerRecordItem(i))
      .map((i) => i.recordType)
      .sort(),
  ).toEqual([
    'custody-register',
    ...custodyRegister().accounts.map(() => 'custody-register-account'),
    'root-session-issuance',
  ]);
  const bySession = records.filter((r) => r.session === 'root-credentials');
  const sessionId = bySession.find((r) => r.paged)?.rootSessionId;
  expect(sessionId).toMatch(/^222222222222-\d+-[0-9a-f]{8}$/);
  expect(bySession.map((r) => [r.eventId, r.rootSessionId, r.paged]).sort()).toEqual(
    session.map((e, i) => [e.detail.eventID, sessionId, i === 0]).sort(),
  );
  expect(records.find((r) => r.session === 'assumed-root')).toMatchObject({
    paged: false,
    rootSessionId: expect.stringMatching(/^audit-222222222222-/),
  });
  expect(fromTable.io.err()).toBe('');
  expect([fromTable.code, fromExport.code]).toEqual([0, 0]);
  const table = JSON.parse(readFileSync(join(dir(), 'table', 'report.json'), 'utf8')) as ReportData;
  const file = JSON.parse(readFileSync(join(dir(), 'export', 'report.json'), 'utf8')) as ReportData;
  expect({ ...table, sources: undefined }).toEqual({ ...file, sources: undefined });
  expect(table.activity.total.signIns.undocumented).toBe(1);
  expect(table.mtta.count).toBe(1);
});

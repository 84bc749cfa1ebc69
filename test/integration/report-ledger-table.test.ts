/**
 * `rootguard report --ledger-table` against moto_server: the sample organization's year of root activity put
 * in a ledger table (keyed by eventId, as the alert path writes it), read back in many Scan pages, gives the
 * same report as the JSON Lines export it came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LEDGER_RETENTION_DAYS } from '../../lib/root-activity-ledger';
import type { ReportData } from '../../report/kpi';
import { loadLedgerFile } from '../../report/sources/ledger-file';
import { liveIo } from '../../report/sources/live';
import {
  createEmulatedTable,
  emulatorClient,
  emulatorClientFactory,
  resetEmulator,
} from '../helpers/emulator';
import { reportSampleFacts, reportSampleOrg, SAMPLE_LEDGER } from '../helpers/report-fixtures';
import { useTempDir } from '../helpers/temp-dir';

const TABLE = 'rootguard-root-activity-ledger';
const PAGE_SIZE = 5;

const dir = useTempDir('rootguard-report-it-');
let dynamodb: DynamoDBClient;
beforeEach(async () => {
  await resetEmulator();
  dynamodb = emulatorClient(DynamoDBClient);
  // Keyed by eventId, as the alert path writes it.
  await createEmulatedTable(dynamodb, TABLE, 'eventId');
});
afterEach(() => dynamodb.destroy());

it('reads every page of the ledger table into the same report as the export', async () => {
  // Prepare: the export's records, each with the TTL attribute the table keeps for itself.
  const records = loadLedgerFile(SAMPLE_LEDGER);
  const doc = DynamoDBDocumentClient.from(dynamodb);
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

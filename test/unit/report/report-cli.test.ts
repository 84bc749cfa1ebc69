import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { run } from '../../../cli/index';
import { SAMPLE_LEDGER_PATH, sampleLedger, toJsonLines } from '../../../examples/generate-sample-ledger';
import type { ReportData } from '../../../report/kpi';
import type { ReportLiveIo } from '../../../report/sources/live';
import { argv, captureIo } from '../../helpers/cli-io';
import {
  ACCOUNTS,
  apiCall,
  evaluation,
  ledgerRecord,
  reportSampleFacts,
  reportSampleOrg,
  SAMPLE_LEDGER,
  SAMPLE_ORG,
} from '../../helpers/report-fixtures';
import { useTempDir } from '../../helpers/temp-dir';

const dir = useTempDir('rootguard-report-');

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ReportData;

describe('rootguard report of the sample organization', () => {
  it('writes HTML, CSV and JSON and prints where', async () => {
    // Act
    const { code, io } = await reportSampleOrg(dir());

    // Assess
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toContain(`wrote ${join(dir(), 'report.html')}`);
    const data = readJson(join(dir(), 'report.json'));
    expect(data.period).toEqual({
      since: '2026-01-01T00:00:00.000Z',
      until: '2026-11-20T06:00:00.000Z',
      quarters: ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'],
    });
    // 8 of 11: staging and sandbox-alice have a virtual device; legacy-closed has no facts (never covered).
    expect(data.mfa.hardware.organization).toEqual({
      covered: 8,
      applicable: 11,
      notEvaluated: 1,
      percent: 72.7,
    });
    expect(data.activity.total.signIns).toEqual({
      documented: 3,
      undocumented: 3,
      failed: 1,
      withoutMfa: 2,
      mfaUnknown: 1,
    });
    expect(data.mtta).toMatchObject({
      count: 8,
      maxMs: 47 * 60_000 + 31_000,
      overTarget: 2,
      meetsTarget: false,
    });
    expect(data.evaluationCoverage.accountsNotEvaluated).toBe(1);
    const csv = parse(readFileSync(join(dir(), 'report.csv'), 'utf8')) as string[][];
    expect(csv).toHaveLength(data.evidence.length + 1);
  });

  it('selects one quarter with --quarter', async () => {
    // Act
    const { code } = await reportSampleOrg(dir(), '--quarter', '2026-Q3');

    // Assess
    expect(code).toBe(0);
    const data = readJson(join(dir(), 'report.json'));
    expect(data.period.quarters).toEqual(['2026-Q3']);
    // The AssumeRoot task's window opened on 2026-06-30: its calls after midnight count in Q3, documented.
    expect(data.activity.total.apiCalls).toEqual({ documented: 4, undocumented: 4 });
  });

  it('reaches back across a year end with --since', async () => {
    // Act
    const { code } = await reportSampleOrg(dir(), '--since', '2025-10-01', '--until', '2026-01-01');

    // Assess
    expect(code).toBe(0);
    const data = readJson(join(dir(), 'report.json'));
    expect(data.activity.byQuarter.map((q) => [q.quarter, q.signIns.documented])).toEqual([['2025-Q4', 1]]);
  });

  it('is what examples/generate-sample-ledger.ts writes', () => {
    // Act / Assess
    expect(readFileSync(SAMPLE_LEDGER_PATH, 'utf8')).toBe(toJsonLines(sampleLedger()));
  });
});

describe('rootguard report input errors', () => {
  it('names the line of a bad ledger record and exits 1', async () => {
    // Prepare
    const ledger = join(dir(), 'ledger.jsonl');
    writeFileSync(ledger, `${JSON.stringify(ledgerRecord())}\n${JSON.stringify({ eventId: 'x' })}\n`);

    // Act
    const { code, io } = await reportSampleFacts(['--ledger', ledger, '--out', dir()]);

    // Assess
    expect(code).toBe(1);
    expect(io.err()).toContain(`${ledger}:2: `);
  });

  it.each([
    [['--ledger', SAMPLE_LEDGER], 'report needs a compliance source'],
    [['--facts', SAMPLE_ORG], 'report needs exactly one root activity source'],
    [['--facts', SAMPLE_ORG, '--ledger', SAMPLE_LEDGER, '--quarter', '2026-Q9'], '--quarter 2026-Q9'],
    [['--facts', SAMPLE_ORG, '--ledger', SAMPLE_LEDGER, '--as-of', 'soon'], '--as-of soon'],
  ])('refuses %j', async (args, message) => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await run(argv('report', ...args, '--out', dir()), io);

    // Assess
    expect(code).toBe(1);
    expect(io.err()).toContain(message);
  });
});

describe('rootguard report from live sources', () => {
  it('reads the aggregator, the organization and the ledger table through the live I/O', async () => {
    // Prepare
    const live: ReportLiveIo = {
      readOrganization: jest.fn(async () => ({ organization: { id: 'o-live123456' }, accounts: ACCOUNTS })),
      readAggregator: jest.fn(async () => [
        evaluation('111111111111', 'root-hardware-mfa', 'COMPLIANT', '2026-09-30T20:00:00Z'),
      ]),
      readLedgerTable: jest.fn(async () => [ledgerRecord(), apiCall()]),
    };
    const io = captureIo({ reportLiveIo: () => live });

    // Act
    const code = await run(
      argv(
        'report',
        '--aggregator',
        'org-aggregator',
        '--ledger-table',
        'rootguard-ledger',
        '--as-of',
        '2026-09-30T22:00:00Z',
        '--out',
        dir(),
      ),
      io,
    );

    // Assess
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(live.readAggregator).toHaveBeenCalledWith('org-aggregator');
    expect(live.readLedgerTable).toHaveBeenCalledWith('rootguard-ledger');
    const data = readJson(join(dir(), 'report.json'));
    expect(data.organization.id).toBe('o-live123456');
    expect(data.mfa.hardware.organization).toMatchObject({ covered: 1, applicable: 3 });
    expect(data.activity.total.apiCalls.undocumented).toBe(1);
    expect(data.sources).toEqual({
      compliance: 'Config aggregator org-aggregator',
      ledger: 'ledger table rootguard-ledger',
    });
  });
});

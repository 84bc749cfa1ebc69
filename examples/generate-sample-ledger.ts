/**
 * Writes examples/sample-ledger.jsonl: a year of root activity for the sample organization
 * (examples/sample-org.json), as the alert path records it, for `npm run demo` and the report tests.
 * Deterministic (a seeded PRNG, fixed times), so running it again rewrites the same file:
 *
 *   npx tsx examples/generate-sample-ledger.ts          # rewrite the file
 *   npx tsx examples/generate-sample-ledger.ts --check  # fail when the file is not what this script writes
 *
 * The story, consistent with the facts file's credential reports and break-glass windows:
 * - management: documented break-glass sessions (2026-05-20, whose sign-in record has no MFA field, and
 *   2026-11-17, the support-plan change at the facts file's passwordLastUsed);
 * - prod-data: a centralized-root-access (AssumeRoot) task under a window that opened on 2026-06-30, before
 *   Q3, with calls on both sides of the quarter boundary;
 * - log-archive: a failed sign-in from an unknown address (paged 9 minutes late: a latency outlier);
 * - dev: undocumented API calls with the root access key the facts file flags;
 * - sandbox-alice: a documented session inside its window on 2026-10-29, then an undocumented sign-in the
 *   next day that launches instances in four Regions (the cryptojacking story);
 * - staging: an undocumented sign-in at passwordLastUsed, paged 47 minutes late (delivery delay outlier);
 * - security-tooling: a sign-in on 2025-12-01, before the default period (it shows with --since 2025-10-01).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LedgerRecord, ledgerRecordSchema } from '../lib/root-activity-ledger';
import { mulberry32 } from '../test/helpers/prng';

export const SAMPLE_LEDGER_PATH = join(__dirname, 'sample-ledger.jsonl');

interface Call {
  name: string;
  source: string;
  region?: string;
  kind?: LedgerRecord['kind'];
}

interface SessionPlan {
  accountId: string;
  start: string;
  sourceIp: string;
  userAgent: string;
  session?: LedgerRecord['session'];
  /** The first event: a console sign-in unless `calls` start with an API call. */
  signIn?: { outcome?: LedgerRecord['outcome']; mfaUsed?: boolean; mfaDevice?: string };
  calls: Call[];
  breakGlassWindowId?: string;
  /** Latency of the page of the first event (ms); default 20–90 s. */
  latencyMs?: number;
  /** Seconds between calls. */
  spacing?: number;
}

const CONSOLE_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';
const CLI_UA = 'aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.1 os/linux#6.8 md/arch#x86_64 lang/python#3.12.6';

/** Calls of one service, in order, each with `extra` (a Region, a kind). */
const callsOf = (service: string, names: readonly string[], extra: Partial<Call> = {}): Call[] =>
  names.map((name) => ({ name, source: `${service}.amazonaws.com`, ...extra }));

const SESSIONS: SessionPlan[] = [
  {
    accountId: '666666666666',
    start: '2025-12-01T09:00:00Z',
    sourceIp: '198.51.100.24',
    userAgent: CONSOLE_UA,
    signIn: {
      mfaUsed: true,
      mfaDevice: 'arn:aws:iam::666666666666:u2f/root-account-mfa-device/yubikey-ab12',
    },
    calls: [{ name: 'GetAccountSummary', source: 'iam.amazonaws.com' }],
    breakGlassWindowId: '2b7e1f40-5c3a-4d8e-9f61-0a2b3c4d5e6f',
  },
  {
    accountId: '777777777777',
    start: '2026-02-03T02:17:09Z',
    sourceIp: '203.0.113.77',
    userAgent: CONSOLE_UA,
    signIn: { outcome: 'failure', mfaUsed: false },
    calls: [],
    latencyMs: 9 * 60_000 + 12_000,
  },
  {
    accountId: '111111111111',
    start: '2026-05-20T14:02:31Z',
    sourceIp: '198.51.100.10',
    userAgent: CONSOLE_UA,
    // CloudTrail did not record whether MFA was used: the record has no mfaUsed.
    signIn: {},
    calls: [
      { name: 'GetAccountInformation', source: 'account.amazonaws.com', kind: 'console-action' },
      { name: 'PutAlternateContact', source: 'account.amazonaws.com' },
      { name: 'GetAlternateContact', source: 'account.amazonaws.com' },
    ],
    breakGlassWindowId: 'c3d4e5f6-0718-4a9b-8c1d-2e3f4a5b6c7d',
  },
  {
    accountId: '333333333333',
    start: '2026-06-30T23:40:00Z',
    sourceIp: '10.20.0.15',
    userAgent: CLI_UA,
    session: 'assumed-root',
    calls: callsOf(
      's3',
      [
        'GetBucketPolicy',
        'GetBucketPolicyStatus',
        'DeleteBucketPolicy',
        'GetBucketPolicy',
        'GetBucketAcl',
        'GetBucketLocation',
      ],
      { region: 'eu-west-1' },
    ),
    breakGlassWindowId: '7e8f9a0b-1c2d-4e3f-8a5b-6c7d8e9f0a1b',
    spacing: 600,
  },
  {
    accountId: '555555555555',
    start: '2026-08-22T03:14:55Z',
    sourceIp: '192.0.2.201',
    userAgent: CLI_UA,
    // Reconnaissance: one read in each of four services.
    calls: (
      [
        ['sts', 'GetCallerIdentity'],
        ['s3', 'ListBuckets'],
        ['ec2', 'DescribeInstances'],
        ['iam', 'ListUsers'],
      ] as const
    ).flatMap(([service, name]) => callsOf(service, [name])),
  },
  {
    accountId: '999999999999',
    start: '2026-10-29T09:20:00Z',
    sourceIp: '198.51.100.31',
    userAgent: CONSOLE_UA,
    signIn: { mfaUsed: true, mfaDevice: 'arn:aws:iam::999999999999:mfa/root-account-mfa-device' },
    calls: callsOf('iam', ['DeactivateMFADevice', 'EnableMFADevice', 'ListMFADevices']),
    breakGlassWindowId: '9a1b7c3d-2e4f-4a6b-8c0d-1e2f3a4b5c6d',
  },
  {
    accountId: '999999999999',
    start: '2026-10-30T16:45:00Z',
    sourceIp: '203.0.113.9',
    userAgent: CONSOLE_UA,
    signIn: { mfaUsed: true, mfaDevice: 'arn:aws:iam::999999999999:mfa/root-account-mfa-device' },
    calls: ['us-east-1', 'eu-central-1', 'ap-southeast-1', 'sa-east-1'].flatMap((region) =>
      callsOf('ec2', ['DescribeInstances', 'RunInstances', 'RunInstances'], { region }),
    ),
    spacing: 20,
  },
  {
    accountId: '444444444444',
    start: '2026-11-12T08:03:11Z',
    sourceIp: '192.0.2.140',
    userAgent: CONSOLE_UA,
    signIn: { mfaUsed: false },
    calls: [
      { name: 'GetAccountSummary', source: 'iam.amazonaws.com', kind: 'console-action' },
      { name: 'ListAccessKeys', source: 'iam.amazonaws.com' },
    ],
    latencyMs: 47 * 60_000 + 31_000,
  },
  {
    accountId: '111111111111',
    start: '2026-11-17T05:12:45Z',
    sourceIp: '198.51.100.10',
    userAgent: CONSOLE_UA,
    signIn: {
      mfaUsed: true,
      mfaDevice: 'arn:aws:iam::111111111111:u2f/root-account-mfa-device/yubikey-cd34',
    },
    calls: [
      { name: 'DescribeSupportLevel', source: 'support.amazonaws.com', kind: 'console-action' },
      { name: 'UpdateSupportPlan', source: 'supportplans.amazonaws.com' },
      { name: 'GetSupportPlan', source: 'supportplans.amazonaws.com' },
      { name: 'GetAccountInformation', source: 'account.amazonaws.com', kind: 'console-action' },
    ],
    breakGlassWindowId: '5f0c2b1e-7a3d-4c61-9b8e-2d4f6a8c0e13',
  },
];

/** Every event of every session, oldest first. The first event of a session pages; the rest are appended. */
export function sampleLedger(): LedgerRecord[] {
  const random = mulberry32(20261120);
  const hex = (length: number) =>
    Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
  const records: LedgerRecord[] = [];
  for (const plan of SESSIONS) {
    const rootSessionId = `rs-${plan.accountId}-${plan.start.slice(0, 10)}-${hex(6)}`;
    const events: Array<Omit<LedgerRecord, 'eventId' | 'eventTime' | 'rootSessionId' | 'paged'>> = [];
    const common = {
      accountId: plan.accountId,
      session: plan.session ?? ('root-credentials' as const),
      sourceIp: plan.sourceIp,
      userAgent: plan.userAgent,
      ...(plan.breakGlassWindowId ? { breakGlassWindowId: plan.breakGlassWindowId } : {}),
    };
    if (plan.signIn) {
      events.push({
        ...common,
        eventName: 'ConsoleLogin',
        eventSource: 'signin.amazonaws.com',
        kind: 'console-sign-in',
        outcome: plan.signIn.outcome ?? 'success',
        region: 'us-east-1',
        ...(plan.signIn.mfaUsed !== undefined ? { mfaUsed: plan.signIn.mfaUsed } : {}),
        ...(plan.signIn.mfaDevice ? { mfaDevice: plan.signIn.mfaDevice } : {}),
      });
    }
    for (const call of plan.calls) {
      events.push({
        ...common,
        eventName: call.name,
        eventSource: call.source,
        kind: call.kind ?? 'api-call',
        outcome: 'success',
        region: call.region ?? 'us-east-1',
      });
    }
    let time = Date.parse(plan.start);
    events.forEach((event, index) => {
      if (index > 0) time += ((plan.spacing ?? 45) + Math.floor(random() * 30)) * 1000;
      const eventTime = new Date(time).toISOString().replace('.000Z', 'Z');
      const paged = index === 0;
      const latencyMs = plan.latencyMs ?? 20_000 + Math.floor(random() * 70_000);
      records.push(
        ledgerRecordSchema.parse({
          eventId: uuid(),
          ...event,
          eventTime,
          rootSessionId,
          paged,
          ...(paged
            ? { alertedAt: new Date(time + latencyMs).toISOString(), alertLatencyMs: latencyMs }
            : {}),
        }),
      );
    });
  }
  return records.sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
}

export const toJsonLines = (records: readonly LedgerRecord[]): string =>
  records.map((record) => `${JSON.stringify(record)}\n`).join('');

if (require.main === module) {
  const text = toJsonLines(sampleLedger());
  if (process.argv.includes('--check')) {
    if (readFileSync(SAMPLE_LEDGER_PATH, 'utf8') !== text) {
      process.stderr.write(
        `${SAMPLE_LEDGER_PATH} is stale: run npx tsx examples/generate-sample-ledger.ts\n`,
      );
      process.exit(1);
    }
  } else {
    writeFileSync(SAMPLE_LEDGER_PATH, text);
    process.stdout.write(`wrote ${SAMPLE_LEDGER_PATH}\n`);
  }
}

import { computeReport, percentile } from '../../../report/kpi';
import { quarterStart, quartersBetween, resolvePeriod } from '../../../report/period';
import { ACCOUNTS, apiCall, evaluation, ledgerRecord, reportInput } from '../../helpers/report-fixtures';

describe('report period', () => {
  it('lists the quarters of a range across a year end', () => {
    // Act
    const period = resolvePeriod(
      { since: '2025-11-15', until: '2026-02-01' },
      new Date('2026-03-01T00:00:00Z'),
    );

    // Assess
    expect(period.quarters).toEqual(['2025-Q4', '2026-Q1']);
    expect(quarterStart('2025-Q4', 1).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(quarterStart('2026-Q1', -1).toISOString()).toBe('2025-10-01T00:00:00.000Z');
  });

  it('defaults to the four quarters that end with the quarter of asOf, up to asOf', () => {
    // Act
    const period = resolvePeriod({}, new Date('2026-02-10T12:00:00Z'));

    // Assess
    expect(period.since.toISOString()).toBe('2025-04-01T00:00:00.000Z');
    expect(period.until.toISOString()).toBe('2026-02-10T12:00:00.000Z');
    expect(period.quarters).toEqual(['2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1']);
  });

  it.each([
    [{ quarter: '2026-Q5' }, '--quarter 2026-Q5: expected YYYY-QN'],
    [{ quarter: '2026-Q3', since: '2026-07-01' }, '--quarter cannot be combined with --since/--until'],
    [{ since: '2026-08-01', until: '2026-07-01' }, 'the period is empty'],
    [{ since: 'yesterday' }, '--since yesterday: expected a date'],
  ])('refuses %j', (flags, message) => {
    // Act / Assess
    expect(() => resolvePeriod(flags, new Date('2026-09-01T00:00:00Z'))).toThrow(message);
  });

  it('lists no quarter for an empty range', () => {
    // Act / Assess
    expect(quartersBetween(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('root activity per quarter', () => {
  it('puts the last second of a year and the first of the next in their own quarters', () => {
    // Prepare
    const input = reportInput({
      period: resolvePeriod({ since: '2025-10-01', until: '2026-04-01' }, new Date('2026-04-01T00:00:00Z')),
      ledger: [
        ledgerRecord({ eventTime: '2025-12-31T23:59:59Z' }),
        ledgerRecord({ eventTime: '2026-01-01T00:00:00Z' }),
        ledgerRecord({ eventTime: '2026-04-01T00:00:00Z' }),
      ],
    });

    // Act
    const report = computeReport(input);

    // Assess
    expect(report.activity.byQuarter.map((q) => [q.quarter, q.signIns.undocumented])).toEqual([
      ['2025-Q4', 1],
      ['2026-Q1', 1],
    ]);
    expect(report.activity.total.signIns.undocumented).toBe(2);
  });

  it('counts a break-glass window that opened before the quarter only for the events inside the quarter', () => {
    // Prepare
    const window = { breakGlassWindowId: 'bgw-crossing-q2-q3' };
    const input = reportInput({
      ledger: [
        ledgerRecord({ ...window, eventTime: '2026-06-30T23:40:00Z' }),
        apiCall({ ...window, eventTime: '2026-06-30T23:50:00Z' }),
        apiCall({ ...window, eventTime: '2026-07-01T00:10:00Z' }),
        apiCall({ eventTime: '2026-07-01T00:20:00Z' }),
      ],
    });

    // Act
    const report = computeReport(input);

    // Assess
    expect(report.activity.byQuarter).toEqual([
      expect.objectContaining({
        quarter: '2026-Q3',
        signIns: expect.objectContaining({ documented: 0, undocumented: 0 }),
        apiCalls: { documented: 1, undocumented: 1 },
      }),
    ]);
  });

  it('counts a sign-in without an MFA field as MFA unknown, never as signed in with MFA', () => {
    // Prepare
    const input = reportInput({
      ledger: [
        ledgerRecord({ mfaUsed: undefined }),
        ledgerRecord({ mfaUsed: false, outcome: 'failure' }),
        ledgerRecord({ mfaUsed: true }),
      ],
    });

    // Act
    const { signIns } = computeReport(input).activity.total;

    // Assess
    expect(signIns).toEqual({ documented: 0, undocumented: 3, failed: 1, withoutMfa: 1, mfaUnknown: 1 });
  });

  it('counts the same eventId once (an at-least-once delivery recorded twice)', () => {
    // Prepare
    const signIn = ledgerRecord({ eventId: 'same-event' });
    const input = reportInput({ ledger: [signIn, { ...signIn, alertLatencyMs: 99_000 }] });

    // Act
    const report = computeReport(input);

    // Assess
    expect(report.activity.total.signIns.undocumented).toBe(1);
    expect(report.activity.duplicatesIgnored).toBe(1);
    expect(report.mtta).toMatchObject({ count: 1, meanMs: 30_000 });
    expect(report.notes).toContain('1 repeated ledger record(s) (same eventId) were counted once.');
  });

  it('lists an account the ledger names but the organization does not', () => {
    // Prepare
    const input = reportInput({ ledger: [ledgerRecord({ accountId: '999999999999' })] });

    // Act
    const report = computeReport(input);

    // Assess
    expect(report.activity.byAccount.at(-1)).toMatchObject({
      accountId: '999999999999',
      ouPath: '(not in the organization)',
      signIns: expect.objectContaining({ undocumented: 1 }),
    });
    expect(report.accounts).toBe(ACCOUNTS.length);
  });

  it('rolls an OU up with its child OUs', () => {
    // Prepare
    const input = reportInput({
      ledger: [ledgerRecord({ accountId: '222222222222' }), apiCall({ accountId: '333333333333' })],
    });

    // Act
    const { byOu } = computeReport(input).activity;

    // Assess
    const workloads = byOu.find((ou) => ou.ouPath === 'Root/Workloads');
    expect(workloads?.signIns.undocumented).toBe(1);
    expect(workloads?.apiCalls.undocumented).toBe(1);
    expect(byOu.find((ou) => ou.ouPath === 'Root')?.apiCalls.undocumented).toBe(1);
  });

  it('shows an empty period as zeros and no MTTA, with a note', () => {
    // Prepare
    const input = reportInput({ ledger: [ledgerRecord({ eventTime: '2026-01-05T00:00:00Z' })] });

    // Act
    const report = computeReport(input);

    // Assess
    expect(report.activity.total).toEqual({
      signIns: { documented: 0, undocumented: 0, failed: 0, withoutMfa: 0, mfaUnknown: 0 },
      apiCalls: { documented: 0, undocumented: 0 },
    });
    expect(report.mtta).toMatchObject({ count: 0, meanMs: null, p50Ms: null, p95Ms: null, maxMs: null });
    expect(report.mtta.meetsTarget).toBeNull();
    expect(report.notes).toContain('The ledger holds no root activity in this period.');
  });
});

describe('mean time to alert', () => {
  it('keeps a latency outlier in the mean, p95 and max', () => {
    // Prepare: 19 pages in 30 s and one delivered two hours late.
    const input = reportInput({
      ledger: [
        ...Array.from({ length: 19 }, () => ledgerRecord({ alertLatencyMs: 30_000 })),
        ledgerRecord({ alertLatencyMs: 2 * 3_600_000 }),
        apiCall(),
      ],
    });

    // Act
    const { mtta } = computeReport(input);

    // Assess
    expect(mtta).toMatchObject({
      count: 20,
      meanMs: (19 * 30_000 + 7_200_000) / 20,
      p50Ms: 30_000,
      p95Ms: 30_000,
      maxMs: 7_200_000,
      overTarget: 1,
      meetsTarget: false,
    });
    expect(mtta.histogram.find((b) => b.bucket === '≥ 1 h')?.count).toBe(1);
    expect(mtta.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(20);
  });

  it('counts a paged record without a latency apart instead of dropping it', () => {
    // Prepare
    const input = reportInput({
      ledger: [ledgerRecord({ alertLatencyMs: undefined, alertedAt: undefined })],
    });

    // Act
    const { mtta } = computeReport(input);

    // Assess
    expect(mtta).toMatchObject({ count: 0, pagedWithoutLatency: 1, meanMs: null });
  });

  it('takes nearest-rank percentiles', () => {
    // Act / Assess
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('hardware MFA coverage and evaluation coverage', () => {
  it('covers only fresh COMPLIANT evaluations; NOT_APPLICABLE leaves the denominator', () => {
    // Prepare
    const input = reportInput({
      accounts: [
        ...ACCOUNTS,
        { accountId: '444444444444', name: 'stale', ouPath: 'Root/Workloads/Dev' },
        { accountId: '555555555555', name: 'suspended', ouPath: 'Root/Suspended' },
      ],
      evaluations: [
        evaluation('111111111111', 'root-hardware-mfa', 'COMPLIANT'),
        evaluation('222222222222', 'root-hardware-mfa', 'NON_COMPLIANT'),
        // 333333333333: never evaluated.
        evaluation('444444444444', 'root-hardware-mfa', 'COMPLIANT', '2026-09-29T19:59:59Z'),
        evaluation('555555555555', 'root-hardware-mfa', 'NOT_APPLICABLE'),
      ],
    });

    // Act
    const report = computeReport(input);

    // Assess
    expect(report.mfa.hardware.organization).toEqual({
      covered: 1,
      applicable: 4,
      notEvaluated: 2,
      percent: 25,
    });
    expect(report.mfa.hardware.byOu.find((ou) => ou.ouPath === 'Root/Workloads/Dev')).toMatchObject({
      covered: 0,
      applicable: 2,
      notEvaluated: 2,
      percent: 0,
    });
    const mfaCoverage = report.evaluationCoverage.byRule.find((r) => r.ruleId === 'root-hardware-mfa');
    expect(mfaCoverage?.notEvaluated.map((a) => [a.accountId, a.lastEvaluated])).toEqual([
      ['333333333333', null],
      ['444444444444', '2026-09-29T19:59:59Z'],
    ]);
  });

  it('omits backup-device coverage with a note while no root-backup-mfa rule exists', () => {
    // Act
    const report = computeReport(reportInput());

    // Assess
    expect(report.mfa.backup).toBeNull();
    expect(report.notes).toContain(
      'Backup MFA device coverage is omitted: this rootguard has no root-backup-mfa rule.',
    );
  });

  it('computes backup-device coverage once the registry has root-backup-mfa', () => {
    // Prepare
    const input = reportInput({
      ruleIds: ['root-hardware-mfa', 'root-backup-mfa'],
      evaluations: [evaluation('111111111111', 'root-backup-mfa', 'COMPLIANT')],
    });

    // Act
    const report = computeReport(input);

    // Assess
    expect(report.mfa.backup?.organization).toMatchObject({ covered: 1, applicable: 3, percent: 33.3 });
  });
});

describe('framework requirements', () => {
  it('is NON_COMPLIANT when any account fails, NOT_EVALUATED when any is missing, NOT_COVERED without rules', () => {
    // Prepare
    const all = (status: 'COMPLIANT' | 'NON_COMPLIANT') =>
      ACCOUNTS.flatMap((a) => [
        evaluation(a.accountId, 'root-hardware-mfa', status),
        evaluation(a.accountId, 'root-access-keys', 'COMPLIANT'),
      ]);

    // Act
    const compliant = computeReport(reportInput({ evaluations: all('COMPLIANT') }));
    const failing = computeReport(
      reportInput({
        evaluations: [
          ...all('COMPLIANT').slice(1),
          evaluation('111111111111', 'root-hardware-mfa', 'NON_COMPLIANT', '2026-01-01T00:00:00Z', 'no MFA'),
        ],
      }),
    );
    const missing = computeReport(reportInput({ evaluations: all('COMPLIANT').slice(1) }));

    // Assess
    expect(compliant.requirements.map((r) => [r.id, r.status])).toEqual([
      ['1.2', 'COMPLIANT'],
      ['1.10', 'NOT_COVERED'],
    ]);
    expect(failing.requirements[0]).toMatchObject({
      status: 'NON_COMPLIANT',
      nonCompliant: 1,
      notEvaluated: 1,
    });
    expect(missing.requirements[0]).toMatchObject({ status: 'NOT_EVALUATED', notEvaluated: 1, compliant: 5 });
    expect(failing.evidence.filter((row) => row.requirementId === '1.2')).toHaveLength(ACCOUNTS.length * 2);
    expect(failing.evidence).toContainEqual(
      expect.objectContaining({
        accountId: '111111111111',
        ruleId: 'root-hardware-mfa',
        status: 'NON_COMPLIANT',
        annotation: 'no MFA',
        lastEvaluated: '2026-01-01T00:00:00Z',
        evaluatedInWindow: false,
      }),
    );
    expect(compliant.evidence.filter((row) => row.status === 'NOT_COVERED')).toHaveLength(ACCOUNTS.length);
  });
});

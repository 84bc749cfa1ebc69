/**
 * Pure: every figure `rootguard report` shows, computed from what the sources read (report/sources/) and
 * nothing else: no clock, no I/O. The HTML, CSV and JSON renderers (report/render/) only format these numbers,
 * so the three outputs cannot disagree.
 *
 * Decisions, each one so that the report never shows a false COMPLIANT:
 * - An account counts as covered by a rule only when its latest evaluation is COMPLIANT and was made within the
 *   evaluation window (26 hours before `asOf`). NOT_APPLICABLE leaves the denominator; no evaluation, a stale
 *   one and INSUFFICIENT_DATA stay in it, uncovered.
 * - Ledger records are counted once per eventId (EventBridge delivers at least once; a replayed export may
 *   repeat lines): the first record wins, the rest are counted as duplicates.
 * - A root event is documented when the alert path found a break-glass window around it (breakGlassWindowId).
 *   The window may have opened before the period or the quarter; only the event time decides where it counts.
 * - A sign-in whose record has no `mfaUsed` is counted as "MFA unknown", never as signed in with MFA.
 * - MTTA uses every paged record of the period with a latency, outliers included (they are what the target is
 *   about); a paged record without a latency is counted apart, not dropped silently. Percentiles are
 *   nearest-rank: p95 of n values is the ⌈0.95·n⌉-th smallest, always a latency that really happened.
 */
import type { ComplianceType } from '../lib/evaluation';
import { compareRequirementIds, FRAMEWORKS, type FrameworkFile, frameworkLabel } from '../lib/frameworks';
import type { LedgerRecord } from '../lib/root-activity-ledger';
import { RULE_IDS } from '../rules';
import { inPeriod, type Period, quarterOf } from './period';

export const HARDWARE_MFA_RULE_ID = 'root-hardware-mfa';
export const BACKUP_MFA_RULE_ID = 'root-backup-mfa';
/** Config evaluates the periodic rules every 24 hours; two hours of slack for a late run. */
export const EVALUATION_WINDOW_HOURS = 26;
/** The playbook's mean-time-to-alert target. */
export const MTTA_TARGET_MS = 5 * 60 * 1000;
/** Where an account outside the organization (it left, or the ledger names a stranger) is listed. */
export const NOT_IN_ORGANIZATION = '(not in the organization)';

export type RuleStatus = ComplianceType | 'INSUFFICIENT_DATA';
/** A requirement's or a cell's status as the report shows it. */
export type ReportStatus = RuleStatus | 'NOT_EVALUATED' | 'NOT_COVERED';

export interface ReportAccount {
  accountId: string;
  name: string;
  /** `Root/Workloads/Prod`. */
  ouPath: string;
}

/** The latest evaluation of one rule in one account (the worst verdict when the rule returned several). */
export interface RuleEvaluationRecord {
  accountId: string;
  ruleId: string;
  status: RuleStatus;
  annotation: string;
  /** ISO time of the evaluation; undefined when the source does not say. */
  lastEvaluated: string | undefined;
}

export interface ReportInput {
  organization: { id: string; name?: string };
  /** The report's "now": the evaluation window ends here. */
  asOf: Date;
  period: Period;
  accounts: readonly ReportAccount[];
  evaluations: readonly RuleEvaluationRecord[];
  ledger: readonly LedgerRecord[];
  sources: { compliance: string; ledger: string };
  /** Rule ids the report knows (default: the registry). */
  ruleIds?: readonly string[];
  frameworks?: readonly FrameworkFile[];
}

export interface CoverageFigure {
  covered: number;
  /** Accounts the rule applies to (not NOT_APPLICABLE). */
  applicable: number;
  /** Applicable accounts with no evaluation in the window. */
  notEvaluated: number;
  /** covered / applicable, rounded down to 0.1; null when no account applies. */
  percent: number | null;
}

export interface Coverage {
  ruleId: string;
  organization: CoverageFigure;
  byOu: Array<CoverageFigure & { ouPath: string }>;
  byAccount: Array<ReportAccount & { status: ReportStatus; covered: boolean }>;
}

export interface ActivityCounts {
  signIns: {
    documented: number;
    undocumented: number;
    failed: number;
    withoutMfa: number;
    mfaUnknown: number;
  };
  apiCalls: { documented: number; undocumented: number };
}

export interface MttaFigures {
  targetMs: number;
  count: number;
  meanMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  overTarget: number;
  pagedWithoutLatency: number;
  /** Mean under the target; null when nothing paged in the period. */
  meetsTarget: boolean | null;
  histogram: Array<{ bucket: string; count: number }>;
}

export interface RequirementStatus {
  framework: string;
  label: string;
  id: string;
  title: string;
  ruleIds: string[];
  status: ReportStatus;
  compliant: number;
  nonCompliant: number;
  notApplicable: number;
  notEvaluated: number;
  note?: string;
}

/** One CSV row: one account × requirement × rule (a requirement no rule covers: one row, rule empty). */
export interface EvidenceRow {
  accountId: string;
  accountName: string;
  ouPath: string;
  framework: string;
  requirementId: string;
  ruleId: string;
  status: ReportStatus;
  annotation: string;
  lastEvaluated: string;
  evaluatedInWindow: boolean;
}

export interface ReportData {
  organization: { id: string; name?: string };
  asOf: string;
  period: { since: string; until: string; quarters: string[] };
  sources: { compliance: string; ledger: string };
  notes: string[];
  accounts: number;
  mfa: { hardware: Coverage; backup: Coverage | null };
  activity: {
    byQuarter: Array<ActivityCounts & { quarter: string }>;
    total: ActivityCounts;
    byOu: Array<ActivityCounts & { ouPath: string }>;
    byAccount: Array<ActivityCounts & ReportAccount>;
    duplicatesIgnored: number;
  };
  mtta: MttaFigures;
  evaluationCoverage: {
    windowHours: number;
    accountsNotEvaluated: number;
    byRule: Array<{
      ruleId: string;
      evaluated: number;
      notEvaluated: Array<ReportAccount & { lastEvaluated: string | null }>;
    }>;
  };
  requirements: RequirementStatus[];
  evidence: EvidenceRow[];
}

// ---- Arithmetic ----------------------------------------------------------------------------------------

/** part / whole as a percentage rounded down to 0.1 (99.95 % is not 100 %); null when whole is 0. */
export function percentOf(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.floor((1000 * part) / whole) / 10;
}

/** Nearest-rank percentile of already sorted values; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

/** The MTTA histogram's buckets: upper bounds in ms (exclusive), the last one open. */
export const LATENCY_BUCKETS: ReadonlyArray<{ label: string; below: number }> = [
  { label: '< 30 s', below: 30_000 },
  { label: '30–60 s', below: 60_000 },
  { label: '1–2 min', below: 120_000 },
  { label: '2–5 min', below: MTTA_TARGET_MS },
  { label: '5–15 min', below: 15 * 60_000 },
  { label: '15–60 min', below: 60 * 60_000 },
  { label: '≥ 1 h', below: Number.POSITIVE_INFINITY },
];

export function mttaOf(records: readonly LedgerRecord[]): MttaFigures {
  const paged = records.filter((r) => r.paged);
  const latencies = paged
    .map((r) => r.alertLatencyMs)
    .filter((ms): ms is number => ms !== undefined)
    .sort((a, b) => a - b);
  const count = latencies.length;
  const meanMs = count === 0 ? null : Math.round(latencies.reduce((sum, ms) => sum + ms, 0) / count);
  return {
    targetMs: MTTA_TARGET_MS,
    count,
    meanMs,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: latencies.at(-1) ?? null,
    overTarget: latencies.filter((ms) => ms >= MTTA_TARGET_MS).length,
    pagedWithoutLatency: paged.length - count,
    meetsTarget: meanMs === null ? null : meanMs < MTTA_TARGET_MS,
    histogram: LATENCY_BUCKETS.map((bucket, index) => {
      const from = index === 0 ? 0 : (LATENCY_BUCKETS[index - 1]?.below ?? 0);
      return {
        bucket: bucket.label,
        count: latencies.filter((ms) => ms >= from && ms < bucket.below).length,
      };
    }),
  };
}

const emptyCounts = (): ActivityCounts => ({
  signIns: { documented: 0, undocumented: 0, failed: 0, withoutMfa: 0, mfaUnknown: 0 },
  apiCalls: { documented: 0, undocumented: 0 },
});

function addRecord(counts: ActivityCounts, record: LedgerRecord): void {
  const documented = record.breakGlassWindowId !== undefined;
  if (record.kind === 'console-sign-in') {
    counts.signIns[documented ? 'documented' : 'undocumented'] += 1;
    if (record.outcome === 'failure') counts.signIns.failed += 1;
    if (record.mfaUsed === undefined) counts.signIns.mfaUnknown += 1;
    else if (!record.mfaUsed) counts.signIns.withoutMfa += 1;
  } else {
    // API calls and console actions: both are root acting, not signing in.
    counts.apiCalls[documented ? 'documented' : 'undocumented'] += 1;
  }
}

/** Each eventId once, the first record kept; and how many repeats were dropped. */
export function dedupeLedger(records: readonly LedgerRecord[]): {
  records: LedgerRecord[];
  duplicates: number;
} {
  const seen = new Set<string>();
  const unique: LedgerRecord[] = [];
  for (const record of records) {
    if (seen.has(record.eventId)) continue;
    seen.add(record.eventId);
    unique.push(record);
  }
  return { records: unique, duplicates: records.length - unique.length };
}

/** `Root/Workloads/Prod` → Root, Root/Workloads, Root/Workloads/Prod: an OU's figures include its children. */
export function ouAncestry(ouPath: string): string[] {
  const parts = ouPath.split('/');
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}

function rollUp<T>(
  accounts: readonly ReportAccount[],
  empty: () => T,
  add: (into: T, account: ReportAccount) => void,
): Array<T & { ouPath: string }> {
  const byOu = new Map<string, T>();
  for (const account of accounts) {
    for (const ou of ouAncestry(account.ouPath)) {
      let entry = byOu.get(ou);
      if (!entry) {
        entry = empty();
        byOu.set(ou, entry);
      }
      add(entry, account);
    }
  }
  return [...byOu.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ouPath, entry]) => ({ ouPath, ...entry }));
}

// ---- The report ----------------------------------------------------------------------------------------

export function computeReport(input: ReportInput): ReportData {
  const ruleIds = input.ruleIds ?? RULE_IDS;
  const frameworks = input.frameworks ?? FRAMEWORKS;
  const windowStart = input.asOf.getTime() - EVALUATION_WINDOW_HOURS * 3_600_000;
  const notes: string[] = [];

  // Accounts: the organization's, then any stranger the ledger names (an account that left still has history).
  const accounts: ReportAccount[] = [...input.accounts];
  const known = new Map(accounts.map((a) => [a.accountId, a]));
  const { records: unique, duplicates } = dedupeLedger(input.ledger);
  for (const record of unique) {
    if (!known.has(record.accountId)) {
      const stranger = { accountId: record.accountId, name: record.accountId, ouPath: NOT_IN_ORGANIZATION };
      known.set(record.accountId, stranger);
      accounts.push(stranger);
    }
  }
  const orgAccounts = input.accounts;

  const evaluationOf = new Map(input.evaluations.map((e) => [`${e.accountId}|${e.ruleId}`, e]));
  const evaluation = (accountId: string, ruleId: string) => evaluationOf.get(`${accountId}|${ruleId}`);
  const fresh = (e: RuleEvaluationRecord | undefined): boolean =>
    e?.lastEvaluated !== undefined && Date.parse(e.lastEvaluated) >= windowStart;
  const statusOf = (e: RuleEvaluationRecord | undefined): ReportStatus => e?.status ?? 'NOT_EVALUATED';

  // MFA coverage, per rule.
  const coverage = (ruleId: string): Coverage => {
    const byAccount = orgAccounts.map((account) => {
      const found = evaluation(account.accountId, ruleId);
      const status = statusOf(found);
      return { ...account, status, covered: status === 'COMPLIANT' && fresh(found) };
    });
    const figure = (rows: typeof byAccount): CoverageFigure => {
      const applicable = rows.filter((row) => row.status !== 'NOT_APPLICABLE');
      const covered = applicable.filter((row) => row.covered).length;
      const notEvaluated = applicable.filter((row) => !fresh(evaluation(row.accountId, ruleId))).length;
      return {
        covered,
        applicable: applicable.length,
        notEvaluated,
        percent: percentOf(covered, applicable.length),
      };
    };
    const rowOf = new Map(byAccount.map((row) => [row.accountId, row]));
    const byOu = rollUp(
      orgAccounts,
      () => ({ rows: [] as typeof byAccount }),
      (entry, account) => {
        const row = rowOf.get(account.accountId);
        if (row) entry.rows.push(row);
      },
    ).map(({ ouPath, rows }) => ({ ouPath, ...figure(rows) }));
    return { ruleId, organization: figure(byAccount), byOu, byAccount };
  };
  const hardware = coverage(HARDWARE_MFA_RULE_ID);
  let backup: Coverage | null = null;
  if (ruleIds.includes(BACKUP_MFA_RULE_ID)) backup = coverage(BACKUP_MFA_RULE_ID);
  else notes.push(`Backup MFA device coverage is omitted: this rootguard has no ${BACKUP_MFA_RULE_ID} rule.`);

  // Root activity, from the ledger, in the period.
  const inRange = unique.filter((r) => inPeriod(input.period, new Date(r.eventTime)));
  const byQuarter = new Map(input.period.quarters.map((q) => [q, emptyCounts()]));
  const byAccountCounts = new Map<string, ActivityCounts>();
  const total = emptyCounts();
  for (const record of inRange) {
    const quarter = byQuarter.get(quarterOf(new Date(record.eventTime)));
    if (quarter) addRecord(quarter, record);
    addRecord(total, record);
    let perAccount = byAccountCounts.get(record.accountId);
    if (!perAccount) {
      perAccount = emptyCounts();
      byAccountCounts.set(record.accountId, perAccount);
    }
    addRecord(perAccount, record);
  }
  const addCounts = (into: ActivityCounts, from: ActivityCounts | undefined) => {
    if (!from) return;
    for (const key of Object.keys(into.signIns) as Array<keyof ActivityCounts['signIns']>) {
      into.signIns[key] += from.signIns[key];
    }
    into.apiCalls.documented += from.apiCalls.documented;
    into.apiCalls.undocumented += from.apiCalls.undocumented;
  };
  if (duplicates > 0) notes.push(`${duplicates} repeated ledger record(s) (same eventId) were counted once.`);
  if (inRange.length === 0) notes.push('The ledger holds no root activity in this period.');

  // Evaluation coverage: every (rule, organization account) without an evaluation in the window.
  const byRule = ruleIds.map((ruleId) => {
    const notEvaluated = orgAccounts
      .filter((account) => !fresh(evaluation(account.accountId, ruleId)))
      .map((account) => ({
        ...account,
        lastEvaluated: evaluation(account.accountId, ruleId)?.lastEvaluated ?? null,
      }));
    return { ruleId, evaluated: orgAccounts.length - notEvaluated.length, notEvaluated };
  });
  const accountsNotEvaluated = new Set(byRule.flatMap((r) => r.notEvaluated.map((a) => a.accountId))).size;

  // Every framework requirement, with the evidence rows behind it.
  const evidence: EvidenceRow[] = [];
  const requirements: RequirementStatus[] = frameworks.flatMap((file) =>
    [...file.requirements]
      .sort((a, b) => compareRequirementIds(a.id, b.id))
      .map((requirement) => {
        const label = frameworkLabel(file);
        const counts = { compliant: 0, nonCompliant: 0, notApplicable: 0, notEvaluated: 0 };
        for (const account of orgAccounts) {
          // Which account and requirement an evidence row is about.
          const about = {
            accountId: account.accountId,
            accountName: account.name,
            ouPath: account.ouPath,
            framework: label,
            requirementId: requirement.id,
          };
          if (requirement.ruleIds.length === 0) {
            evidence.push({
              ...about,
              ruleId: '',
              status: 'NOT_COVERED',
              annotation: requirement.note ?? '',
              lastEvaluated: '',
              evaluatedInWindow: false,
            });
            continue;
          }
          for (const ruleId of requirement.ruleIds) {
            const found = evaluation(account.accountId, ruleId);
            const status = statusOf(found);
            const inWindow = fresh(found);
            if (!inWindow || status === 'NOT_EVALUATED' || status === 'INSUFFICIENT_DATA')
              counts.notEvaluated += 1;
            if (status === 'COMPLIANT') counts.compliant += 1;
            else if (status === 'NON_COMPLIANT') counts.nonCompliant += 1;
            else if (status === 'NOT_APPLICABLE') counts.notApplicable += 1;
            evidence.push({
              ...about,
              ruleId,
              status,
              annotation: found?.annotation ?? '',
              lastEvaluated: found?.lastEvaluated ?? '',
              evaluatedInWindow: inWindow,
            });
          }
        }
        const status: ReportStatus =
          requirement.ruleIds.length === 0
            ? 'NOT_COVERED'
            : counts.nonCompliant > 0
              ? 'NON_COMPLIANT'
              : counts.notEvaluated > 0
                ? 'NOT_EVALUATED'
                : counts.compliant > 0
                  ? 'COMPLIANT'
                  : 'NOT_APPLICABLE';
        return {
          framework: file.framework,
          label,
          id: requirement.id,
          title: requirement.title,
          ruleIds: [...requirement.ruleIds],
          status,
          ...counts,
          ...(requirement.note !== undefined ? { note: requirement.note } : {}),
        };
      }),
  );

  return {
    organization: input.organization,
    asOf: input.asOf.toISOString(),
    period: {
      since: input.period.since.toISOString(),
      until: input.period.until.toISOString(),
      quarters: [...input.period.quarters],
    },
    sources: input.sources,
    notes,
    accounts: orgAccounts.length,
    mfa: { hardware, backup },
    activity: {
      byQuarter: [...byQuarter.entries()].map(([quarter, counts]) => ({ quarter, ...counts })),
      total,
      byOu: rollUp(accounts, emptyCounts, (entry, account) =>
        addCounts(entry, byAccountCounts.get(account.accountId)),
      ),
      byAccount: accounts.map((account) => {
        const counts = emptyCounts();
        addCounts(counts, byAccountCounts.get(account.accountId));
        return { ...account, ...counts };
      }),
      duplicatesIgnored: duplicates,
    },
    mtta: mttaOf(inRange),
    evaluationCoverage: { windowHours: EVALUATION_WINDOW_HOURS, accountsNotEvaluated, byRule },
    requirements,
    evidence,
  };
}

/**
 * `rootguard scan`, without the printing: evaluate every account of a facts file with every registered rule
 * (the same pure evaluate functions the Lambdas run) and summarise per rule. Pure apart from reading the file.
 */
import type { ComplianceType } from '../lib/evaluation';
import { parseRuleParameters } from '../lib/parameters';
import type { EvaluateContext } from '../lib/rule-handler';
import type { RuleMetadata } from '../lib/rule-metadata';
import { evaluateFacts, RULE_IDS, RULES } from '../rules';
import { CliError } from './errors';
import { type FactsFile, loadFactsFile } from './facts-file';

/** An account's verdict for one rule; NO_FACTS when the file holds no facts for that rule and account. */
export type Verdict = ComplianceType | 'NO_FACTS';

export interface ScanOptions {
  /** Only these rules (default: every rule in the registry). */
  ruleIds?: readonly string[];
  /** Only these accounts (default: every account in the file). */
  accountIds?: readonly string[];
}

export interface ScanResult {
  accountId: string;
  accountName: string;
  ouPath: string;
  ruleId: string;
  complianceType: ComplianceType;
  annotation: string;
}

export interface AccountRow {
  accountId: string;
  name: string;
  ouPath: string;
  /** Rule id → verdict, for every scanned rule. */
  verdicts: Record<string, Verdict>;
}

export interface RuleSummary {
  ruleId: string;
  title: string;
  severity: RuleMetadata['severity'];
  compliant: number;
  nonCompliant: number;
  notApplicable: number;
  noFacts: number;
  /** compliant / (compliant + non-compliant), rounded down to 0.1; null when nothing was judged. */
  percentCompliant: number | null;
}

export interface ScanTotals {
  compliant: number;
  nonCompliant: number;
  notApplicable: number;
  noFacts: number;
}

export interface ScanSummary {
  organizationId: string;
  evaluationTime: string;
  accounts: number;
  /** `scan --org` only: accounts that could not be read (not counted in `accounts`). */
  accountsFailed?: number;
  rules: RuleSummary[];
  totals: ScanTotals;
}

export interface ScanReport {
  organization: FactsFile['organization'];
  evaluationTime: string;
  rules: RuleMetadata[];
  accounts: AccountRow[];
  /** Every evaluation, accounts in file order and rules in registry order. */
  results: ScanResult[];
  summary: ScanSummary;
  /** `scan --org` only: the accounts that could not be read, each with its error. */
  failures?: ScanFailure[];
  /** `scan --org` only: set when the sweep was interrupted; `notJudged` accounts were left out. */
  interrupted?: { notJudged: number };
}

export interface ScanFailure {
  accountId: string;
  name: string;
  ouPath: string;
  error: string;
}

const SEVERITY_OF_VERDICT: Record<ComplianceType, number> = {
  NOT_APPLICABLE: 0,
  COMPLIANT: 1,
  NON_COMPLIANT: 2,
};

export function percentCompliant(compliant: number, nonCompliant: number): number | null {
  const judged = compliant + nonCompliant;
  return judged === 0 ? null : Math.floor((1000 * compliant) / judged) / 10;
}

function selectRules(ruleIds: readonly string[] | undefined): RuleMetadata[] {
  if (!ruleIds || ruleIds.length === 0) return RULES.map((rule) => rule.metadata);
  const unknown = ruleIds.filter((id) => !RULE_IDS.includes(id));
  if (unknown.length > 0) {
    throw new CliError(`Unknown rule ${unknown.join(', ')}; known rules: ${RULE_IDS.join(', ')}`);
  }
  return RULES.filter((rule) => ruleIds.includes(rule.metadata.id)).map((rule) => rule.metadata);
}

function selectAccounts(file: FactsFile, accountIds: readonly string[] | undefined): FactsFile['accounts'] {
  if (!accountIds || accountIds.length === 0) return file.accounts;
  const known = new Set(file.accounts.map((a) => a.accountId));
  const unknown = accountIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new CliError(`Account ${unknown.join(', ')} is not in the facts file`);
  }
  return file.accounts.filter((account) => accountIds.includes(account.accountId));
}

/** Evaluates a validated facts file. Throws InvalidRuleParametersError for bad ruleParameters. */
export function scanFacts(file: FactsFile, options: ScanOptions = {}): ScanReport {
  const rules = selectRules(options.ruleIds);
  const accounts = selectAccounts(file, options.accountIds);
  const evaluationTime = new Date(file.evaluationTime).toISOString();
  const rawParams = (ruleId: string) => file.ruleParameters?.[ruleId] ?? {};
  // Fail on bad parameters before judging anything, even for a rule with no facts.
  for (const rule of rules) parseRuleParameters(rule, rawParams(rule.id));

  const results: ScanResult[] = [];
  const rows: AccountRow[] = accounts.map((account) => {
    const ctx: EvaluateContext = {
      accountId: account.accountId,
      partition: account.partition ?? 'aws',
      evaluationTime,
    };
    const verdicts: Record<string, Verdict> = {};
    for (const rule of rules) {
      const facts = account.facts[rule.id];
      if (facts === undefined) {
        verdicts[rule.id] = 'NO_FACTS';
        continue;
      }
      const evaluations = evaluateFacts(rule.id, facts, rawParams(rule.id), ctx);
      if (evaluations.length === 0) {
        throw new CliError(`Rule ${rule.id} returned no evaluation for account ${account.accountId}`);
      }
      let worst: ComplianceType = 'NOT_APPLICABLE';
      for (const evaluation of evaluations) {
        if (SEVERITY_OF_VERDICT[evaluation.complianceType] > SEVERITY_OF_VERDICT[worst]) {
          worst = evaluation.complianceType;
        }
        results.push({
          accountId: account.accountId,
          accountName: account.name,
          ouPath: account.ouPath,
          ruleId: rule.id,
          complianceType: evaluation.complianceType,
          annotation: evaluation.annotation,
        });
      }
      verdicts[rule.id] = worst;
    }
    return { accountId: account.accountId, name: account.name, ouPath: account.ouPath, verdicts };
  });

  const ruleSummaries: RuleSummary[] = rules.map((rule) => {
    const count = (verdict: Verdict) => rows.filter((row) => row.verdicts[rule.id] === verdict).length;
    const compliant = count('COMPLIANT');
    const nonCompliant = count('NON_COMPLIANT');
    return {
      ruleId: rule.id,
      title: rule.title,
      severity: rule.severity,
      compliant,
      nonCompliant,
      notApplicable: count('NOT_APPLICABLE'),
      noFacts: count('NO_FACTS'),
      percentCompliant: percentCompliant(compliant, nonCompliant),
    };
  });
  const total = (key: keyof ScanTotals) => ruleSummaries.reduce((sum, rule) => sum + rule[key], 0);

  return {
    organization: file.organization,
    evaluationTime,
    rules,
    accounts: rows,
    results,
    summary: {
      organizationId: file.organization.id,
      evaluationTime,
      accounts: rows.length,
      rules: ruleSummaries,
      totals: {
        compliant: total('compliant'),
        nonCompliant: total('nonCompliant'),
        notApplicable: total('notApplicable'),
        noFacts: total('noFacts'),
      },
    },
  };
}

/** Loads, validates and evaluates a facts file. */
export function scanFactsFile(path: string, options: ScanOptions = {}): ScanReport {
  return scanFacts(loadFactsFile(path), options);
}

/** A NON_COMPLIANT result, or an account that could not be read (a failed read is never compliant). */
export function hasNonCompliant(report: ScanReport): boolean {
  return report.summary.totals.nonCompliant > 0 || (report.failures?.length ?? 0) > 0;
}

/**
 * Offline compliance: a facts file judged by every rule's pure evaluate, through `scanFacts` (cli/scan.ts), the
 * same code `rootguard scan --facts` and the Lambdas' verdicts go through. Every evaluation is dated with the
 * file's evaluationTime, the moment the facts stand for.
 */

import type { FactsFile } from '../../cli/facts-file';
import { scanFacts } from '../../cli/scan';
import type { ReportAccount, RuleEvaluationRecord } from '../kpi';

export interface ComplianceSnapshot {
  organization: { id: string; name?: string };
  accounts: ReportAccount[];
  evaluations: RuleEvaluationRecord[];
  /** The time the compliance stands for: the report's default "now". */
  asOf: Date;
}

export function complianceFromFacts(file: FactsFile): ComplianceSnapshot {
  const scan = scanFacts(file);
  const evaluations: RuleEvaluationRecord[] = [];
  for (const account of scan.accounts) {
    for (const [ruleId, verdict] of Object.entries(account.verdicts)) {
      // NO_FACTS: the file holds nothing for this rule and account, so it was not evaluated.
      if (verdict === 'NO_FACTS') continue;
      const result = scan.results.find(
        (r) => r.accountId === account.accountId && r.ruleId === ruleId && r.complianceType === verdict,
      );
      evaluations.push({
        accountId: account.accountId,
        ruleId,
        status: verdict,
        annotation: result?.annotation ?? '',
        lastEvaluated: scan.evaluationTime,
      });
    }
  }
  return {
    organization: {
      id: file.organization.id,
      ...(file.organization.name !== undefined ? { name: file.organization.name } : {}),
    },
    accounts: scan.accounts.map(({ accountId, name, ouPath }) => ({ accountId, name, ouPath })),
    evaluations,
    asOf: new Date(scan.evaluationTime),
  };
}

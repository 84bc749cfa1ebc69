/**
 * root-access-keys — the root user has no access keys (and no signing certificates).
 *
 * Trigger: periodic (24 h). Reports on: AWS::::Account (the evaluated account).
 * Scenarios:
 *  - no root access keys and no signing certificates → COMPLIANT
 *  - root has access keys → NON_COMPLIANT
 *  - root has signing certificates → NON_COMPLIANT, unless IgnoreSigningCertificates is true (then COMPLIANT,
 *    and the annotation says the certificates were ignored)
 */
import { compliant, nonCompliant, type RuleEvaluation } from '../../lib/evaluation';
import type { RootCredentialSummary } from '../../lib/root-credentials';
import type { EvaluateContext } from '../../lib/rule-handler';

export interface RootAccessKeysFacts {
  summary: RootCredentialSummary;
}

export interface RootAccessKeysParams {
  IgnoreSigningCertificates: boolean;
}

export function evaluate(
  facts: RootAccessKeysFacts,
  params: RootAccessKeysParams,
  ctx: EvaluateContext,
): RuleEvaluation[] {
  const { accountId } = ctx;
  const { accessKeysPresent, signingCertificatesPresent } = facts.summary;
  const countCertificates = signingCertificatesPresent && !params.IgnoreSigningCertificates;
  if (accessKeysPresent && countCertificates) {
    return [nonCompliant(accountId, 'root user has access keys and signing certificates')];
  }
  if (accessKeysPresent) return [nonCompliant(accountId, 'root user has access keys')];
  if (countCertificates) return [nonCompliant(accountId, 'root user has signing certificates')];
  if (signingCertificatesPresent) {
    return [
      compliant(
        accountId,
        'root user has no access keys; its signing certificates are ignored (IgnoreSigningCertificates)',
      ),
    ];
  }
  return [compliant(accountId, 'root user has no access keys and no signing certificates')];
}

/**
 * What a pure `evaluate` returns, and the helpers that keep every annotation in one form:
 * it names the account, gives the reason and ends with a period.
 */

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export const ACCOUNT_RESOURCE_TYPE = 'AWS::::Account';

export interface RuleEvaluation {
  complianceResourceType: string;
  complianceResourceId: string;
  complianceType: ComplianceType;
  annotation: string;
}

/** Config's limit on an annotation's length. */
export const MAX_ANNOTATION_LENGTH = 256;

export function formatAnnotation(accountId: string, reason: string): string {
  const text = `Account ${accountId}: ${reason.trim()}`;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Shortens an annotation to Config's limit, keeping the start (account and verdict) and a closing period. */
export function truncateAnnotation(annotation: string, max = MAX_ANNOTATION_LENGTH): string {
  if (annotation.length <= max) return annotation;
  return `${annotation.slice(0, max - 4).trimEnd()}....`.slice(0, max);
}

function accountEvaluation(
  complianceType: ComplianceType,
  accountId: string,
  reason: string,
): RuleEvaluation {
  return {
    complianceResourceType: ACCOUNT_RESOURCE_TYPE,
    complianceResourceId: accountId,
    complianceType,
    annotation: formatAnnotation(accountId, reason),
  };
}

export const compliant = (accountId: string, reason: string) =>
  accountEvaluation('COMPLIANT', accountId, reason);
export const nonCompliant = (accountId: string, reason: string) =>
  accountEvaluation('NON_COMPLIANT', accountId, reason);
export const notApplicable = (accountId: string, reason: string) =>
  accountEvaluation('NOT_APPLICABLE', accountId, reason);

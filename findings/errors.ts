/**
 * Typed errors of the Security Hub path (compliance findings and the shared importer). They extend lib's
 * RootGuardError so a log line or a Lambda failure names the account concerned and keeps the `cause`.
 */
import { ItemizedError, RootGuardError } from '../lib/errors';
import { InvalidEventError } from '../lib/event-validation';

export type { EventIssue } from '../lib/event-validation';

/**
 * The Lambda received something that is not a `Config Rules Compliance Change` event of the expected shape.
 * The handler never throws this: such events come from AWS itself, so a retry would fail the same way; it
 * logs the issues and counts the event instead.
 */
export class InvalidComplianceEventError extends InvalidEventError {}

/** The function's environment or invocation context is incomplete: a deployment mistake. */
export class InvalidFindingsConfigError extends RootGuardError {}

/** One finding Security Hub refused, as it reported it. */
export interface RejectedFinding {
  id: string;
  errorCode: string;
  errorMessage: string;
}

/** Security Hub still refused findings after the one retry; `rejected` names each one and why. */
abstract class RejectedFindingsError extends ItemizedError<RejectedFinding> {
  get rejected(): readonly RejectedFinding[] {
    return this.issues;
  }
}

/** BatchImportFindings kept rejecting findings after the one retry. */
export class FindingImportError extends RejectedFindingsError {}

/** BatchUpdateFindings kept leaving findings unprocessed after the one retry. */
export class WorkflowUpdateError extends RejectedFindingsError {}

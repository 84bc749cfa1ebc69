/**
 * Typed errors of the root-activity alert path. They extend lib's RootGuardError so a log line or a Lambda
 * failure names the account concerned and keeps the original `cause`, like every other rootguard error.
 */
import { RootGuardError, type RootGuardErrorOptions } from '../../lib/errors';
import { InvalidEventError } from '../../lib/event-validation';

export type { EventIssue } from '../../lib/event-validation';

/**
 * The Lambda received something that is not an EventBridge CloudTrail event of the expected shape. The
 * handler never throws this: the event goes to the invalid-event queue instead, so a shape change upstream
 * cannot turn into a retry storm.
 */
export class InvalidAlertEventError extends InvalidEventError {}

/** The function's environment is incomplete or malformed: a deployment mistake, reported at cold start. */
export class InvalidAlertConfigError extends RootGuardError {}

/** Security Hub kept rejecting the finding after the one retry. */
export class FindingImportError extends RootGuardError {}

/**
 * Raising the alert failed (SNS publish, finding import or both). Thrown so Lambda's asynchronous retries
 * and the on-failure destination take over; the finding id is derived from the CloudTrail event id, so a
 * retry updates the same finding instead of adding a second one.
 */
export class AlertDeliveryError extends RootGuardError {
  readonly failures: readonly unknown[];

  constructor(message: string, options: RootGuardErrorOptions & { failures: readonly unknown[] }) {
    super(message, options);
    this.failures = options.failures;
  }
}

/**
 * The root activity ledger could not record an event. Thrown only after the page has gone out, so Lambda
 * retries the write; the retry does not page again (alerts/root-activity/ledger.ts).
 */
export class LedgerWriteError extends RootGuardError {}

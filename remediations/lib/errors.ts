/**
 * Typed errors of the remediation Lambdas (steps of SSM Automation documents). Thrown, never swallowed: a
 * thrown error fails the `aws:invokeLambdaFunction` step, and the message is what SSM shows as the step's
 * failure, so each names the execution and says what to fix. They extend lib's RootGuardError (account and
 * `cause` kept); AWS call failures stay lib's CollectError family (they name the IAM action).
 */
import { ItemizedError, RootGuardError, type RootGuardErrorOptions } from '../../lib/errors';

/** What zod said about one field of a step payload: path and rule only, never the value. */
export interface PayloadIssue {
  path: string;
  message: string;
}

/** The step's Payload does not have the shape the Lambda expects: a document/handler mismatch. */
export class InvalidStepPayloadError extends ItemizedError<PayloadIssue> {}

/** The Lambda's environment is incomplete or malformed: a deployment mistake, reported at cold start. */
export class InvalidRemediationConfigError extends RootGuardError {}

/**
 * The SSM execution record does not back what the step was asked to do: another document, parameters that
 * differ from the payload, an approval step that did not succeed. Someone invoked the Lambda outside its
 * document, or the document and the Lambda disagree.
 */
export class ExecutionRecordError extends RootGuardError {
  readonly executionId: string;
  /** Why the step was refused, for the RemediationRefusals log line (refusals.ts). */
  readonly refusalReason: string = 'execution-record';

  constructor(message: string, options: RootGuardErrorOptions & { executionId: string }) {
    super(message, options);
    this.executionId = options.executionId;
  }
}

/**
 * The recorded approvals do not meet the rule (e.g. two distinct allow-listed approvers other than the
 * requester).
 */
export class ApprovalRuleError extends ExecutionRecordError {
  override readonly refusalReason: string = 'approval';
}

/**
 * Typed errors of the attach-deny-root-scp Lambda. Each fails the Automation step with a message that says what
 * was refused and what to do instead; AWS call failures stay lib's CollectError family (they name the action).
 */
import { RootGuardError, type RootGuardErrorOptions } from '../../lib/errors';

/** Why rootguard will not put a deny-root SCP above the account (plan.ts decides, from the organization facts). */
export type RefusalReason =
  | 'no-organization'
  | 'management-account'
  | 'not-all-features'
  | 'scp-disabled'
  | 'not-a-member'
  | 'target-not-above-account'
  | 'organizational-target-unconfirmed'
  | 'name-taken';

/** Refusals that guard the organization from a caller (counted as RemediationRefusals), not facts of the org. */
const GUARD_REASONS: ReadonlySet<RefusalReason> = new Set([
  'target-not-above-account',
  'organizational-target-unconfirmed',
  'name-taken',
]);

/** The request cannot or must not be carried out; nothing was written. */
export class AttachRefusedError extends RootGuardError {
  readonly reason: RefusalReason;

  constructor(message: string, options: RootGuardErrorOptions & { reason: RefusalReason }) {
    super(message, options);
    this.reason = options.reason;
  }

  /** remediations/lib/refusals.ts: defined for the refusals that guard against a caller. */
  get refusalReason(): string | undefined {
    return GUARD_REASONS.has(this.reason) ? this.reason : undefined;
  }
}

/** Organizations refused a write because a quota is reached (ConstraintViolationException), named plainly. */
export class ScpQuotaError extends RootGuardError {
  /** The ConstraintViolationException Reason, e.g. MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED. */
  readonly limit: string;

  constructor(message: string, options: RootGuardErrorOptions & { limit: string }) {
    super(message, options);
    this.limit = options.limit;
  }
}

/**
 * Typed errors. Every error names the account it concerns (when known) and keeps the original `cause`,
 * so a log line or a Lambda failure says plainly what went wrong and where.
 */

export interface RootGuardErrorOptions {
  accountId?: string;
  cause?: unknown;
}

export class RootGuardError extends Error {
  readonly accountId: string | undefined;

  constructor(message: string, options: RootGuardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.accountId = options.accountId;
  }
}

/**
 * An error that lists what was wrong, item by item (a malformed event's fields, a step payload's fields, the
 * findings Security Hub refused), so the handler that catches it can log or count each without parsing the
 * message.
 */
export class ItemizedError<I> extends RootGuardError {
  readonly issues: readonly I[];

  constructor(message: string, options: RootGuardErrorOptions & { issues: readonly I[] }) {
    super(message, options);
    this.issues = options.issues;
  }
}

/** The Lambda was invoked with something that is not a Config custom-rule event. */
export class InvalidConfigEventError extends RootGuardError {}

/** A rule parameter is missing, unknown or of the wrong shape. */
export class InvalidRuleParametersError extends RootGuardError {}

/** An AWS read failed (after the SDK's adaptive retries); the rule cannot judge the account. */
export class CollectError extends RootGuardError {
  readonly action: string;

  constructor(message: string, options: RootGuardErrorOptions & { action: string }) {
    super(message, options);
    this.action = options.action;
  }
}

/** The caller's role is not allowed to perform an action: a misconfigured role, named plainly. */
export class AccessDeniedError extends CollectError {}

/** AWS kept throttling after every retry the SDK's adaptive mode allowed. */
export class ThrottlingError extends CollectError {}

/** A list call said more pages follow but handed back a token it had already given: it would never end. */
export class RepeatedPageTokenError extends CollectError {}

/**
 * The organization snapshot (lib/org-snapshot-store.ts) could not be had fresh: missing, stale and not rebuilt
 * in time, or no store configured. `reason` says which. The caller fails the evaluation: never COMPLIANT.
 */
export class OrgSnapshotUnavailableError extends RootGuardError {
  readonly reason: string;

  constructor(reason: string, options: RootGuardErrorOptions = {}) {
    super(`The organization snapshot is unavailable: ${reason}`, options);
    this.reason = reason;
  }
}

/** The stored organization snapshot does not match its schema: an error, never a default. */
export class MalformedOrgSnapshotError extends CollectError {}

/** Another builder holds the snapshot lease: the build is left to it, and Lambda's async retry tries again. */
export class OrgSnapshotLeaseHeldError extends RootGuardError {}

/** Config refused evaluations even after retrying the failed ones. */
export class PutEvaluationsError extends RootGuardError {}

const ACCESS_DENIED_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
  'AccessDeniedForDependencyException',
]);

const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RateExceeded',
  'LimitExceededException',
]);

export function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const candidate of [e.name, e.Code, e.code]) {
      if (typeof candidate === 'string' && candidate.length > 0) return candidate;
    }
  }
  return 'UnknownError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED_NAMES.has(errorName(error));
}

export function isThrottling(error: unknown): boolean {
  return THROTTLING_NAMES.has(errorName(error));
}

/**
 * Wraps an SDK failure in the matching typed error. `action` is the IAM-style action name
 * (e.g. `iam:ListVirtualMFADevices`) so the message tells an operator which permission to check.
 */
export function toCollectError(error: unknown, action: string, accountId?: string): CollectError {
  if (error instanceof CollectError) return error;
  const where = accountId ? ` in account ${accountId}` : '';
  const detail = `${errorName(error)}: ${errorMessage(error)}`;
  if (isAccessDenied(error)) {
    return new AccessDeniedError(`Access denied calling ${action}${where} (${detail})`, {
      action,
      accountId,
      cause: error,
    });
  }
  if (isThrottling(error)) {
    return new ThrottlingError(`Throttled calling ${action}${where} after retries (${detail})`, {
      action,
      accountId,
      cause: error,
    });
  }
  return new CollectError(`Failed calling ${action}${where} (${detail})`, {
    action,
    accountId,
    cause: error,
  });
}

/** Runs one AWS call and turns any failure into a typed collect error naming the action and account. */
export async function awsCall<T>(
  action: string,
  accountId: string | undefined,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toCollectError(error, action, accountId);
  }
}

/**
 * Every page of a paginated AWS call, each read through awsCall: `read(token)` fetches one page (no token for
 * the first), `next(page)` gives the token of the following one, none after the last. A generator, so that a
 * caller can stop at what it looks for, or refuse a page, before the next one is read.
 */
export async function* awsPages<P, K>(
  action: string,
  accountId: string | undefined,
  read: (token: K | undefined) => Promise<P>,
  next: (page: P) => K | undefined,
): AsyncGenerator<P> {
  let token: K | undefined;
  do {
    const page = await awsCall(action, accountId, () => read(token));
    yield page;
    token = next(page);
  } while (token);
}

/**
 * awsPages' `next` for a read that could hand a token back: a repeated token would loop for ever (and count the
 * same items twice), so it is a RepeatedPageTokenError naming the action. `key` makes a token comparable
 * (DynamoDB's LastEvaluatedKey is an object). One per read: it remembers the tokens it has seen.
 */
export function onceEachToken<P, K>(
  action: string,
  next: (page: P) => K | undefined,
  key: (token: K) => string = String,
): (page: P) => K | undefined {
  const seen = new Set<string>();
  return (page) => {
    const token = next(page);
    if (token === undefined || token === null || token === '') return undefined;
    const id = key(token);
    if (seen.has(id)) {
      throw new RepeatedPageTokenError(`${action} returned the page token ${id} twice`, { action });
    }
    seen.add(id);
    return token;
  };
}

/** Every item of every page of awsPages(action, accountId, read, next), in order. */
export async function awsPageItems<P, K, T>(
  action: string,
  accountId: string | undefined,
  read: (token: K | undefined) => Promise<P>,
  next: (page: P) => K | undefined,
  items: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of awsPages(action, accountId, read, next)) all.push(...(items(page) ?? []));
  return all;
}

/**
 * Every item of a list paged by `NextToken` (Organizations, Config, ...), in order; a token handed back twice is a
 * RepeatedPageTokenError rather than a loop until the Lambda times out.
 */
export function nextTokenItems<P extends { NextToken?: string }, T>(
  action: string,
  accountId: string | undefined,
  read: (NextToken: string | undefined) => Promise<P>,
  items: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  return awsPageItems(
    action,
    accountId,
    read,
    onceEachToken(action, (page: P) => page.NextToken),
    items,
  );
}

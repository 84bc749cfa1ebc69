/**
 * Validating an incoming event against a zod schema without ever throwing, and describing what was wrong
 * in terms of fields and rules only, never the event's values. Shared by the root-activity alert and the
 * compliance-finding Lambda; each wraps the issues in its own error type.
 */
// zod's core, shared by classic zod and zod/mini: a caller's schema may be either (the alert's is mini, for its zip).
import { type $ZodError, type $ZodType, type output, safeParse } from 'zod/v4/core';
import { ItemizedError } from './errors';

/** What zod said about one malformed field: path and rule only, never the offending value. */
export interface EventIssue {
  path: string;
  code: string;
  message: string;
}

/** An event that does not have the expected shape; `issues` name fields and rules, never values. */
export class InvalidEventError extends ItemizedError<EventIssue> {}

export type ParseResult<T, E> = { ok: true; event: T } | { ok: false; error: E };

/** At most this many issues are kept: enough to diagnose, short enough for one log line. */
export const MAX_ISSUES = 10;
/** Envelope strings logged about an unparsed event are cut to this length. */
export const MAX_SUMMARY_CHARS = 128;

export function toIssues(error: $ZodError): EventIssue[] {
  return error.issues.slice(0, MAX_ISSUES).map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    code: i.code,
    message: i.message,
  }));
}

/** `path: message; path: message`, for an error message. */
export function describeIssues(issues: readonly EventIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/**
 * Validates `raw` against `schema`. Never throws: an invalid event comes back as the error `toError` builds
 * from the issues (`where` is describeIssues of them).
 */
export function parseEvent<S extends $ZodType, E>(
  schema: S,
  raw: unknown,
  toError: (where: string, issues: EventIssue[]) => E,
): ParseResult<output<S>, E> {
  const parsed = safeParse(schema, raw);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issues = toIssues(parsed.error);
  return { ok: false, error: toError(describeIssues(issues), issues) };
}

/**
 * A parser for one kind of event: `parseEvent` against `schema`, an invalid event wrapped in the kind's own
 * error with the message `Not <what> of the expected shape (<issues>)`.
 */
export function eventParser<S extends $ZodType, E>(
  schema: S,
  what: string,
  InvalidError: new (message: string, options: { issues: EventIssue[] }) => E,
): (raw: unknown) => ParseResult<output<S>, E> {
  return (raw) =>
    parseEvent(
      schema,
      raw,
      (where, issues) => new InvalidError(`Not ${what} of the expected shape (${where})`, { issues }),
    );
}

/**
 * The envelope fields that are safe to log about an event that could not be parsed: they identify it (to find
 * it on the invalid-event queue, say) without repeating its content. `id`, `detailType` and the named string
 * fields of `detail`, each cut to MAX_SUMMARY_CHARS; absent ones left out.
 */
export function envelopeSummary<K extends string>(
  raw: unknown,
  detailFields: readonly K[] = [],
): { id?: string; detailType?: string } & { [P in K]?: string } {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const detail =
    typeof r.detail === 'object' && r.detail !== null ? (r.detail as Record<string, unknown>) : {};
  const summary = [
    ['id', summaryField(r.id)],
    ['detailType', summaryField(r['detail-type'])],
    ...detailFields.map((f) => [f, summaryField(detail[f])]),
  ];
  return Object.fromEntries(summary.filter(([, v]) => v !== undefined));
}

/** A string envelope field cut to MAX_SUMMARY_CHARS; undefined for anything else. */
export function summaryField(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, MAX_SUMMARY_CHARS) : undefined;
}

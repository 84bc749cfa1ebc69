/**
 * Pure: the report's period and the calendar quarters it spans. A period is half-open, [since, until): an event
 * at exactly `until` belongs to the next period, so two adjacent periods never count an event twice.
 *
 *   --quarter 2026-Q3            2026-07-01T00:00:00Z ≤ t < 2026-10-01T00:00:00Z
 *   --since 2025-11-01 --until 2026-02-01    any range; quarters across a year end are listed in order
 *   (neither)                    the four quarters ending with the quarter of `asOf`, up to `asOf`
 *
 * Quarters are UTC calendar quarters (CloudTrail's event times are UTC).
 */
import { CliError } from '../cli/errors';

export interface Period {
  since: Date;
  /** Exclusive. */
  until: Date;
  /** Every quarter the period touches, oldest first: `2025-Q4`, `2026-Q1`. */
  quarters: string[];
}

const QUARTER = /^(\d{4})-Q([1-4])$/;

/** `2026-Q3` for any instant in July–September 2026 (UTC). */
export function quarterOf(time: Date): string {
  return `${time.getUTCFullYear()}-Q${Math.floor(time.getUTCMonth() / 3) + 1}`;
}

/** The first instant of a quarter; `offset` quarters later (negative: earlier), across year ends. */
export function quarterStart(quarter: string, offset = 0): Date {
  const match = QUARTER.exec(quarter);
  if (!match) throw new CliError(`--quarter ${quarter}: expected YYYY-QN, e.g. 2026-Q3`);
  const index = Number(match[1]) * 4 + Number(match[2]) - 1 + offset;
  return new Date(Date.UTC(Math.floor(index / 4), (index % 4) * 3, 1));
}

/** Every quarter touched by [since, until), oldest first. */
export function quartersBetween(since: Date, until: Date): string[] {
  const quarters: string[] = [];
  if (until.getTime() <= since.getTime()) return quarters;
  for (let start = quarterStart(quarterOf(since)); start < until; start = quarterStart(quarterOf(start), 1)) {
    quarters.push(quarterOf(start));
  }
  return quarters;
}

/** A date (`2026-07-01`, midnight UTC) or a date-time with an offset. */
function parseInstant(flag: string, value: string): Date {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const time = /^\d{4}-\d{2}-\d{2}T/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime())) {
    throw new CliError(`${flag} ${value}: expected a date (2026-07-01) or an ISO-8601 date-time`);
  }
  return time;
}

export interface PeriodFlags {
  quarter?: string;
  since?: string;
  until?: string;
}

/** The period the flags select; `asOf` is the report's "now" (the default period ends there). */
export function resolvePeriod(flags: PeriodFlags, asOf: Date): Period {
  if (flags.quarter !== undefined && (flags.since !== undefined || flags.until !== undefined)) {
    throw new CliError('--quarter cannot be combined with --since/--until');
  }
  let since: Date;
  let until: Date;
  if (flags.quarter !== undefined) {
    since = quarterStart(flags.quarter);
    until = quarterStart(flags.quarter, 1);
  } else if (flags.since !== undefined || flags.until !== undefined) {
    until = flags.until !== undefined ? parseInstant('--until', flags.until) : asOf;
    since = flags.since !== undefined ? parseInstant('--since', flags.since) : quarterStart(quarterOf(until));
  } else {
    since = quarterStart(quarterOf(asOf), -3);
    until = asOf;
  }
  if (until.getTime() <= since.getTime()) {
    throw new CliError(`the period is empty: ${since.toISOString()} is not before ${until.toISOString()}`);
  }
  return { since, until, quarters: quartersBetween(since, until) };
}

export function inPeriod(period: Pick<Period, 'since' | 'until'>, time: Date): boolean {
  const t = time.getTime();
  return t >= period.since.getTime() && t < period.until.getTime();
}

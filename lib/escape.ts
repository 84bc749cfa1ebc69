/**
 * Pure: the one place where a value that came from an event (CloudTrail, Config, a break-glass record) is made
 * safe for the medium it is written into. Every string an administrator of a member account can choose (a user
 * agent, an error message, a rule annotation, a ticket id) passes through here before it reaches a page or a
 * finding:
 *
 * - `oneLine`: e-mail, SMS and JSON text (the alert body's rows, ASFF fields, SNS and SQS attributes). Control
 *   characters (C0 incl. CR/LF and TAB, DEL, C1) and the Unicode line/paragraph separators and bidirectional
 *   overrides become one space, so a value can neither start a new line (a fake "What to do" step, an e-mail
 *   header) nor reorder what a reader sees; the result is trimmed and cut to a bound.
 * - `asciiLine`: SNS subjects, which must be printable ASCII: `oneLine`, then anything else becomes `?`.
 * - `clip`: the length bound alone, for text rootguard composed itself from values already made safe.
 */

/** C0 (incl. CR, LF, TAB), DEL, C1, U+2028/U+2029 (line/paragraph separators), bidi embeddings and isolates. */
const UNSAFE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;
const ELLIPSIS = '…';

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - ELLIPSIS.length))}${ELLIPSIS}`;
}

/** One line of text, safe for e-mail, SMS and JSON, at most `max` characters. */
export function oneLine(value: string, max: number): string {
  return clip(value.replace(UNSAFE, ' ').trim(), max);
}

/** One line of printable ASCII (SNS subjects), at most `max` characters. */
export function asciiLine(value: string, max: number): string {
  const ascii = value.replace(UNSAFE, ' ').trim().replace(NOT_PRINTABLE_ASCII, '?');
  return ascii.length <= max ? ascii : `${ascii.slice(0, Math.max(0, max - 3))}...`;
}

/** `oneLine` for a value that may be absent: an absent or (once made safe) empty value stays undefined. */
export function optionalLine(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const safe = oneLine(value, max);
  return safe === '' ? undefined : safe;
}

/** Whether `value` is already what `oneLine` would make of it (for tests and contract checks). */
export function isOneLine(value: string, max: number): boolean {
  return value.length <= max && !new RegExp(UNSAFE.source, 'u').test(value);
}

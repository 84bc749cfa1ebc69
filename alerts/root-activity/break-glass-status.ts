/**
 * Pure: what the break-glass record says about one root activity, and the severity that follows.
 * An open window lowers the alert to MEDIUM and puts the ticket on it; it never silences the alert. When the
 * window table could not be read, the activity is treated as unexpected (CRITICAL) and the alert says the
 * lookup failed: a broken dependency must never make root use look sanctioned.
 */
import type { BreakGlassWindow } from '../../lib/break-glass';
import { type DeviceCustody, isSuspectDevice } from './device-custody';

export type BreakGlassStatus =
  | { state: 'none' }
  | { state: 'open'; window: BreakGlassWindow }
  | { state: 'lookup-failed'; reason: string };

export type AlertSeverity = 'CRITICAL' | 'MEDIUM';

/**
 * A sign-in with a device the key custody register does not list as active is CRITICAL even inside a window:
 * a window sanctions the person holding the registered key, not whoever holds another one.
 */
export function alertSeverity(status: BreakGlassStatus, custody?: DeviceCustody): AlertSeverity {
  if (isSuspectDevice(custody)) return 'CRITICAL';
  return status.state === 'open' ? 'MEDIUM' : 'CRITICAL';
}

/**
 * How far the window query reaches on each side of the event. The store compares ISO-8601 strings inside
 * DynamoDB, which orders correctly only when every time is UTC in one format; windows may carry offsets
 * (`+02:00`) or another precision. Reading a day either side (an account has a handful of windows, each at
 * most 4 hours) means no covering window is ever cut off by string order; `windowCovering` then decides
 * with real time arithmetic.
 */
export const WINDOW_QUERY_MARGIN_MS = 24 * 60 * 60 * 1000;

export function windowQueryRange(eventTime: string): { from: string; to: string } {
  const t = Date.parse(eventTime);
  return {
    from: new Date(t - WINDOW_QUERY_MARGIN_MS).toISOString(),
    to: new Date(t + WINDOW_QUERY_MARGIN_MS).toISOString(),
  };
}

/**
 * Pure: the follow-up summary of one root session (issue 15, part 2): what root did, counted by service,
 * action and Region, with the calls that matter first (alerts/root-activity/notable-calls.ts), and whether a
 * break-glass window covered it. The same composition feeds the SNS message and the session's Security Hub
 * finding, so both say the same thing.
 */
import { type BreakGlassWindow, windowCovers } from '../../lib/break-glass';
import { asciiLine, oneLine } from '../../lib/escape';
import type { AlertSeverity } from '../root-activity/break-glass-status';
import {
  type AlertMessage,
  DEFAULT_RUNBOOK,
  messageAttribute,
  SUBJECT_MAX,
  SUBJECT_PREFIX,
} from '../root-activity/message';
import { categoryWhy, NOTABLE_CATEGORIES, type NotableCategory } from '../root-activity/notable-calls';
import type { NotableCall, SessionState } from '../root-activity/session';

export type SummaryKind = 'progress' | 'final';

/** How far break-glass windows covered the session: its start, its end and every call that matters. */
export type SessionCoverage =
  | { state: 'covered'; windows: BreakGlassWindow[] }
  | { state: 'partly'; windows: BreakGlassWindow[] }
  | { state: 'none' }
  | { state: 'lookup-failed'; reason: string };

export interface RegionCount {
  region: string;
  calls: number;
}
export interface ActionCount {
  action: string;
  calls: number;
  regions: RegionCount[];
}
export interface ServiceCount {
  service: string;
  calls: number;
  actions: ActionCount[];
}

export interface SessionSummary {
  kind: SummaryKind;
  severity: AlertSeverity;
  accountId: string;
  sessionId: string;
  /** Calls that matter, grouped by category in NOTABLE_CATEGORIES order. */
  notable: { category: NotableCategory; why: string; calls: NotableCall[] }[];
  notableCount: number;
  services: ServiceCount[];
  coverage: SessionCoverage;
  /** Regions root used that the account does not normally use. */
  unusualRegions: string[];
}

/** Busiest first; ties by name, so a summary reads the same whatever order the calls came in. */
const busiest =
  <T extends { calls: number }>(name: (t: T) => string) =>
  (a: T, b: T) =>
    b.calls - a.calls || name(a).localeCompare(name(b));

/** `<service> <action> <region>` counts (session.ts) as a tree, busiest first at every level. */
export function countsByService(counts: Readonly<Record<string, number>>): ServiceCount[] {
  const services = new Map<string, Map<string, Map<string, number>>>();
  for (const [key, calls] of Object.entries(counts)) {
    const [service = '?', action = '?', region = '?'] = key.split(' ');
    const actions = services.get(service) ?? new Map<string, Map<string, number>>();
    const regions = actions.get(action) ?? new Map<string, number>();
    regions.set(region, (regions.get(region) ?? 0) + calls);
    actions.set(action, regions);
    services.set(service, actions);
  }
  return [...services]
    .map(([service, actions]) => {
      const actionCounts = [...actions]
        .map(([action, regions]) => {
          const regionCounts = [...regions]
            .map(([region, calls]) => ({ region, calls }))
            .sort(busiest((r) => r.region));
          return { action, calls: regionCounts.reduce((n, r) => n + r.calls, 0), regions: regionCounts };
        })
        .sort(busiest((a) => a.action));
      return { service, calls: actionCounts.reduce((n, a) => n + a.calls, 0), actions: actionCounts };
    })
    .sort(busiest((s) => s.service));
}

/**
 * The session's calls that matter, with spend kept only outside the usual Regions. `usualRegions` empty:
 * the account has no known usual Region, so every Region is unusual.
 */
export function notableCalls(
  state: SessionState,
  usualRegions: readonly string[],
): SessionSummary['notable'] {
  const usual = new Set(usualRegions);
  const kept = state.notable.flatMap((call) => {
    const categories = call.categories.filter(
      (c) => c !== 'spend-unusual-region' || !usual.has(call.region),
    ) as NotableCategory[];
    return categories.length > 0 ? [{ ...call, categories }] : [];
  });
  return NOTABLE_CATEGORIES.flatMap((category) => {
    const calls = kept.filter((c) => c.categories[0] === category);
    return calls.length > 0 ? [{ category, why: categoryWhy(category), calls }] : [];
  });
}

/** Every moment a window must cover: the session's first and last event and each call that matters. */
export function sessionCoverage(state: SessionState, windows: readonly BreakGlassWindow[]): SessionCoverage {
  const own = windows.filter((w) => w.accountId === state.accountId);
  const moments = [state.startedAt, state.lastEventAt, ...state.notable.map((c) => c.eventTime)];
  const covering = (t: string) => own.filter((w) => windowCovers(w, t));
  const used = new Map<string, BreakGlassWindow>();
  let covered = 0;
  for (const t of moments) {
    const found = covering(t);
    if (found.length > 0) covered++;
    for (const w of found) used.set(w.windowId, w);
  }
  if (covered === 0) return { state: 'none' };
  return { state: covered === moments.length ? 'covered' : 'partly', windows: [...used.values()] };
}

export interface SummaryInput {
  state: SessionState;
  kind: SummaryKind;
  usualRegions: readonly string[];
  coverage: SessionCoverage;
}

export function composeSummary(input: SummaryInput): SessionSummary {
  const { state } = input;
  const notable = notableCalls(state, input.usualRegions);
  const usual = new Set(input.usualRegions);
  const regions = new Set(Object.keys(state.counts).map((k) => k.split(' ')[2] ?? '?'));
  return {
    kind: input.kind,
    // Only a window over the whole session makes it expected; partly covered is as loud as none.
    severity: input.coverage.state === 'covered' ? 'MEDIUM' : 'CRITICAL',
    accountId: state.accountId,
    sessionId: state.sessionId,
    notable,
    notableCount: notable.reduce((n, g) => n + g.calls.length, 0),
    services: countsByService(state.counts),
    coverage: input.coverage,
    unusualRegions: [...regions].filter((r) => !usual.has(r)).sort(),
  };
}

const LINE_MAX = 1024;
/** Lines of the "what root did" tree in one message; the finding and the ledger have the rest. */
export const MAX_COUNT_LINES = 60;

const minutes = (from: string, to: string) =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));

export function coverageSentence(coverage: SessionCoverage): string {
  const tickets = (ws: readonly BreakGlassWindow[]) =>
    ws
      .map(
        (w) =>
          `${oneLine(w.ticketId, 128)} (window ${oneLine(w.windowId, 128)}, ${w.startsAt} to ${w.endsAt})`,
      )
      .join(', ');
  switch (coverage.state) {
    case 'covered':
      return `Covered by break-glass: ${tickets(coverage.windows)}.`;
    case 'partly':
      return `Only PARTLY covered by break-glass (${tickets(coverage.windows)}): whatever fell outside was not expected.`;
    case 'none':
      return 'No break-glass window covers this session: the root use was not expected.';
    case 'lookup-failed':
      return `UNKNOWN: the break-glass lookup failed (${oneLine(coverage.reason, 512)}); treated as unexpected.`;
  }
}

export function summarySubject(s: SessionSummary, state: SessionState): string {
  const head = `${SUBJECT_PREFIX} ${s.severity} root session ${s.kind === 'final' ? 'ended' : 'ongoing'}: `;
  const tail = ` in ${s.accountId}`;
  const what = `${state.eventCount} events, ${s.notableCount} that matter`;
  return asciiLine(`${head}${what}${tail}`, SUBJECT_MAX);
}

export function buildSummaryMessage(
  s: SessionSummary,
  state: SessionState,
  runbook: string = DEFAULT_RUNBOOK,
): AlertMessage {
  // Values are made safe line by line; the indentation is rootguard's own and is kept.
  const line = (text: string) => `${/^ */.exec(text)?.[0] ?? ''}${oneLine(text, LINE_MAX)}`;
  const counted: string[] = [];
  for (const svc of s.services) {
    counted.push(`  ${svc.service}: ${svc.calls}`);
    for (const a of svc.actions) {
      counted.push(
        `    ${a.action}: ${a.calls} (${a.regions.map((r) => `${r.region} ${r.calls}`).join(', ')})`,
      );
    }
  }
  const shown = counted.slice(0, MAX_COUNT_LINES);
  if (counted.length > shown.length) shown.push(`  ... ${counted.length - shown.length} more lines`);
  if (state.otherCalls > 0) shown.push(`  (another ${state.otherCalls} calls of rarer actions not itemized)`);

  const notableLines = s.notable.flatMap((group) => [
    `  ${group.category} (${group.why}):`,
    ...group.calls.map(
      (c) => `    ${c.eventTime} ${c.action} in ${c.region} (${c.outcome}) event ${c.eventId}`,
    ),
  ]);
  if (state.notableOverflow > 0) notableLines.push(`  ... and ${state.notableOverflow} more not itemized`);

  const body = [
    `${s.severity}: root session ${s.kind === 'final' ? 'ended (quiet for 15 minutes)' : 'still going'} in account ${s.accountId}.`,
    '',
    `Session:     ${s.sessionId} (${state.channel === 'console' ? 'console' : 'access key'})`,
    `From:        ${state.startedAt} to ${state.lastEventAt} (${minutes(state.startedAt, state.lastEventAt)} min)`,
    `Events:      ${state.eventCount}, ${state.failures} failed; pages sent: ${state.pages}`,
    `Source IPs:  ${state.sourceIps.join(', ') || '(none recorded)'}`,
    `User agents: ${state.userAgents.join(' | ') || '(none recorded)'}`,
    `Regions not normally used: ${s.unusualRegions.join(', ') || 'none'}`,
    '',
    'Break-glass',
    `  ${coverageSentence(s.coverage)}`,
    '',
    `Calls that matter (${s.notableCount})`,
    ...(notableLines.length > 0 ? notableLines : ['  none']),
    '',
    'What root did (service: calls; action: calls by Region)',
    ...shown,
    '',
    `Runbook: ${runbook}`,
    '',
  ]
    .map(line)
    .join('\n');
  return {
    subject: summarySubject(s, state),
    body,
    attributes: {
      severity: messageAttribute(s.severity),
      accountId: messageAttribute(s.accountId),
      kind: messageAttribute('session-summary'),
      sessionId: messageAttribute(s.sessionId),
      breakGlass: messageAttribute(s.coverage.state),
    },
  };
}

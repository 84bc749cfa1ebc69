/**
 * Pure: the one Security Hub finding of a root session. Its Id comes from the account and the session id, so
 * every summary of the session re-imports the same finding (BatchImportFindings updates it: LastObservedAt,
 * Description, Severity) rather than adding one per event. The per-event findings of the pages stay as the
 * alert path files them.
 */
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import * as asff from '../../findings/asff';
import type { SessionState } from '../root-activity/session';
import { coverageSentence, type SessionSummary } from './summary';

export const SESSION_GENERATOR_ID = 'rootguard/root-session';

export function sessionFindingId(accountId: string, sessionId: string): string {
  return `${SESSION_GENERATOR_ID}/${accountId}/${sessionId}`;
}

export function buildSessionFinding(
  summary: SessionSummary,
  state: SessionState,
  target: asff.ImportTarget,
  now: string,
): AwsSecurityFinding {
  const top = summary.notable
    .flatMap((g) => g.calls.map((c) => `${c.action} in ${c.region}`))
    .slice(0, 10)
    .join(', ');
  const description = [
    `Root session ${state.sessionId} in account ${state.accountId}: ${state.eventCount} events from ${state.startedAt} to ${state.lastEventAt}, ${state.pages} page(s), source IPs ${state.sourceIps.join(', ') || 'not recorded'}.`,
    summary.notableCount > 0
      ? `Calls that matter (${summary.notableCount}): ${top}.`
      : 'No call that matters.',
    coverageSentence(summary.coverage),
  ].join(' ');
  const base = asff.findingBase({
    id: sessionFindingId(state.accountId, state.sessionId),
    generatorId: SESSION_GENERATOR_ID,
    target,
    types: ['Unusual Behaviors/User', 'TTPs/Privilege Escalation/Valid Accounts'],
    severity: summary.severity,
    observedAt: state.startedAt,
    importedAt: now,
  });
  return {
    ...base,
    // Stable across the session's imports: created when the session opened, observed from start to last event.
    CreatedAt: state.openedAt,
    LastObservedAt: state.lastEventAt,
    Title: asff.clip(
      `Root session ${summary.kind === 'final' ? 'ended' : 'ongoing'} in account ${state.accountId}: ${state.eventCount} events, ${summary.notableCount} that matter`,
      asff.TITLE_MAX,
    ),
    Description: asff.clip(description, asff.DESCRIPTION_MAX),
    Resources: [asff.accountResource(target, state.accountId)],
    UserDefinedFields: {
      accountId: state.accountId,
      sessionId: state.sessionId,
      events: String(state.eventCount),
      pages: String(state.pages),
      breakGlass: summary.coverage.state,
      ...(summary.unusualRegions.length > 0
        ? { unusualRegions: asff.clip(summary.unusualRegions.join(','), asff.USER_DEFINED_VALUE_MAX) }
        : {}),
    },
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/**
 * The heartbeat recorder: invoked by the central bus's heartbeat rule (heartbeat/patterns.json) with the
 * scheduled event a member's rootguard-heartbeat rule forwarded. Records the time per account
 * (heartbeat/store.ts) when the account is in the organization snapshot; a heartbeat from any other account
 * (the central bus admits the organization only, so this means a stale snapshot or a misrouted event) is
 * ignored, logged and counted (ForeignHeartbeats). A malformed event is counted (InvalidHeartbeats), never
 * thrown: nothing would be gained by retrying it.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { HandlerMetrics } from '../lib/handler-deps';
import { lazyHandler } from '../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../lib/logger';
import { isOrganizationMember } from '../lib/org-snapshot';
import type { OrgSnapshotReader } from '../lib/org-snapshot-store';
import { heartbeatWiringFromEnv } from './config';
import { InvalidHeartbeatError } from './errors';
import { parseHeartbeat } from './heartbeat';
import { invocation } from './invocation';
import type { HeartbeatStore } from './store';

export interface RecorderDeps {
  store: Pick<HeartbeatStore, 'recordHeartbeat'>;
  orgSnapshot: OrgSnapshotReader;
  now?: () => Date;
  metrics?: HandlerMetrics;
}

export type RecordResult =
  | { status: 'recorded'; accountId: string }
  | { status: 'foreign'; accountId: string }
  | { status: 'invalid'; reason: string };

export function createHeartbeatRecorder(deps: RecorderDeps) {
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? defaultMetrics;
  return (event: unknown): Promise<RecordResult> =>
    invocation('Could not record a heartbeat', metrics, async () => {
      let heartbeat: ReturnType<typeof parseHeartbeat>;
      try {
        heartbeat = parseHeartbeat(event);
      } catch (error) {
        if (!(error instanceof InvalidHeartbeatError)) throw error;
        logger.warn('Ignored an event that is not a heartbeat', { reason: error.message });
        metrics.addMetric('InvalidHeartbeats', MetricUnit.Count, 1);
        return { status: 'invalid', reason: error.message };
      }
      const { accountId, region } = heartbeat;
      // expectMembers: an account that joined since the snapshot was built makes the reader ask for a new one.
      const snapshot = await deps.orgSnapshot.read({ expectMembers: [accountId] });
      if (!isOrganizationMember(snapshot, accountId)) {
        logger.warn('Ignored a heartbeat from an account outside the organization', { accountId, region });
        metrics.addMetric('ForeignHeartbeats', MetricUnit.Count, 1);
        return { status: 'foreign', accountId };
      }
      await deps.store.recordHeartbeat(accountId, now().toISOString(), region);
      logger.info('Recorded a heartbeat', { accountId, region });
      metrics.addMetric('Heartbeats', MetricUnit.Count, 1);
      return { status: 'recorded', accountId };
    });
}

export const handler = lazyHandler(() => createHeartbeatRecorder(heartbeatWiringFromEnv()));

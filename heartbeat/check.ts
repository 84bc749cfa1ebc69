/**
 * The silence check, on a schedule (serverless.yml heartbeatCheck): which accounts of the organization
 * snapshot sent no heartbeat for two intervals (heartbeat/heartbeat.ts judgeSilence). Each run logs every
 * silent account and counts them (SilentAccounts); when one is newly silent it pages on the alert topic with
 * the list of every silent account, and marks them so the next run does not page again until a heartbeat
 * clears the mark. Accounts that left the organization, suspended ones and those first seen less than two
 * intervals ago are not named. A failed read or publish throws: the function's Errors alarm pages instead.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { errorMessage } from '../lib/errors';
import type { HandlerMetrics } from '../lib/handler-deps';
import { lazyHandler } from '../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../lib/logger';
import type { OrgSnapshotReader } from '../lib/org-snapshot-store';
import { heartbeatWiringFromEnv } from './config';
import { SilenceAlertError } from './errors';
import { judgeSilence, type MemberAccount, type SilenceVerdict, silenceMessage } from './heartbeat';
import { invocation } from './invocation';
import type { HeartbeatStore } from './store';

export interface CheckDeps {
  store: Pick<HeartbeatStore, 'readAll' | 'mark'>;
  orgSnapshot: OrgSnapshotReader;
  sns: Pick<SNSClient, 'send'>;
  alertTopicArn: string | undefined;
  now?: () => Date;
  metrics?: HandlerMetrics;
}

export type CheckResult = SilenceVerdict & { paged: boolean };

export function createSilenceCheck(deps: CheckDeps) {
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? defaultMetrics;
  return (): Promise<CheckResult> =>
    invocation('Heartbeat check failed', metrics, async () => {
      const at = now();
      const snapshot = await deps.orgSnapshot.read();
      const members: MemberAccount[] = Object.entries(snapshot.accounts).map(([accountId, account]) => ({
        accountId,
        status: account.status,
      }));
      const verdict = judgeSilence(members, await deps.store.readAll(), at);
      await deps.store.mark(verdict.firstSeen, 'firstSeenAt', at.toISOString());
      for (const account of verdict.silent) logger.warn('Account is silent: no heartbeat', { ...account });
      metrics.addMetric('SilentAccounts', MetricUnit.Count, verdict.silent.length);
      const paged = verdict.newlySilent.length > 0;
      if (paged) {
        if (!deps.alertTopicArn) throw new SilenceAlertError('ALERT_TOPIC_ARN is not set');
        const { subject, message } = silenceMessage(verdict);
        try {
          await deps.sns.send(
            new PublishCommand({ TopicArn: deps.alertTopicArn, Subject: subject, Message: message }),
          );
        } catch (error) {
          throw new SilenceAlertError(`Could not page about silent accounts: ${errorMessage(error)}`, {
            cause: error,
          });
        }
        await deps.store.mark(verdict.newlySilent, 'reportedSilentAt', at.toISOString());
      }
      logger.info('Heartbeat check', {
        silent: verdict.silent.length,
        newlySilent: verdict.newlySilent.length,
        firstSeen: verdict.firstSeen.length,
        departed: verdict.departed.length,
        inactive: verdict.inactive.length,
      });
      return { ...verdict, paged };
    });
}

export const handler = lazyHandler(() => createSilenceCheck(heartbeatWiringFromEnv()));

/**
 * A refusal is the remediation Lambdas doing their job against someone who tried to use them: a record that does
 * not back the step, an approval that does not meet the rule, a document that is not rootguard's, a target nobody
 * confirmed. Each one is logged (with its reason) and counted as the dimension-free metric RemediationRefusals, so
 * an alarm can watch for someone probing the Lambdas; ordinary failures (a throttled read) are not refusals.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { errorMessage } from '../../lib/errors';
import type { HandlerMetrics } from '../../lib/handler-deps';
import { logger } from '../../lib/logger';

export const REFUSAL_METRIC = 'RemediationRefusals';

/** The reason of an error that is a refusal (it carries `refusalReason`), else undefined. */
export function refusalReason(error: unknown): string | undefined {
  const reason = (error as { refusalReason?: unknown } | null)?.refusalReason;
  return typeof reason === 'string' ? reason : undefined;
}

/** Logs and counts the error when it is a refusal; true when it was one. Never logs the event. */
export function recordRefusal(error: unknown, metrics: HandlerMetrics, remediation: string): boolean {
  const reason = refusalReason(error);
  if (reason === undefined) return false;
  metrics.addMetric(REFUSAL_METRIC, MetricUnit.Count, 1);
  logger.warn('Remediation refused', { remediation, reason, error: errorMessage(error) });
  return true;
}

/** The logger keys remediation steps append (each its own few); all removed after every invocation. */
const STEP_LOG_KEYS = ['accountId', 'executionId', 'windowId', 'remediation'];

/**
 * The frame every remediation step runs in: a refusal is logged and counted, any other failure logged with
 * `failureMessage`, both rethrown (Automation fails the step); metrics are flushed and the step's logger keys
 * removed either way, so a warm Lambda never carries them into the next invocation.
 */
export function remediationStep<R>(
  folder: string,
  metrics: HandlerMetrics,
  failureMessage: string,
  step: (event: unknown) => Promise<R>,
): (event: unknown) => Promise<R> {
  return async (event) => {
    try {
      return await step(event);
    } catch (error) {
      if (!recordRefusal(error, metrics, folder))
        logger.error(failureMessage, { error: errorMessage(error) });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(STEP_LOG_KEYS);
    }
  };
}

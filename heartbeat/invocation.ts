/** What both heartbeat Lambdas do around an invocation: log a failure, publish the metrics either way. */
import type { MetricUnit } from '@aws-lambda-powertools/metrics';
import { errorMessage } from '../lib/errors';
import { logger } from '../lib/logger';

/** The part of Powertools Metrics the heartbeat Lambdas use (tests pass a recorder). */
export interface HeartbeatMetrics {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  publishStoredMetrics(): unknown;
}

/** Runs `run`; a failure is logged as `failure` and rethrown (the function's Errors alarm pages). */
export async function invocation<T>(
  failure: string,
  metrics: HeartbeatMetrics,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    logger.error(failure, { error: errorMessage(error) });
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}

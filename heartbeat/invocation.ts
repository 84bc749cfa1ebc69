/** What both heartbeat Lambdas do around an invocation: log a failure, publish the metrics either way. */
import { errorMessage } from '../lib/errors';
import type { HandlerMetrics } from '../lib/handler-deps';
import { logger } from '../lib/logger';

/** Runs `run`; a failure is logged as `failure` and rethrown (the function's Errors alarm pages). */
export async function invocation<T>(
  failure: string,
  metrics: HandlerMetrics,
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

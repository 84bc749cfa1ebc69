/**
 * What a Lambda handler factory takes from its caller (a test) or fills itself in production: the configuration,
 * read from the environment and validated when the handler is created (cold start), one ClientFactory for the
 * configuration's Region (reused while the Lambda stays warm), the clock and the metrics. One home, so every
 * handler defaults them the same way.
 */
import type { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ClientFactory } from './clients';

/** The part of Powertools Metrics a handler uses (tests pass a recorder, test/helpers/metrics.ts). */
export interface HandlerMetrics {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  publishStoredMetrics(): unknown;
}

export interface HandlerDeps<Config, Metrics> {
  /** Default: read from the environment (and validated) when the handler is created. */
  config?: Config;
  /** Default: one ClientFactory for the function's region, reused while the Lambda stays warm. */
  clientFactory?: ClientFactory;
  now?: () => Date;
  metrics?: Metrics;
}

/** `deps` with every default filled: `loadConfig()` unless a config was given, and so on. */
export function handlerDefaults<Config extends { region: string }, Metrics>(
  deps: HandlerDeps<Config, Metrics>,
  loadConfig: () => Config,
  defaultMetrics: Metrics,
): { config: Config; factory: ClientFactory; now: () => Date; metrics: Metrics } {
  const config = deps.config ?? loadConfig();
  return {
    config,
    factory: deps.clientFactory ?? new ClientFactory({ region: config.region }),
    now: deps.now ?? (() => new Date()),
    metrics: deps.metrics ?? defaultMetrics,
  };
}

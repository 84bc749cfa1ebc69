/**
 * The one Powertools Logger and Metrics instance. Logs are structured JSON carrying `ruleId` and
 * `accountId`; never log a raw event or credentials.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const SERVICE_NAME = 'rootguard';
export const METRICS_NAMESPACE = 'RootGuard';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

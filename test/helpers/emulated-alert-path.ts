/**
 * The root-activity alert handler as the alert-path integration tests run it on moto_server: real clients of
 * the emulator's default account and region, the deployed function's ARN in the context, no pause between
 * Security Hub retries. Each test brings its own topic, queues and tables (the names below) and what it
 * switches on (session paging, the audit role, metrics).
 */
import type { AlertConfig } from '../../alerts/root-activity/config';
import { createRootActivityHandler, type RootActivityHandlerDeps } from '../../alerts/root-activity/handler';
import { EMULATOR_REGION, emulatedFunctionArn, emulatorClientFactory } from './emulator';

export const EMULATED_ALERT_FUNCTION_ARN = emulatedFunctionArn('rootguard-root-activity');

/** What differs between the tests' alert stacks; the rest of AlertConfig is the emulator's region and the runbook. */
export type EmulatedAlertConfig = Pick<
  AlertConfig,
  'topicArn' | 'invalidEventQueueUrl' | 'breakGlassTable' | 'ledgerTable'
> &
  Partial<AlertConfig>;

/** A handler on the emulator; `invoke(event, awsRequestId)` runs it as the deployed function would be called. */
export function emulatedAlertHandler(
  config: EmulatedAlertConfig,
  deps: Omit<RootActivityHandlerDeps, 'config' | 'clientFactory'> = {},
) {
  const handler = createRootActivityHandler({
    config: {
      region: EMULATOR_REGION,
      securityHubRegion: EMULATOR_REGION,
      runbook: 'README.md#break-glass',
      ...config,
    },
    clientFactory: emulatorClientFactory(),
    retryDelayMs: 0,
    ...deps,
  });
  return (event: unknown, awsRequestId = 'req-1') =>
    handler(event, { invokedFunctionArn: EMULATED_ALERT_FUNCTION_ARN, awsRequestId });
}

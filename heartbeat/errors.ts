import { RootGuardError } from '../lib/errors';

/** The event is not the scheduled event of a member's rootguard-heartbeat rule. */
export class InvalidHeartbeatError extends RootGuardError {}

/** The heartbeat table could not be read or written. */
export class HeartbeatStoreError extends RootGuardError {}

/** The check could not tell the security team which accounts are silent. */
export class SilenceAlertError extends RootGuardError {}

/** A setting the heartbeat Lambdas need (serverless.yml) is missing: the cold start fails, naming it. */
export class InvalidHeartbeatConfigError extends RootGuardError {}

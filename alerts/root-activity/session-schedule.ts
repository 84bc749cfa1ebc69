/**
 * The summary checks of a root session, as EventBridge Scheduler one-time schedules: `at(...)` in UTC, deleted
 * by the scheduler once they have fired (ActionAfterCompletion DELETE), invoking the session-summary Lambda
 * with a role of their own. A session has one check planned at a time: the alert path plans the first when
 * it opens (or reopens) a session, the summary Lambda plans each next one (session.ts summaryCheck), so the
 * number of schedules follows the number of live sessions, never the number of events, and nothing polls.
 *
 * The payload crosses no account boundary (the scheduler and the Lambda are the tooling account's) but is
 * validated anyway, and it carries the session's random token: the summary Lambda refuses a session it
 * cannot find in its store with that id, key and token, and a check whose sequence number is not the one
 * the session planned last (a stale schedule) does nothing.
 */
import { CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { awsCall } from '../../lib/errors';
import type { SessionState } from './session';

export const SCHEDULE_PAYLOAD_VERSION = 1;

/** What a summary check delivers to the session-summary Lambda (validated there: session-schedule-payload.ts). */
export interface SchedulePayload {
  v: typeof SCHEDULE_PAYLOAD_VERSION;
  sessionKey: string;
  sessionId: string;
  token: string;
  seq: number;
}

export interface ScheduleTarget {
  /** The schedule group (serverless.yml RootSessionScheduleGroup). */
  groupName: string;
  /** The session-summary Lambda. */
  functionArn: string;
  /** The role EventBridge Scheduler invokes it with. */
  roleArn: string;
}

/** Scheduler names: 1–64 of `[0-9a-zA-Z-_.]`. A session id is at most 12+1+12+1+8 = 34 characters. */
export function scheduleName(sessionId: string, seq: number): string {
  return `rootguard-session-${sessionId}-${seq}`.slice(0, 64);
}

/** `at(yyyy-mm-ddThh:mm:ss)`, read in ScheduleExpressionTimezone (UTC). */
export function atExpression(iso: string): string {
  return `at(${new Date(iso).toISOString().slice(0, 19)})`;
}

export function payloadOf(state: SessionState): SchedulePayload {
  return {
    v: SCHEDULE_PAYLOAD_VERSION,
    sessionKey: state.sessionKey,
    sessionId: state.sessionId,
    token: state.token,
    seq: state.checkSeq,
  };
}

/**
 * Creates the check `state` plans (`nextCheckAt`, `checkSeq`). Creating it twice (a retried invocation) finds
 * the first one (ConflictException): that is success, the name is the idempotency key.
 */
export async function planCheck(
  client: SchedulerClient,
  target: ScheduleTarget,
  state: SessionState,
): Promise<{ name: string; created: boolean }> {
  if (!state.nextCheckAt) throw new Error(`session ${state.sessionId} plans no check`);
  const name = scheduleName(state.sessionId, state.checkSeq);
  try {
    await client.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: target.groupName,
        ScheduleExpression: atExpression(state.nextCheckAt),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: target.functionArn,
          RoleArn: target.roleArn,
          Input: JSON.stringify(payloadOf(state)),
          // A check that cannot run within an hour is late anyway; the next event or check plans another.
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        },
      }),
    );
    return { name, created: true };
  } catch (error) {
    // By name: the exception class would add the scheduler's error models to the alert bundle for nothing.
    if ((error as { name?: string }).name === 'ConflictException') {
      return { name, created: false };
    }
    return awsCall('scheduler:CreateSchedule', state.accountId, () => Promise.reject(error));
  }
}

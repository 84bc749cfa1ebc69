/** Real-shaped heartbeats and named times for the heartbeat tests (heartbeat/). */
import { HEARTBEAT_RULE_NAME, SILENCE_MS } from '../../heartbeat/heartbeat';

export const HEARTBEAT_TABLE = 'rootguard-heartbeats-test';
export const ALERT_TOPIC_ARN = 'arn:aws:sns:us-east-1:444444444444:rootguard-root-activity-test';
export const CHECK_TIME = new Date('2026-11-20T12:00:00.000Z');
/** Inside the silence window, and beyond it. */
export const RECENTLY = new Date(CHECK_TIME.getTime() - SILENCE_MS / 4).toISOString();
export const LONG_AGO = new Date(CHECK_TIME.getTime() - SILENCE_MS * 3).toISOString();

/**
 * What a member's rootguard-heartbeat rule puts on the central bus: EventBridge's scheduled event, whose
 * envelope names the rule's account and whose resources hold the rule's ARN; forwarding keeps both.
 */
export function heartbeatEvent(accountId: string, region = 'us-east-1', ruleName = HEARTBEAT_RULE_NAME) {
  return {
    version: '0',
    id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: accountId,
    time: '2026-11-20T11:00:00Z',
    region,
    resources: [`arn:aws:events:${region}:${accountId}:rule/${ruleName}`],
    detail: {},
  };
}

/**
 * The heartbeat is wired end to end (issue 11, part 4): every member account's rootguard-heartbeat rule
 * (stacksets/member-forwarding.yaml, sign-in Region) sends EventBridge's scheduled event at the interval
 * heartbeat/heartbeat.ts judges by, to the central bus through the forwarding role; serverless.yml's central
 * rule takes its pattern from heartbeat/patterns.json and invokes the recorder; the check runs every interval
 * and its failures page on the alert topic.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { HEARTBEAT_INTERVAL_MINUTES, HEARTBEAT_RULE_NAME } from '../../heartbeat/heartbeat';
import patterns from '../../heartbeat/patterns.json';
import { asArray, isObject, type JsonObject } from '../helpers/policy-walk';
import { loadServerlessConfig } from '../helpers/serverless-config';

const ROOT = resolve(__dirname, '../..');
type Resources = Record<string, { Type: string; Condition?: string; Properties: JsonObject }>;
const forwarding = parse(readFileSync(join(ROOT, 'stacksets/member-forwarding.yaml'), 'utf8')) as {
  Resources: Resources;
};
const serverless = loadServerlessConfig() as unknown as {
  custom: { heartbeat: { pattern: string; checkErrorsAlarmName: string } };
  functions: Record<string, { handler: string; events?: { schedule?: { rate?: string } }[] }>;
  resources: { Resources: Resources };
};
const central = serverless.resources.Resources;
// biome-ignore lint/suspicious/noTemplateCurlyInString: an osls variable, as written in serverless.yml
const HEARTBEAT_PATTERN_REFERENCE = '${file(./heartbeat/patterns.json):heartbeat}';
const RATE = `rate(${HEARTBEAT_INTERVAL_MINUTES / 60} hour)`;

describe('heartbeat wiring', () => {
  it('sends a scheduled event from the sign-in Region of every member at the interval the check judges by', () => {
    const rule = forwarding.Resources.HeartbeatRule;
    expect(rule?.Condition).toBe('IsRootSignInRegion');
    expect(rule?.Properties).toMatchObject({
      Name: HEARTBEAT_RULE_NAME,
      ScheduleExpression: RATE,
      State: 'ENABLED',
      Targets: [{ Id: 'central-event-bus', Arn: { Ref: 'CentralEventBusArn' } }],
    });
  });

  it("pins the central rule to scheduled events of the members' heartbeat rule, from heartbeat/patterns.json", () => {
    expect(patterns.heartbeat.resources).toEqual([{ suffix: `:rule/${HEARTBEAT_RULE_NAME}` }]);
    expect(serverless.custom.heartbeat.pattern).toBe(HEARTBEAT_PATTERN_REFERENCE);
    const rule = central.CentralHeartbeatRule?.Properties ?? {};
    expect(rule.EventBusName).toEqual({ Ref: 'RootActivityEventBus' });
    expect(
      asArray(rule.Targets)
        .filter(isObject)
        .map((t) => t.Arn),
    ).toEqual([{ 'Fn::GetAtt': ['HeartbeatRecordLambdaFunction', 'Arn'] }]);
    expect(central.CentralHeartbeatPermission?.Properties.SourceArn).toEqual({
      'Fn::GetAtt': ['CentralHeartbeatRule', 'Arn'],
    });
  });

  it('runs the recorder and the check from heartbeat/, the check once an interval', () => {
    expect(serverless.functions.heartbeatRecord?.handler).toBe('heartbeat/record.handler');
    expect(serverless.functions.heartbeatCheck?.handler).toBe('heartbeat/check.handler');
    expect(serverless.functions.heartbeatCheck?.events?.[0]?.schedule?.rate).toBe(RATE);
  });

  it('keeps one item per account, keyed by account id, in a table of its own', () => {
    expect(central.HeartbeatTable?.Properties.KeySchema).toEqual([
      { AttributeName: 'accountId', KeyType: 'HASH' },
    ]);
  });

  it('pages on the alert topic when the check fails, through an alarm the topic key admits', () => {
    expect(central.HeartbeatCheckErrorsAlarm?.Properties.AlarmActions).toEqual([
      { Ref: 'RootActivityAlertTopic' },
    ]);
    expect(JSON.stringify(central.RootActivityAlertTopicKey?.Properties)).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an osls variable, as written in serverless.yml
      '${self:custom.heartbeat.checkErrorsAlarmName}',
    );
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  FORWARDING_RULES,
  MEMBER_STACK_SET,
  opsItemDescription,
  opsItemTitle,
  ROOT_ACTIVITY_FORWARDING_TASK,
} from '../../../../remediations/request-root-activity-forwarding/checklist';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { checklistCases } from '../document-cases';

type Template = {
  Parameters: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: { Name?: string } }>;
};
const template = (file: string) =>
  parse(readFileSync(join(__dirname, '../../../../stacksets', file), 'utf8')) as Template;
const member = template('member-account.yaml');
const forwarding = template('member-forwarding.yaml');

describe('the root activity forwarding checklist', () => {
  checklistCases(ROOT_ACTIVITY_FORWARDING_TASK, {
    asks: [
      [
        'checking the forwarding StackSet instances of the account',
        /list-stack-instances --stack-set-name rootguard-member-forwarding --stack-instance-account 222222222222/,
      ],
      [
        'checking the forwarding role with CentralEventBusArn',
        /rootguard-member instance .*CentralEventBusArn/,
      ],
      [
        'adding the missing Regions',
        /create-stack-instances --stack-set-name rootguard-member-forwarding --regions/,
      ],
      [
        'confirming the rules receive read-only calls in each Region',
        /in each Region named: aws events describe-rule --name rootguard-root-api-call .*State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS/,
      ],
      ['confirming the central bus target', /list-targets-by-rule .*central bus ARN/],
      ['sending a test event', /Send a test event: aws events test-event-pattern/],
      ['re-evaluating the Config rule', /Re-evaluate the root-activity-alerting Config rule/],
    ],
    title: `Repair the forwarding of root activity from ${MEMBER_ACCOUNT} to the central event bus`,
  });

  it('names the rules member-forwarding.yaml and the parameter member-account.yaml really have', () => {
    const ruleNames = Object.values(forwarding.Resources)
      // The root-activity rules (the compliance-change rule forwards findings, not root activity).
      .filter((r) => r.Type === 'AWS::Events::Rule' && r.Condition === undefined)
      .map((r) => r.Properties.Name);
    expect([...FORWARDING_RULES].sort()).toEqual(ruleNames.sort());
    expect(member.Parameters).toHaveProperty('CentralEventBusArn');
    expect(MEMBER_STACK_SET).toBe('rootguard-member');
  });

  it('is the task RootGuard-RequestRootActivityForwarding sends, deduplicated under root-activity-alerting', () => {
    expect(ROOT_ACTIVITY_FORWARDING_TASK).toMatchObject({
      id: 'root-activity-forwarding',
      ruleId: 'root-activity-alerting',
    });
    expect(ROOT_ACTIVITY_FORWARDING_TASK.description(MEMBER_ACCOUNT)).toBe(
      opsItemDescription(MEMBER_ACCOUNT),
    );
    expect(ROOT_ACTIVITY_FORWARDING_TASK.title(MEMBER_ACCOUNT)).toBe(opsItemTitle(MEMBER_ACCOUNT));
  });
});

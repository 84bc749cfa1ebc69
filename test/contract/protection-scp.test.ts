/**
 * Tampering with the alert path is refused (issue 11, part 4): the protection SCP of
 * stacksets/management-account.yaml, played against by an administrator of one member account. Every change to
 * a rootguard forwarding rule (in any Region) and to a rootguard member role is denied to them, and to a role
 * they name stacksets-exec-* themselves; the service-managed StackSet execution role is left out, so StackSets
 * still deploy and update the member templates. The SCP's one home is that template; this test reads it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { asArray, isObject, type Json, type JsonObject } from '../helpers/policy-walk';
import { denyingStatements, resolveSubs } from '../helpers/scp-evaluation';
import {
  FAKE_STACKSET_ROLE_ARN,
  MEMBER_ADMIN_ARN,
  memberRoleArn,
  memberRuleArn,
  STACKSET_EXECUTION_ROLE_ARN,
  TAMPER_REGIONS,
} from '../helpers/tampering';

const STACKSETS_DIR = resolve(__dirname, '../../stacksets');

interface Template {
  Parameters: Record<string, JsonObject>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: JsonObject }>;
}
const load = (file: string) => parse(readFileSync(join(STACKSETS_DIR, file), 'utf8')) as Template;
const management = load('management-account.yaml');
const member = load('member-account.yaml');
const forwarding = load('member-forwarding.yaml');
const memberRemediation = load('member-remediation.yaml');

const defaults = (template: Template) =>
  Object.fromEntries(Object.entries(template.Parameters).map(([name, p]) => [name, String(p.Default ?? '')]));

const policies = Object.values(management.Resources).filter((r) => r.Type === 'AWS::Organizations::Policy');
const scp = policies[0];
const statements: JsonObject[] = (() => {
  const content = resolveSubs((scp?.Properties.Content ?? null) as Json, defaults(management));
  return isObject(content) ? asArray(content.Statement).filter(isObject) : [];
})();

/** Every EventBridge rule rootguard puts on a member's (or the management account's) default bus. */
const ruleNames = [forwarding, management].flatMap((template) =>
  Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Events::Rule')
    .map((r) => String(r.Properties.Name)),
);

/** The member roles the alert path and the remediations depend on, under their default names. */
const memberRoleNames = [
  member.Parameters.ExecutionRoleName?.Default,
  member.Parameters.ForwardingRoleName?.Default,
  memberRemediation.Parameters.RemediationRoleName?.Default,
  memberRemediation.Parameters.ExecutionReaderRoleName?.Default,
].map(String);

const RULE_TAMPERING = [
  'events:DeleteRule',
  'events:DisableRule',
  'events:PutRule',
  'events:RemoveTargets',
  'events:PutTargets',
];
const ROLE_TAMPERING = [
  'iam:DeleteRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:CreateRole',
];

const ruleCases = RULE_TAMPERING.flatMap((action) =>
  ruleNames.flatMap((rule) => TAMPER_REGIONS.map((region) => [action, rule, region] as const)),
);
const roleCases = ROLE_TAMPERING.flatMap((action) => memberRoleNames.map((role) => [action, role] as const));

describe('management-account.yaml protection SCP', () => {
  it('is one service control policy, attached to a parameter list of root or OU ids (never accounts)', () => {
    expect(policies).toHaveLength(1);
    expect(scp?.Properties).toMatchObject({
      Type: 'SERVICE_CONTROL_POLICY',
      TargetIds: { 'Fn::Split': [',', { Ref: 'ProtectionScpTargetIds' }] },
    });
    const targets = new RegExp(String(management.Parameters.ProtectionScpTargetIds?.AllowedPattern));
    expect(targets.test('r-ab12,ou-ab12-cdefgh34')).toBe(true);
    expect(targets.test('')).toBe(true);
    expect(targets.test('222222222222')).toBe(false);
  });

  it('finds the forwarding, heartbeat and Organizations-change rules and the four member roles', () => {
    expect(ruleNames).toEqual(
      expect.arrayContaining([
        'rootguard-root-console-sign-in',
        'rootguard-root-api-call',
        'rootguard-heartbeat',
      ]),
    );
    expect(memberRoleNames).not.toContain('undefined');
  });

  it('uses Deny statements with explicit actions only (no "*" action) and fits an SCP (5,120 characters)', () => {
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((s) => s.Effect !== 'Deny')).toEqual([]);
    expect(statements.flatMap((s) => asArray(s.Action)).filter((a) => String(a).includes('*'))).toEqual([]);
    expect(JSON.stringify(scp?.Properties.Content).length).toBeLessThanOrEqual(5120);
  });

  it.each(ruleCases)('denies %s on rule %s in %s to a member administrator', (action, rule, region) => {
    // Prepare
    const request = { action, resource: memberRuleArn(region, rule), principalArn: MEMBER_ADMIN_ARN };
    // Act
    const denied = denyingStatements(statements, request);
    // Assess
    expect(denied).not.toEqual([]);
  });

  it.each(roleCases)('denies %s on role %s to a member administrator', (action, role) => {
    const request = { action, resource: memberRoleArn(role), principalArn: MEMBER_ADMIN_ARN };

    const denied = denyingStatements(statements, request);

    expect(denied).not.toEqual([]);
  });

  it('denies the administrator a stacksets-exec-* role of their own to ride the exemption', () => {
    const request = {
      action: 'iam:CreateRole',
      resource: FAKE_STACKSET_ROLE_ARN,
      principalArn: MEMBER_ADMIN_ARN,
    };

    const denied = denyingStatements(statements, request);

    expect(denied).not.toEqual([]);
  });

  it('denies leaving the organization, which would take the account out of the heartbeat check', () => {
    const request = {
      action: 'organizations:LeaveOrganization',
      resource: '*',
      principalArn: MEMBER_ADMIN_ARN,
    };

    expect(denyingStatements(statements, request)).not.toEqual([]);
  });

  it.each([
    ...ruleCases.map(([a, rule, region]) => [a, memberRuleArn(region, rule)] as const),
    ...roleCases.map(([a, role]) => [a, memberRoleArn(role)] as const),
  ])('leaves %s on %s to the StackSet execution role', (action, resource) => {
    const request = { action, resource, principalArn: STACKSET_EXECUTION_ROLE_ARN };

    const denied = denyingStatements(statements, request);

    expect(denied).toEqual([]);
  });

  it('protects the member role names member-account.yaml and member-remediation.yaml use by default', () => {
    const own = defaults(management);
    expect([
      own.MemberExecutionRoleName,
      own.MemberForwardingRoleName,
      own.MemberRemediationRoleName,
      own.MemberExecutionReaderRoleName,
    ]).toEqual(memberRoleNames);
  });

  it('leaves unrelated rules and roles of the member account alone', () => {
    const rule = { action: 'events:DeleteRule', resource: memberRuleArn('us-east-1', 'team-app-rule') };
    const role = { action: 'iam:DeleteRole', resource: memberRoleArn('team-app-role') };

    expect(denyingStatements(statements, { ...rule, principalArn: MEMBER_ADMIN_ARN })).toEqual([]);
    expect(denyingStatements(statements, { ...role, principalArn: MEMBER_ADMIN_ARN })).toEqual([]);
  });
});

/**
 * stacksets/ deployed by CloudFormation in moto_server, with real SDK clients over HTTP:
 * - member-account.yaml as a stack set (SELF_MANAGED here: moto needs no administration or execution roles,
 *   and creates the instances at once) in two member accounts: the execution role with its trust and inline
 *   policy, and, when CentralEventBusArn is given, the forwarding rules that deliver each account's root
 *   activity to the central bus of the security tooling account; root-activity-alerting, reading a member
 *   account through that role, then judges it COMPLIANT;
 * - management-account.yaml as a plain stack in the management account: the Organizations read role (which
 *   root-deny-scp can use as its OrgReadRoleArn) and the two remediation roles.
 * moto does not enforce trust or permission policies; those are checked as documents here and in
 * test/contract/stacksets.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeStacksCommand,
  ListStackInstancesCommand,
  type Output,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ListDocumentsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clearOrgCache } from '../../lib/org-tree';
import { createRuleHandler } from '../../lib/rule-handler';
import { RULES } from '../../lib/rule-registry';
import * as rootActivityAlerting from '../../rules/root-activity-alerting/collect';
import { evaluate as evaluateRootActivityAlerting } from '../../rules/root-activity-alerting/evaluate';
import rootActivityAlertingMetadata from '../../rules/root-activity-alerting/rule.json';
import * as rootDenyScp from '../../rules/root-deny-scp/collect';
import { evaluate as evaluateRootDenyScp } from '../../rules/root-deny-scp/evaluate';
import rootDenyScpMetadata from '../../rules/root-deny-scp/rule.json';
import { scheduledEvent } from '../helpers/config-events';
import {
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  OTHER_ACCOUNT,
  SECURITY_TOOLING_ACCOUNT,
} from '../helpers/constants';
import { EMULATOR_REGION, emulatorClient, emulatorClientFactory, resetEmulator } from '../helpers/emulator';
import {
  ALERTING_EVENTS,
  type CloudTrailEvent,
  loadEvent,
  NON_ALERTING_EVENTS,
} from '../helpers/root-activity-events';

const STACKSETS_DIR = join(__dirname, '..', '..', 'stacksets');
const MEMBER_TEMPLATE = readFileSync(join(STACKSETS_DIR, 'member-account.yaml'), 'utf8');
const MEMBER_REMEDIATION_TEMPLATE = readFileSync(join(STACKSETS_DIR, 'member-remediation.yaml'), 'utf8');
const MANAGEMENT_TEMPLATE = readFileSync(join(STACKSETS_DIR, 'management-account.yaml'), 'utf8');

const STACK_SET = 'rootguard-member';
/** The documents member-remediation.yaml deploys: every rule's remediation document. */
const RULE_DOCUMENTS = RULES.map((rule) => rule.metadata.remediation.documentId);
const MEMBERS = [MEMBER_ACCOUNT, OTHER_ACCOUNT];
const EXECUTION_ROLE = 'RootGuardExecutionRole';
const RULE_ROLE_PREFIX = 'rootguard-prod-rule-';
const CENTRAL_BUS = 'rootguard-central';
const CENTRAL_BUS_ARN = `arn:aws:events:${EMULATOR_REGION}:${SECURITY_TOOLING_ACCOUNT}:event-bus/${CENTRAL_BUS}`;
// Sorted by name: the two root-activity rules and the rootguard compliance-change rule.
const FORWARDING_RULES = [
  'rootguard-config-compliance-change',
  'rootguard-root-api-call',
  'rootguard-root-console-sign-in',
];
const APPROVAL_TOPIC_ARN = `arn:aws:sns:${EMULATOR_REGION}:${SECURITY_TOOLING_ACCOUNT}:AutomationRootGuardApprovals`;
const APPROVAL_TOPIC_KEY_ARN = `arn:aws:kms:${EMULATOR_REGION}:${SECURITY_TOOLING_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** What the execution role may do (test/contract/stacksets.test.ts traces each action to a rule). */
const EXECUTION_ROLE_ACTIONS = [
  'cloudwatch:DescribeAlarmsForMetric',
  'config:PutEvaluations',
  'events:ListRules',
  'events:ListTargetsByRule',
  'iam:GenerateCredentialReport',
  'iam:GetAccountSummary',
  'iam:GetCredentialReport',
  'iam:ListVirtualMFADevices',
  'logs:DescribeMetricFilters',
];

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

// moto's first CloudFormation call takes a couple of seconds, and it routes an event to another account's bus
// in about a quarter of a second. The integration project's testTimeout in jest.config.js does not reach the
// tests (Jest reads testTimeout from the global configuration only), so the 5 s default would apply.
jest.setTimeout(30_000);

beforeEach(async () => {
  await resetEmulator();
  clearOrgCache();
});

const cloudFormation = (accountId: string, region = EMULATOR_REGION) =>
  emulatorClient(CloudFormationClient, { accountId, region });

const parameters = (values: Record<string, string>): Parameter[] =>
  Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));

/**
 * IAM returns policy documents as URL-encoded JSON. moto 5.2.1 returns an inline policy that CloudFormation
 * created as the Python repr of a dict (`{'Version': '2012-10-17', ...}`); these templates put no quote,
 * backslash or boolean inside a policy, so swapping the quotes makes it JSON again.
 */
function policyDocument(text: string | undefined): PolicyDocument {
  const decoded = decodeURIComponent(text ?? '');
  if (!decoded.startsWith("{'")) return JSON.parse(decoded) as PolicyDocument;
  if (/["\\]|\b(True|False|None)\b/.test(decoded)) throw new Error(`cannot read moto's policy ${decoded}`);
  return JSON.parse(decoded.replace(/'/g, '"')) as PolicyDocument;
}

const actionsOf = (document: PolicyDocument): string[] =>
  [...new Set(document.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();

/** member-account.yaml as a stack set administered from the management account, in every member account. */
async function deployMemberStackSet(extra: Record<string, string> = {}): Promise<void> {
  const cfn = cloudFormation(MANAGEMENT_ACCOUNT);
  await cfn.send(
    new CreateStackSetCommand({
      StackSetName: STACK_SET,
      TemplateBody: MEMBER_TEMPLATE,
      PermissionModel: 'SELF_MANAGED',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: parameters({ SecurityToolingAccountId: SECURITY_TOOLING_ACCOUNT, ...extra }),
    }),
  );
  await cfn.send(
    new CreateStackInstancesCommand({
      StackSetName: STACK_SET,
      Accounts: MEMBERS,
      Regions: [EMULATOR_REGION],
    }),
  );
  const instances = await cfn.send(new ListStackInstancesCommand({ StackSetName: STACK_SET }));
  expect(
    (instances.Summaries ?? [])
      .map((i) => [i.Account, i.Region, i.StackInstanceStatus?.DetailedStatus])
      .sort(),
  ).toEqual(MEMBERS.map((account) => [account, EMULATOR_REGION, 'SUCCEEDED']));
}

/** member-remediation.yaml as a stack set from the management account, in every member account. */
async function deployMemberRemediationStackSet(extra: Record<string, string> = {}): Promise<void> {
  const cfn = cloudFormation(MANAGEMENT_ACCOUNT);
  await cfn.send(
    new CreateStackSetCommand({
      StackSetName: 'rootguard-member-remediation',
      TemplateBody: MEMBER_REMEDIATION_TEMPLATE,
      PermissionModel: 'SELF_MANAGED',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: parameters({
        SecurityToolingAccountId: SECURITY_TOOLING_ACCOUNT,
        ApprovalTopicArn: APPROVAL_TOPIC_ARN,
        ApprovalTopicKeyArn: APPROVAL_TOPIC_KEY_ARN,
        ...extra,
      }),
    }),
  );
  await cfn.send(
    new CreateStackInstancesCommand({
      StackSetName: 'rootguard-member-remediation',
      Accounts: MEMBERS,
      Regions: [EMULATOR_REGION],
    }),
  );
  const instances = await cfn.send(
    new ListStackInstancesCommand({ StackSetName: 'rootguard-member-remediation' }),
  );
  expect(
    (instances.Summaries ?? []).map((i) => [i.Account, i.StackInstanceStatus?.DetailedStatus]).sort(),
  ).toEqual(MEMBERS.map((account) => [account, 'SUCCEEDED']));
}

/** A plain stack; returns its outputs by key. */
async function deployStack(
  accountId: string,
  name: string,
  template: string,
  values: Record<string, string>,
  region = EMULATOR_REGION,
): Promise<Record<string, string>> {
  const cfn = cloudFormation(accountId, region);
  await cfn.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: template,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: parameters(values),
    }),
  );
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
  return Object.fromEntries((stack?.Outputs ?? []).map((o: Output) => [o.OutputKey, o.OutputValue]));
}

async function role(accountId: string, roleName: string, policyName: string) {
  const iam = emulatorClient(IAMClient, { accountId });
  const found = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
  const inline = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
  return {
    arn: found?.Arn,
    maxSessionDuration: found?.MaxSessionDuration,
    trust: policyDocument(found?.AssumeRolePolicyDocument),
    policy: policyDocument(inline.PolicyDocument),
  };
}

async function roleNames(accountId: string): Promise<string[]> {
  const roles = await emulatorClient(IAMClient, { accountId }).send(new ListRolesCommand({}));
  return (roles.Roles ?? []).map((r) => r.RoleName ?? '').sort();
}

const toolingTrust = (condition: Record<string, Record<string, unknown>>): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    expect.objectContaining({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:root` },
      Action: 'sts:AssumeRole',
      Condition: condition,
    }),
  ],
});

/** The central bus in the tooling account, with one rule delivering everything it receives to a queue. */
async function centralBusDeliveringToQueue(): Promise<{ drain: () => Promise<CloudTrailEvent[]> }> {
  const events = emulatorClient(EventBridgeClient, { accountId: SECURITY_TOOLING_ACCOUNT });
  const sqs = emulatorClient(SQSClient, { accountId: SECURITY_TOOLING_ACCOUNT });
  await events.send(new CreateEventBusCommand({ Name: CENTRAL_BUS }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'central-root-activity' }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await events.send(
    new PutRuleCommand({
      Name: 'everything-forwarded',
      EventBusName: CENTRAL_BUS,
      EventPattern: JSON.stringify({ source: [{ prefix: 'aws.' }] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: 'everything-forwarded',
      EventBusName: CENTRAL_BUS,
      Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
    }),
  );
  return {
    drain: async () => {
      const messages: Message[] = [];
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        if (!out.Messages?.length) break;
        messages.push(...out.Messages);
      }
      return messages.map((m) => JSON.parse(m.Body ?? 'null') as CloudTrailEvent);
    },
  };
}

describe('member-account.yaml as a stack set', () => {
  it('creates the execution role in every member account, trusted by the tooling rule roles only', async () => {
    await deployMemberStackSet();

    for (const accountId of MEMBERS) {
      const execution = await role(accountId, EXECUTION_ROLE, 'rootguard-read-root-facts');
      expect(execution.arn).toBe(`arn:aws:iam::${accountId}:role/${EXECUTION_ROLE}`);
      expect(execution.maxSessionDuration).toBe(3600);
      expect(execution.trust).toEqual(
        toolingTrust({
          ArnLike: {
            'aws:PrincipalArn': `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/${RULE_ROLE_PREFIX}*`,
          },
        }),
      );
      expect(actionsOf(execution.policy)).toEqual(EXECUTION_ROLE_ACTIONS);
      // Resource-scoped reads stay in the account itself.
      expect(execution.policy.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Action: 'events:ListTargetsByRule',
            Resource: `arn:aws:events:*:${accountId}:rule/*`,
          }),
          expect.objectContaining({
            Action: 'logs:DescribeMetricFilters',
            Resource: `arn:aws:logs:*:${accountId}:log-group:*`,
          }),
        ]),
      );
    }
  });

  it('takes the execution role name and the rule role prefix from parameters', async () => {
    await deployMemberStackSet({
      ExecutionRoleName: 'RootGuardExec',
      RuleRoleNamePrefix: 'rootguard-dev-rule-',
    });

    for (const accountId of MEMBERS) {
      const execution = await role(accountId, 'RootGuardExec', 'rootguard-read-root-facts');
      expect(execution.trust.Statement[0]?.Condition).toEqual({
        ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/rootguard-dev-rule-*` },
      });
    }
  });

  it('forwards nothing when CentralEventBusArn is blank', async () => {
    await deployMemberStackSet();

    for (const accountId of MEMBERS) {
      const rules = await emulatorClient(EventBridgeClient, { accountId }).send(new ListRulesCommand({}));
      expect(rules.Rules).toEqual([]);
      expect(await roleNames(accountId)).toEqual([EXECUTION_ROLE]);
    }
  });

  it('targets the central bus from three rules per member account, through a role of that account', async () => {
    await deployMemberStackSet({ CentralEventBusArn: CENTRAL_BUS_ARN });

    for (const accountId of MEMBERS) {
      const events = emulatorClient(EventBridgeClient, { accountId });
      const rules = (await events.send(new ListRulesCommand({}))).Rules ?? [];
      expect(rules.map((r) => [r.Name, r.EventBusName, r.State]).sort()).toEqual(
        FORWARDING_RULES.map((name) => [name, 'default', 'ENABLED']),
      );
      for (const rule of rules) {
        const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }))).Targets ?? [];
        expect(targets).toEqual([
          expect.objectContaining({
            Arn: CENTRAL_BUS_ARN,
            RoleArn: expect.stringMatching(new RegExp(`^arn:aws:iam::${accountId}:role/`)),
          }),
        ]);
        const forwardingRoleName = targets[0]?.RoleArn?.split(':role/')[1] ?? '';
        const forwarding = await role(accountId, forwardingRoleName, 'rootguard-put-events-central-bus');
        expect(forwarding.policy.Statement).toEqual([
          expect.objectContaining({ Action: 'events:PutEvents', Resource: CENTRAL_BUS_ARN }),
        ]);
        expect(forwarding.trust.Statement).toEqual([
          expect.objectContaining({
            Principal: { Service: 'events.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': accountId },
              ArnEquals: {
                'aws:SourceArn': [
                  `arn:aws:events:${EMULATOR_REGION}:${accountId}:rule/rootguard-root-console-sign-in`,
                  `arn:aws:events:${EMULATOR_REGION}:${accountId}:rule/rootguard-root-api-call`,
                  `arn:aws:events:${EMULATOR_REGION}:${accountId}:rule/rootguard-config-compliance-change`,
                ],
              },
            },
          }),
        ]);
      }
    }
  });

  it("delivers exactly each member account's root activity to the central bus", async () => {
    const central = await centralBusDeliveringToQueue();
    await deployMemberStackSet({ CentralEventBusArn: CENTRAL_BUS_ARN });

    for (const accountId of MEMBERS) {
      const events = [...ALERTING_EVENTS, ...NON_ALERTING_EVENTS].map(loadEvent);
      const put = await emulatorClient(EventBridgeClient, { accountId }).send(
        new PutEventsCommand({
          Entries: events.map((e) => ({
            Source: e.source,
            DetailType: e['detail-type'],
            // CloudTrail names the account in recipientAccountId; the test events all say MEMBER_ACCOUNT.
            Detail: JSON.stringify({ ...e.detail, recipientAccountId: accountId }),
            Time: new Date(e.time),
          })),
        }),
      );
      expect(put.FailedEntryCount).toBe(0);
    }
    const delivered = await central.drain();

    const expected = MEMBERS.flatMap((accountId) =>
      ALERTING_EVENTS.map((name) => `${accountId}/${loadEvent(name).detail.eventID}`),
    );
    expect(delivered.map((e) => `${e.detail.recipientAccountId}/${e.detail.eventID}`).sort()).toEqual(
      expected.sort(),
    );
  });

  it('makes root-activity-alerting COMPLIANT, read through the execution role', async () => {
    await deployMemberStackSet({ CentralEventBusArn: CENTRAL_BUS_ARN });
    const handler = createRuleHandler(
      {
        metadata: rootActivityAlertingMetadata,
        collect: rootActivityAlerting.collect,
        evaluate: evaluateRootActivityAlerting,
      },
      { clientFactory: emulatorClientFactory(EMULATOR_REGION, SECURITY_TOOLING_ACCOUNT) },
    );

    const out = await handler(
      scheduledEvent({
        accountId: MEMBER_ACCOUNT,
        region: EMULATOR_REGION,
        resultToken: 'TESTMODE',
        ruleParameters: { ExecutionRoleName: EXECUTION_ROLE },
      }),
    );

    expect(out.evaluations).toEqual([
      expect.objectContaining({
        complianceType: 'COMPLIANT',
        annotation: expect.stringContaining('rootguard-root-console-sign-in'),
      }),
    ]);
  });

  it('creates the execution role but no forwarding outside the root sign-in Region', async () => {
    await deployStack(
      OTHER_ACCOUNT,
      'rootguard-member',
      MEMBER_TEMPLATE,
      { SecurityToolingAccountId: SECURITY_TOOLING_ACCOUNT, CentralEventBusArn: CENTRAL_BUS_ARN },
      'eu-west-1',
    );

    expect(await roleNames(OTHER_ACCOUNT)).toEqual([EXECUTION_ROLE]);
    for (const region of ['eu-west-1', EMULATOR_REGION]) {
      const rules = await emulatorClient(EventBridgeClient, { accountId: OTHER_ACCOUNT, region }).send(
        new ListRulesCommand({}),
      );
      expect(rules.Rules).toEqual([]);
    }
  });
});

describe('management-account.yaml as a plain stack in the management account', () => {
  const deployManagement = (values: Record<string, string> = {}) =>
    deployStack(MANAGEMENT_ACCOUNT, 'rootguard-management', MANAGEMENT_TEMPLATE, {
      SecurityToolingAccountId: SECURITY_TOOLING_ACCOUNT,
      ...values,
    });

  it('creates the Organizations read role, trusted by the root-deny-scp rule role only', async () => {
    const outputs = await deployManagement();

    const orgRead = await role(MANAGEMENT_ACCOUNT, 'RootGuardOrgRead', 'rootguard-read-organization-scps');
    expect(outputs.OrgReadRoleArn).toBe(`arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/RootGuardOrgRead`);
    expect(orgRead.trust).toEqual(
      toolingTrust({
        ArnEquals: {
          'aws:PrincipalArn': `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/${RULE_ROLE_PREFIX}root-deny-scp`,
        },
      }),
    );
    expect(actionsOf(orgRead.policy)).toEqual([
      'organizations:DescribeOrganization',
      'organizations:DescribePolicy',
      'organizations:ListParents',
      'organizations:ListPoliciesForTarget',
      'organizations:ListRoots',
    ]);
  });

  it('gives root-deny-scp an OrgReadRoleArn it accepts and can read the organization with', async () => {
    const org = emulatorClient(OrganizationsClient, { accountId: MANAGEMENT_ACCOUNT });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    const memberId = (
      await org.send(new CreateAccountCommand({ AccountName: 'workload', Email: 'workload@example.com' }))
    ).CreateAccountStatus?.AccountId as string;
    const outputs = await deployManagement();
    const handler = createRuleHandler(
      { metadata: rootDenyScpMetadata, collect: rootDenyScp.collect, evaluate: evaluateRootDenyScp },
      { clientFactory: emulatorClientFactory(EMULATOR_REGION, SECURITY_TOOLING_ACCOUNT) },
    );

    const out = await handler(
      scheduledEvent({
        accountId: memberId,
        region: EMULATOR_REGION,
        resultToken: 'TESTMODE',
        ruleParameters: { OrgReadRoleArn: outputs.OrgReadRoleArn },
      }),
    );

    // Judged on the organization's SCPs (only FullAWSAccess here), not "could not be evaluated".
    expect(out.evaluations).toEqual([
      expect.objectContaining({
        complianceType: 'NON_COMPLIANT',
        annotation: expect.not.stringContaining('could not be evaluated'),
      }),
    ]);
  });

  it('creates the SCP remediation role: Organizations reads, and writes of SCPs only', async () => {
    const outputs = await deployManagement();

    const scp = await role(MANAGEMENT_ACCOUNT, 'RootGuardScpRemediation', 'rootguard-attach-deny-root-scp');
    expect(outputs.ScpRemediationRoleArn).toBe(scp.arn);
    expect(scp.trust).toEqual(
      toolingTrust({
        ArnEquals: {
          'aws:PrincipalArn': `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/rootguard-prod-remediation-attach-deny-root-scp`,
        },
      }),
    );
    expect(scp.policy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'organizations:CreatePolicy',
          Condition: {
            StringEquals: {
              'organizations:PolicyType': 'SERVICE_CONTROL_POLICY',
              'aws:RequestTag/app': 'rootguard',
            },
          },
        }),
        // Only SCPs tagged app=rootguard can be attached: never a quarantine deny-all.
        expect.objectContaining({
          Action: 'organizations:AttachPolicy',
          Resource: 'arn:aws:organizations::*:policy/o-*/service_control_policy/p-*',
          Condition: { StringEquals: { 'aws:ResourceTag/app': 'rootguard' } },
        }),
        expect.objectContaining({
          Action: 'organizations:TagResource',
          Condition: {
            StringEquals: { 'aws:RequestTag/app': 'rootguard' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['app'] },
          },
        }),
      ]),
    );
  });

  it('creates the root credentials role: AssumeRoot with the audit and delete task policies only', async () => {
    const outputs = await deployManagement();

    const rootTasks = await role(
      MANAGEMENT_ACCOUNT,
      'RootGuardRootCredentialsRemediation',
      'rootguard-assume-root-credential-tasks',
    );
    expect(outputs.RootCredentialsRemediationRoleArn).toBe(rootTasks.arn);
    expect(rootTasks.trust).toEqual(
      toolingTrust({
        ArnLike: {
          'aws:PrincipalArn': `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/rootguard-prod-remediation-delete-root-*`,
        },
      }),
    );
    expect(rootTasks.policy.Statement).toEqual([
      expect.objectContaining({
        Action: ['iam:ListOrganizationsFeatures', 'organizations:DescribeOrganization'],
      }),
      expect.objectContaining({
        Action: 'sts:AssumeRoot',
        Resource: 'arn:aws:iam::*:root',
        Condition: {
          ArnEquals: {
            'sts:TaskPolicyArn': [
              'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials',
              'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials',
            ],
          },
        },
      }),
    ]);
  });

  it('leaves the remediation roles out when they are turned off', async () => {
    const outputs = await deployManagement({
      DeployScpRemediation: 'false',
      DeployRootCredentialsRemediation: 'false',
    });

    expect(await roleNames(MANAGEMENT_ACCOUNT)).toEqual(['RootGuardOrgRead']);
    expect(Object.keys(outputs)).toEqual(['OrgReadRoleArn']);
  });
});

describe('member-remediation.yaml as a stack set', () => {
  const remediationDocuments = [...new Set(RULE_DOCUMENTS)].sort();

  it('creates the remediation documents the rules name, under those names, in every member account', async () => {
    await deployMemberRemediationStackSet();

    for (const accountId of MEMBERS) {
      const listed = await emulatorClient(SSMClient, { accountId }).send(
        new ListDocumentsCommand({ Filters: [{ Key: 'Owner', Values: ['Self'] }] }),
      );
      expect(
        (listed.DocumentIdentifiers ?? []).map((d) => [d.Name, d.DocumentType, d.SchemaVersion]).sort(),
      ).toEqual(remediationDocuments.map((name) => [name, 'Automation', '0.3']));
    }
  });

  it('creates the Automation role: SSM for this account only, invoking the central remediation Lambdas', async () => {
    await deployMemberRemediationStackSet();

    for (const accountId of MEMBERS) {
      const automation = await role(accountId, 'RootGuardRemediationRole', 'rootguard-run-remediations');
      expect(automation.trust.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: 'ssm.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': accountId },
            ArnLike: { 'aws:SourceArn': `arn:aws:ssm:*:${accountId}:automation-execution/*` },
          },
        }),
      ]);
      expect(actionsOf(automation.policy)).toEqual([
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'lambda:InvokeFunction',
        'sns:Publish',
      ]);
      const invoke = automation.policy.Statement.find((st) => st.Action === 'lambda:InvokeFunction');
      expect(invoke?.Resource).toEqual(
        expect.arrayContaining([
          `arn:aws:lambda:${EMULATOR_REGION}:${SECURITY_TOOLING_ACCOUNT}:function:rootguard-delete-root-credentials`,
          `arn:aws:lambda:${EMULATOR_REGION}:${SECURITY_TOOLING_ACCOUNT}:function:rootguard-request-hardware-mfa:*`,
        ]),
      );
      expect(automation.policy.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Action: 'sns:Publish', Resource: APPROVAL_TOPIC_ARN }),
          expect.objectContaining({
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: APPROVAL_TOPIC_KEY_ARN,
            Condition: { StringEquals: { 'kms:ViaService': `sns.${EMULATOR_REGION}.amazonaws.com` } },
          }),
        ]),
      );
    }
  });

  it('creates the execution-record reader, trusted by the record-checking remediation roles only', async () => {
    await deployMemberRemediationStackSet({ RemediationRoleNamePrefix: 'rootguard-dev-remediation-' });

    for (const accountId of MEMBERS) {
      const reader = await role(
        accountId,
        'RootGuardRemediationReader',
        'rootguard-read-automation-executions',
      );
      expect(reader.maxSessionDuration).toBe(3600);
      expect(reader.trust).toEqual(
        toolingTrust({
          ArnEquals: {
            'aws:PrincipalArn': [
              'attach-deny-root-scp',
              'delete-root-access-keys',
              'delete-root-credentials',
              'request-hardware-mfa',
            ].map(
              (folder) => `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/rootguard-dev-remediation-${folder}`,
            ),
          },
        }),
      );
      expect(reader.policy.Statement).toEqual([
        expect.objectContaining({
          Action: ['ssm:GetAutomationExecution', 'ssm:DescribeAutomationStepExecutions'],
          Resource: `arn:aws:ssm:${EMULATOR_REGION}:${accountId}:automation-execution/*`,
        }),
        expect.objectContaining({
          Action: 'ssm:GetDocument',
          Resource: `arn:aws:ssm:${EMULATOR_REGION}:${accountId}:document/RootGuard-*`,
        }),
      ]);
    }
  });
});

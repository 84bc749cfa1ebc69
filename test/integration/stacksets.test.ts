/**
 * stacksets/ deployed by CloudFormation in moto_server, with real SDK clients over HTTP:
 * - member-account.yaml as a stack set (SELF_MANAGED here: moto needs no administration or execution roles,
 *   and creates the instances at once) in two member accounts: the execution role with its trust and inline
 *   policy, and, when CentralEventBusArn is given, the fixed-name forwarding role;
 * - member-forwarding.yaml as a stack set in three Regions of those accounts: the forwarding rules deliver
 *   root activity made in any Region to the central bus in us-east-1, whose rules (patterns.json) hand it to
 *   a queue standing in for the alert Lambda, which then alerts on it; root-activity-alerting, reading a
 *   member account through its execution role, judges every Region;
 * - management-account.yaml as a plain stack in the management account: the Organizations read role (which
 *   the organization snapshot builder can use as its ORG_READ_ROLE_ARN), the remediation and audit roles, and,
 *   in the stack's own Region (RootAuditStsRegion), the forwarding of AssumeRoot issuances, cross-Region to the
 *   central bus, that lets the alert record rootguard's own root audit sessions without paging.
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
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
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
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ListDocumentsCommand, SSMClient } from '@aws-sdk/client-ssm';
import assumeRootPatterns from '../../alerts/root-activity/assume-root-pattern.json';
import { classifyRootActivity } from '../../alerts/root-activity/classify';
import type { AlertConfig } from '../../alerts/root-activity/config';
import { parseRootActivityEvent } from '../../alerts/root-activity/event';
import { createRootActivityHandler } from '../../alerts/root-activity/handler';
import patterns from '../../alerts/root-activity/patterns.json';
import { ALL_MANAGEMENT_EVENTS_STATE } from '../../lib/event-pattern';
import { buildOrgSnapshot } from '../../lib/org-snapshot';
import { clearOrgCache } from '../../lib/org-tree';
import { createRuleHandler } from '../../lib/rule-handler';
import { RULES } from '../../rules';
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
import {
  createBreakGlassTable,
  createEmulatedQueue,
  createEmulatedTable,
  EMULATOR_REGION,
  emulatorClient,
  emulatorClientFactory,
  resetEmulator,
} from '../helpers/emulator';
import { orgSnapshotFixture, staticOrgSnapshotReader } from '../helpers/org-snapshot';
import {
  ALERTING_EVENTS,
  ASSUME_ROOT_ISSUANCE,
  asAccount,
  auditSessionCall,
  type CloudTrailEvent,
  loadEvent,
  putCloudTrailEvents,
  ROOT_AUDIT_ROLE_ARN,
  SAMPLE_EVENTS,
} from '../helpers/root-activity-events';

const STACKSETS_DIR = join(__dirname, '..', '..', 'stacksets');
const MEMBER_TEMPLATE = readFileSync(join(STACKSETS_DIR, 'member-account.yaml'), 'utf8');
const FORWARDING_TEMPLATE = readFileSync(join(STACKSETS_DIR, 'member-forwarding.yaml'), 'utf8');
const MEMBER_REMEDIATION_TEMPLATE = readFileSync(join(STACKSETS_DIR, 'member-remediation.yaml'), 'utf8');
const MANAGEMENT_TEMPLATE = readFileSync(join(STACKSETS_DIR, 'management-account.yaml'), 'utf8');

const STACK_SET = 'rootguard-member';
/** The documents member-remediation.yaml deploys: every rule's remediation document. */
const RULE_DOCUMENTS = RULES.map((rule) => rule.metadata.remediation.documentId);
const MEMBERS = [MEMBER_ACCOUNT, OTHER_ACCOUNT];
const EXECUTION_ROLE = 'RootGuardExecutionRole';
const RULE_ROLE_PREFIX = 'rootguard-prod-rule-';
/** The exact rule role ARNs the execution role trusts: one per rule of the registry, in its order. */
const ruleRoleArns = (prefix: string) =>
  RULES.map((rule) => `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/${prefix}${rule.metadata.id}`);
const CENTRAL_BUS = 'rootguard-central';
const CENTRAL_BUS_ARN = `arn:aws:events:${EMULATOR_REGION}:${SECURITY_TOOLING_ACCOUNT}:event-bus/${CENTRAL_BUS}`;
const FORWARDING_STACK_SET = 'rootguard-member-forwarding';
const FORWARDING_ROLE = 'RootGuardForwardingRole';
const forwardingRoleArn = (accountId: string) => `arn:aws:iam::${accountId}:role/${FORWARDING_ROLE}`;
/** The sign-in Region (where the central bus lives) and two others, as the forwarding StackSet's --regions. */
const FORWARDING_REGIONS = [EMULATOR_REGION, 'eu-west-1', 'ap-southeast-2'];
const ROOT_ACTIVITY_RULES = [
  'rootguard-root-api-call',
  'rootguard-root-console-action',
  'rootguard-root-console-sign-in',
];
const COMPLIANCE_RULE = 'rootguard-config-compliance-change';
/** Scheduled, in the sign-in Region only (issue 11, part 4). */
const HEARTBEAT_RULE = 'rootguard-heartbeat';
const FORWARDING_RULES = [...ROOT_ACTIVITY_RULES, COMPLIANCE_RULE, HEARTBEAT_RULE];
const BREAK_GLASS_TABLE = 'rootguard-break-glass';
const LEDGER_TABLE = 'rootguard-root-activity-ledger';
const ALERT_FUNCTION_ARN = `arn:aws:lambda:${EMULATOR_REGION}:${SECURITY_TOOLING_ACCOUNT}:function:rootguard-root-activity`;
const APPROVAL_TOPIC_ARN = `arn:aws:sns:${EMULATOR_REGION}:${SECURITY_TOOLING_ACCOUNT}:AutomationRootGuardApprovals`;
const APPROVAL_TOPIC_KEY_ARN = `arn:aws:kms:${EMULATOR_REGION}:${SECURITY_TOOLING_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** What the execution role may do (test/contract/stacksets.test.ts traces each action to a rule). */
const EXECUTION_ROLE_ACTIONS = [
  'account:ListRegions',
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

/**
 * A stack set administered from the management account, with instances in `accounts` × `regions`, every one
 * of which must succeed.
 */
async function deployStackSet(options: {
  name: string;
  template: string;
  values: Record<string, string>;
  accounts?: readonly string[];
  regions?: readonly string[];
}): Promise<void> {
  const { name, template, values, accounts = MEMBERS, regions = [EMULATOR_REGION] } = options;
  const cfn = cloudFormation(MANAGEMENT_ACCOUNT);
  await cfn.send(
    new CreateStackSetCommand({
      StackSetName: name,
      TemplateBody: template,
      PermissionModel: 'SELF_MANAGED',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: parameters({ SecurityToolingAccountId: SECURITY_TOOLING_ACCOUNT, ...values }),
    }),
  );
  await cfn.send(
    new CreateStackInstancesCommand({ StackSetName: name, Accounts: [...accounts], Regions: [...regions] }),
  );
  const instances = await cfn.send(new ListStackInstancesCommand({ StackSetName: name }));
  expect(
    (instances.Summaries ?? [])
      .map((i) => [i.Account, i.Region, i.StackInstanceStatus?.DetailedStatus])
      .sort(),
  ).toEqual(accounts.flatMap((account) => regions.map((region) => [account, region, 'SUCCEEDED'])).sort());
}

/** member-account.yaml as a stack set in every member account. */
const deployMemberStackSet = (values: Record<string, string> = {}) =>
  deployStackSet({ name: STACK_SET, template: MEMBER_TEMPLATE, values });

/** member-remediation.yaml as a stack set in every member account. */
const deployMemberRemediationStackSet = (values: Record<string, string> = {}) =>
  deployStackSet({
    name: 'rootguard-member-remediation',
    template: MEMBER_REMEDIATION_TEMPLATE,
    values: { ApprovalTopicArn: APPROVAL_TOPIC_ARN, ApprovalTopicKeyArn: APPROVAL_TOPIC_KEY_ARN, ...values },
  });

/** member-forwarding.yaml as a stack set in `accounts`, in every Region of `regions`. */
const deployForwardingStackSet = (
  values: Record<string, string> = {},
  accounts: readonly string[] = MEMBERS,
  regions: readonly string[] = FORWARDING_REGIONS,
) =>
  deployStackSet({
    name: FORWARDING_STACK_SET,
    template: FORWARDING_TEMPLATE,
    values: { CentralEventBusArn: CENTRAL_BUS_ARN, ...values },
    accounts,
    regions,
  });

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

/** A queue in the tooling account and a way to read everything that reached it. */
async function toolingQueue(name: string, region = EMULATOR_REGION) {
  const sqs = emulatorClient(SQSClient, { accountId: SECURITY_TOOLING_ACCOUNT, region });
  const queue = await createEmulatedQueue(sqs, name);
  return {
    ...queue,
    drain: async () => (await queue.drain()).map((m) => JSON.parse(m.Body ?? 'null') as CloudTrailEvent),
  };
}

/**
 * The central bus in the tooling account (in `region`, the central stack's) with one rule per pattern of
 * alerts/root-activity/patterns.json, in the deployed state, delivering to a queue that stands in for the alert
 * Lambda.
 */
async function centralBusWithAlertRules(
  region = EMULATOR_REGION,
): Promise<{ drain: () => Promise<CloudTrailEvent[]> }> {
  const events = emulatorClient(EventBridgeClient, { accountId: SECURITY_TOOLING_ACCOUNT, region });
  const queue = await toolingQueue('root-activity-alert', region);
  await events.send(new CreateEventBusCommand({ Name: CENTRAL_BUS }));
  // The central stack's alert rules: root activity, and the AssumeRoot issuances the management account forwards.
  for (const [key, pattern] of Object.entries({ ...patterns, ...assumeRootPatterns })) {
    await events.send(
      new PutRuleCommand({
        Name: key,
        EventBusName: CENTRAL_BUS,
        EventPattern: JSON.stringify(pattern),
        State: ALL_MANAGEMENT_EVENTS_STATE,
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: key,
        EventBusName: CENTRAL_BUS,
        Targets: [{ Id: 'alert', Arn: queue.arn }],
      }),
    );
  }
  return { drain: queue.drain };
}

/** The alert's SNS topic, invalid-event queue and break-glass table in the tooling account. */
async function alertConfig(): Promise<AlertConfig> {
  const sns = emulatorClient(SNSClient, { accountId: SECURITY_TOOLING_ACCOUNT });
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'rootguard-root-activity' }));
  const invalid = await toolingQueue('root-activity-invalid');
  await createBreakGlassTable(
    emulatorClient(DynamoDBClient, { accountId: SECURITY_TOOLING_ACCOUNT }),
    BREAK_GLASS_TABLE,
  );
  await createEmulatedTable(
    emulatorClient(DynamoDBClient, { accountId: SECURITY_TOOLING_ACCOUNT }),
    LEDGER_TABLE,
    'eventId',
  );
  return {
    topicArn: TopicArn as string,
    invalidEventQueueUrl: invalid.url,
    breakGlassTable: BREAK_GLASS_TABLE,
    region: EMULATOR_REGION,
    securityHubRegion: EMULATOR_REGION,
    runbook: 'README.md#break-glass',
    ledgerTable: LEDGER_TABLE,
  };
}

/** What the alert makes of a delivered event. */
function rootActivityOf(event: unknown) {
  const parsed = parseRootActivityEvent(event);
  if (!parsed.ok) throw parsed.error;
  const classified = classifyRootActivity(parsed.event);
  if (!classified.ok) throw new Error(classified.reason);
  return classified.activity;
}

/** root-activity-alerting on MEMBER_ACCOUNT, read through its execution role, for these Regions. */
function judgeRootActivityAlerting(regions: readonly string[]) {
  const handler = createRuleHandler(
    {
      metadata: rootActivityAlertingMetadata,
      collect: rootActivityAlerting.collect,
      evaluate: evaluateRootActivityAlerting,
    },
    {
      clientFactory: emulatorClientFactory(EMULATOR_REGION, SECURITY_TOOLING_ACCOUNT),
      orgSnapshotReader: staticOrgSnapshotReader(orgSnapshotFixture({ members: [MEMBER_ACCOUNT] })),
    },
  );
  return handler(
    scheduledEvent({
      accountId: MEMBER_ACCOUNT,
      region: EMULATOR_REGION,
      resultToken: 'TESTMODE',
      ruleParameters: {
        ExecutionRoleName: EXECUTION_ROLE,
        ForwardingRegions: regions.join(','),
        CentralEventBusArn: CENTRAL_BUS_ARN,
      },
    }),
  );
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
          ArnEquals: { 'aws:PrincipalArn': ruleRoleArns(RULE_ROLE_PREFIX) },
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
        ArnEquals: { 'aws:PrincipalArn': ruleRoleArns('rootguard-dev-rule-') },
      });
    }
  });

  it('creates no forwarding role when CentralEventBusArn is blank, and never a rule', async () => {
    await deployMemberStackSet();

    for (const accountId of MEMBERS) {
      const rules = await emulatorClient(EventBridgeClient, { accountId }).send(new ListRulesCommand({}));
      expect(rules.Rules).toEqual([]);
      expect(await roleNames(accountId)).toEqual([EXECUTION_ROLE]);
    }
  });

  it('creates the fixed-name forwarding role, trusted by the forwarding rules of any Region, named exactly', async () => {
    await deployMemberStackSet({ CentralEventBusArn: CENTRAL_BUS_ARN });

    for (const accountId of MEMBERS) {
      const forwarding = await role(accountId, FORWARDING_ROLE, 'rootguard-put-events-central-bus');
      expect(forwarding.arn).toBe(forwardingRoleArn(accountId));
      expect(forwarding.policy.Statement).toEqual([
        expect.objectContaining({ Action: 'events:PutEvents', Resource: CENTRAL_BUS_ARN }),
      ]);
      expect(forwarding.trust.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: 'events.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': accountId },
            ArnLike: {
              'aws:SourceArn': [
                'rootguard-root-console-sign-in',
                'rootguard-root-api-call',
                'rootguard-root-console-action',
                'rootguard-config-compliance-change',
                'rootguard-heartbeat',
              ].map((name) => `arn:aws:events:*:${accountId}:rule/${name}`),
            },
          },
        }),
      ]);
    }
  });
});

describe('member-forwarding.yaml as a stack set in every Region', () => {
  it('puts the three root activity rules on the default bus of every Region, targeting the central bus through the forwarding role', async () => {
    await deployForwardingStackSet();

    for (const accountId of MEMBERS) {
      for (const region of FORWARDING_REGIONS) {
        const events = emulatorClient(EventBridgeClient, { accountId, region });
        const rules = (await events.send(new ListRulesCommand({}))).Rules ?? [];
        // The compliance-change rule only where the conformance pack runs (blank: the sign-in Region), the
        // heartbeat in the sign-in Region only.
        const expected = region === EMULATOR_REGION ? FORWARDING_RULES : ROOT_ACTIVITY_RULES;
        expect(rules.map((r) => r.Name).sort()).toEqual([...expected].sort());
        for (const rule of rules) {
          expect(rule).toMatchObject({
            EventBusName: 'default',
            State: ROOT_ACTIVITY_RULES.includes(rule.Name ?? '') ? ALL_MANAGEMENT_EVENTS_STATE : 'ENABLED',
          });
          const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }))).Targets;
          expect(targets).toEqual([
            expect.objectContaining({ Arn: CENTRAL_BUS_ARN, RoleArn: forwardingRoleArn(accountId) }),
          ]);
        }
      }
    }
  });

  it('forwards compliance changes from ConformancePackRegion only, and never from the tooling account', async () => {
    await deployForwardingStackSet({ ConformancePackRegion: 'eu-west-1' }, [
      ...MEMBERS,
      SECURITY_TOOLING_ACCOUNT,
    ]);

    const complianceRuleIn = async (accountId: string, region: string) =>
      (
        (await emulatorClient(EventBridgeClient, { accountId, region }).send(new ListRulesCommand({})))
          .Rules ?? []
      )
        .map((r) => r.Name)
        .includes(COMPLIANCE_RULE);
    for (const region of FORWARDING_REGIONS) {
      expect({ region, forwarded: await complianceRuleIn(MEMBER_ACCOUNT, region) }).toEqual({
        region,
        forwarded: region === 'eu-west-1',
      });
      expect(await complianceRuleIn(SECURITY_TOOLING_ACCOUNT, region)).toBe(false);
    }
  });

  /*
   * What moto_server 5.2.1 models here, and what it does not (the contract tests pin the rest):
   * - it delivers a rule's event to an event bus of another account AND another Region (ap-southeast-2 →
   *   us-east-1), and accepts RoleArn on such a target, but never assumes the role (nor checks it exists);
   * - it stores and returns the state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS, but ignores rule states
   *   when routing: a rule in state ENABLED, or even DISABLED, still delivers, and read-only events are not
   *   told apart. That read-only calls need the state is pinned by test/contract/stacksets.test.ts and
   *   test/contract/serverless.test.ts instead;
   * - on delivery to the other Region it rewrites the envelope's `region` to the receiving bus's Region
   *   (AWS keeps the source Region); the alert reads the Region from detail.awsRegion, which moto keeps;
   * - it has no account:ListRegions, so root-activity-alerting is given ForwardingRegions below.
   */
  it('delivers root activity made in any Region, read-only calls and console actions included, through the central rules to the alert', async () => {
    const alertQueue = await centralBusWithAlertRules();
    await deployForwardingStackSet();

    for (const accountId of MEMBERS) {
      for (const region of FORWARDING_REGIONS) {
        // Each event goes on the bus of the Region CloudTrail recorded it in.
        const recorded = SAMPLE_EVENTS.map((name) => asAccount(loadEvent(name), accountId)).filter(
          (e) => e.region === region,
        );
        const events = emulatorClient(EventBridgeClient, { accountId, region });
        expect(await putCloudTrailEvents(events, recorded)).toBe(0);
      }
    }
    // moto matches a schedule-only rule (the heartbeat) against every event, which EventBridge never does:
    // each event of the sign-in Region arrives twice here. Compared once each. moto also leaves the envelope
    // account out on delivery; EventBridge keeps the account the event happened in, here the member that put it
    // (its recipient), and the alert checks it against the root's account.
    const delivered = [
      ...new Map(
        (await alertQueue.drain()).map((e) => [`${e.detail.recipientAccountId}/${e.detail.eventID}`, e]),
      ).values(),
    ].map((e) => ({ ...e, account: e.detail.recipientAccountId }));

    const expected = MEMBERS.flatMap((accountId) =>
      ALERTING_EVENTS.map((name) => `${accountId}/${loadEvent(name).detail.eventID}`),
    );
    expect(delivered.map((e) => `${e.detail.recipientAccountId}/${e.detail.eventID}`).sort()).toEqual(
      expected.sort(),
    );
    const handler = createRootActivityHandler({
      config: await alertConfig(),
      clientFactory: emulatorClientFactory(EMULATOR_REGION, SECURITY_TOOLING_ACCOUNT),
      retryDelayMs: 0,
    });
    const results = [];
    for (const event of delivered) {
      results.push(await handler(event, { invokedFunctionArn: ALERT_FUNCTION_ARN }));
    }
    expect(results.map((r) => r.status)).toEqual(delivered.map(() => 'alerted'));
    const regionOf = (name: (typeof ALERTING_EVENTS)[number]) =>
      rootActivityOf(delivered.find((e) => e.detail.eventID === loadEvent(name).detail.eventID));
    expect(regionOf('root-api-call-ap-southeast-2')).toMatchObject({
      kind: 'api-call',
      region: 'ap-southeast-2',
    });
    expect(regionOf('root-api-call-eu-west-1')).toMatchObject({ kind: 'api-call', region: 'eu-west-1' });
    expect(regionOf('root-api-call-read-only')).toMatchObject({ eventName: 'ListAccessKeys' });
    expect(regionOf('root-console-action')).toMatchObject({ kind: 'console-action' });
  });

  it('makes root-activity-alerting COMPLIANT with forwarding in every Region, read through the execution role', async () => {
    await deployMemberStackSet({ CentralEventBusArn: CENTRAL_BUS_ARN });
    await deployForwardingStackSet();

    const out = await judgeRootActivityAlerting(FORWARDING_REGIONS);

    expect(out.evaluations).toEqual([
      expect.objectContaining({
        complianceType: 'COMPLIANT',
        annotation: expect.stringContaining(
          'in all 3 Regions of ForwardingRegions (e.g. rootguard-root-api-call)',
        ),
      }),
    ]);
  });

  it('makes root-activity-alerting NON_COMPLIANT naming a Region the forwarding StackSet does not reach', async () => {
    await deployMemberStackSet({ CentralEventBusArn: CENTRAL_BUS_ARN });
    await deployForwardingStackSet({}, MEMBERS, [EMULATOR_REGION, 'eu-west-1']);

    const out = await judgeRootActivityAlerting(FORWARDING_REGIONS);

    expect(out.evaluations).toEqual([
      expect.objectContaining({
        complianceType: 'NON_COMPLIANT',
        annotation: expect.stringContaining('no rule forwards root API calls in ap-southeast-2'),
      }),
    ]);
  });
});

describe('management-account.yaml as a plain stack in the management account', () => {
  const deployManagement = (values: Record<string, string> = {}) =>
    deployStack(MANAGEMENT_ACCOUNT, 'rootguard-management', MANAGEMENT_TEMPLATE, {
      SecurityToolingAccountId: SECURITY_TOOLING_ACCOUNT,
      ...values,
    });

  /** The stack's roles: the output naming each, its inline policy and the only tooling-account roles trusted. */
  const MANAGEMENT_ROLES = [
    {
      roleName: 'RootGuardOrgRead',
      policyName: 'rootguard-read-organization-scps',
      output: 'OrgReadRoleArn',
      trusted: ['rootguard-prod-org-snapshot'],
    },
    {
      roleName: 'RootGuardScpRemediation',
      policyName: 'rootguard-attach-deny-root-scp',
      output: 'ScpRemediationRoleArn',
      trusted: ['rootguard-prod-remediation-attach-deny-root-scp'],
    },
    {
      roleName: 'RootGuardRootCredentialsRemediation',
      policyName: 'rootguard-assume-root-credential-tasks',
      output: 'RootCredentialsRemediationRoleArn',
      trusted: [
        'rootguard-prod-remediation-delete-root-access-keys',
        'rootguard-prod-remediation-delete-root-credentials',
      ],
    },
    {
      roleName: 'RootGuardRootAudit',
      policyName: 'rootguard-assume-root-audit',
      output: 'RootAuditRoleArn',
      trusted: ['rootguard-prod-rule-root-backup-mfa', 'rootguard-prod-rule-root-hardware-mfa'],
    },
  ] as const;

  /** Deploys the stack and reads one of MANAGEMENT_ROLES. */
  async function managementRole(roleName: (typeof MANAGEMENT_ROLES)[number]['roleName']) {
    await deployManagement();
    const entry = MANAGEMENT_ROLES.find((r) => r.roleName === roleName);
    if (!entry) throw new Error(`${roleName} is not one of the management stack's roles`);
    return role(MANAGEMENT_ACCOUNT, roleName, entry.policyName);
  }

  it.each(MANAGEMENT_ROLES)(
    'creates $roleName, named by the output $output and trusted by $trusted only',
    async ({ roleName, policyName, output, trusted }) => {
      const outputs = await deployManagement();

      const found = await role(MANAGEMENT_ACCOUNT, roleName, policyName);

      expect(outputs[output]).toBe(`arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/${roleName}`);
      expect(found.arn).toBe(outputs[output]);
      const arns = trusted.map((name) => `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/${name}`);
      expect(found.trust).toEqual(
        toolingTrust({ ArnEquals: { 'aws:PrincipalArn': arns.length === 1 ? arns[0] : arns } }),
      );
    },
  );

  it('gives the Organizations read role the snapshot reads only', async () => {
    const orgRead = await managementRole('RootGuardOrgRead');

    expect(actionsOf(orgRead.policy)).toEqual([
      'iam:ListOrganizationsFeatures',
      'organizations:DescribeOrganization',
      'organizations:DescribePolicy',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:ListPolicies',
      'organizations:ListRoots',
      'organizations:ListTargetsForPolicy',
    ]);
  });

  it('gives the organization snapshot builder an OrgReadRoleArn it can read the organization with', async () => {
    const org = emulatorClient(OrganizationsClient, { accountId: MANAGEMENT_ACCOUNT });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    const memberId = (
      await org.send(new CreateAccountCommand({ AccountName: 'workload', Email: 'workload@example.com' }))
    ).CreateAccountStatus?.AccountId as string;
    const outputs = await deployManagement();
    const tooling = emulatorClientFactory(EMULATOR_REGION, SECURITY_TOOLING_ACCOUNT);
    const credentials = await tooling.assumeRole(outputs.OrgReadRoleArn as string, 'rootguard-org-snapshot');
    const snapshot = await buildOrgSnapshot(tooling.client(OrganizationsClient, { credentials }));
    const handler = createRuleHandler(
      { metadata: rootDenyScpMetadata, collect: rootDenyScp.collect, evaluate: evaluateRootDenyScp },
      { clientFactory: tooling, orgSnapshotReader: staticOrgSnapshotReader(snapshot) },
    );

    const out = await handler(
      scheduledEvent({ accountId: memberId, region: EMULATOR_REGION, resultToken: 'TESTMODE' }),
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
    const scp = await managementRole('RootGuardScpRemediation');

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
    const rootTasks = await managementRole('RootGuardRootCredentialsRemediation');

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

  it('creates the root-audit role: AssumeRoot with the audit task policy only, for the two root MFA rules', async () => {
    const audit = await managementRole('RootGuardRootAudit');

    expect(audit.policy.Statement).toEqual([
      expect.objectContaining({ Action: 'iam:ListOrganizationsFeatures' }),
      expect.objectContaining({
        Action: 'sts:AssumeRoot',
        Resource: 'arn:aws:iam::*:root',
        Condition: {
          ArnEquals: { 'sts:TaskPolicyArn': 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
          StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalOrgID}' },
        },
      }),
    ]);
  });

  it('forwards the audit role’s AssumeRoot issuance from us-east-1 to the central bus in another Region, so the alert records the audit read unpaged', async () => {
    // Prepare: the central stack (bus and rules) in eu-west-1; the management stack in us-east-1, the
    // RootAuditStsRegion default, where it forwards Organizations changes and the audit sessions call STS.
    const centralRegion = 'eu-west-1';
    const centralBusArn = CENTRAL_BUS_ARN.replace(`:${EMULATOR_REGION}:`, `:${centralRegion}:`);
    const alertQueue = await centralBusWithAlertRules(centralRegion);
    await deployManagement({ CentralEventBusArn: centralBusArn });
    const events = emulatorClient(EventBridgeClient, { accountId: MANAGEMENT_ACCOUNT });
    const targets = await events.send(
      new ListTargetsByRuleCommand({ Rule: 'rootguard-root-session-issued' }),
    );
    expect(targets.Targets).toEqual([
      expect.objectContaining({
        Arn: centralBusArn,
        RoleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/RootGuardOrganizationsChangeForwarding`,
      }),
    ]);

    // Act: CloudTrail puts the issuance on the management account's default bus; the alert handles what the
    // central bus delivers, then the member-side audit read. moto leaves the envelope account out on delivery:
    // EventBridge keeps the account the event happened in, its recipient.
    expect(await putCloudTrailEvents(events, [loadEvent(ASSUME_ROOT_ISSUANCE)])).toBe(0);
    const delivered = (await alertQueue.drain()).map((e) => ({ ...e, account: e.detail.recipientAccountId }));
    const handler = createRootActivityHandler({
      config: { ...(await alertConfig()), rootAuditRoleArn: ROOT_AUDIT_ROLE_ARN },
      clientFactory: emulatorClientFactory(EMULATOR_REGION, SECURITY_TOOLING_ACCOUNT),
      retryDelayMs: 0,
    });
    const results = [];
    for (const event of [...delivered, auditSessionCall()]) {
      results.push(await handler(event, { invokedFunctionArn: ALERT_FUNCTION_ARN }));
    }

    // Assess
    expect(delivered.map((e) => e.detail.eventName)).toEqual(['AssumeRoot']);
    expect(results.map((r) => r.status)).toEqual(['issuance-recorded', 'audit-recorded']);
  });

  it('creates the issuance rule in its own Region whatever the central bus’s, and none without the audit role', async () => {
    const ruleNames = async (region: string) =>
      (
        await emulatorClient(EventBridgeClient, { accountId: MANAGEMENT_ACCOUNT, region }).send(
          new ListRulesCommand({}),
        )
      ).Rules?.map((r) => r.Name);

    await deployStack(
      MANAGEMENT_ACCOUNT,
      'rootguard-management',
      MANAGEMENT_TEMPLATE,
      { SecurityToolingAccountId: SECURITY_TOOLING_ACCOUNT, CentralEventBusArn: CENTRAL_BUS_ARN },
      'eu-west-1',
    );
    // Organizations changes reach EventBridge in us-east-1 only; AssumeRoot issuances in the STS Region called.
    expect(await ruleNames('eu-west-1')).toEqual(['rootguard-root-session-issued']);
    await resetEmulator();
    await deployManagement({ CentralEventBusArn: CENTRAL_BUS_ARN, DeployRootAudit: 'false' });
    expect(await ruleNames(EMULATOR_REGION)).toEqual(['rootguard-organizations-change']);
  });

  it('leaves the remediation and audit roles out when they are turned off', async () => {
    const outputs = await deployManagement({
      DeployScpRemediation: 'false',
      DeployRootCredentialsRemediation: 'false',
      DeployRootAudit: 'false',
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

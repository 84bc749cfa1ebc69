/**
 * Named values and a small in-memory organization for the attach-deny-root-scp tests. `FakeOrganization`
 * answers the Organizations calls the Lambda makes through aws-sdk-client-mock (the SDK boundary) and keeps the
 * SCPs it creates and attaches, so a second run sees the first one's writes.
 *
 * Tree: MEMBER_ACCOUNT → PROD_OU → WORKLOADS_OU → ORG_ROOT_ID; SANDBOX_OU (with OTHER_ACCOUNT) hangs off the root.
 */
import {
  AttachPolicyCommand,
  ConstraintViolationException,
  CreatePolicyCommand,
  type CreatePolicyCommandInput,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  DuplicatePolicyAttachmentException,
  DuplicatePolicyException,
  ListParentsCommand,
  ListPoliciesCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  type OrganizationsClient,
  TagResourceCommand,
} from '@aws-sdk/client-organizations';
import type { AutomationExecution, StepExecution } from '@aws-sdk/client-ssm';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { OrganizationFacts, PolicyFacts } from '../../../../lib/org-tree';
import { ALICE_USER as ALICE, BOB_USER as BOB } from '../../../helpers/approvers';
import {
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  ORG_ID,
  ORG_ROOT_ID,
  OTHER_ACCOUNT,
  OU_PROD,
  OU_WORKLOADS,
} from '../../../helpers/constants';
import { DENY_ROOT_STATEMENT, FULL_AWS_ACCESS_SCP, policy, scpDocument } from '../../../helpers/scp';

export const WORKLOADS_OU = OU_WORKLOADS;
export const PROD_OU = OU_PROD;
export const SANDBOX_OU = 'ou-ab12-sandbox1';
export const EXECUTION_ID = '7c1f3a2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
export const POLICY_NAME = 'RootGuardDenyRootUser';
export const CREATED_POLICY_ID = 'p-created001';
export const ORG_WRITE_ROLE_ARN = `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/RootGuardOrgWrite`;

export const ORGANIZATION: OrganizationFacts = {
  id: ORG_ID,
  managementAccountId: MANAGEMENT_ACCOUNT,
  featureSet: 'ALL',
  scpEnabled: true,
};

/** The chain of MEMBER_ACCOUNT, account first. */
export const MEMBER_ANCESTRY = [
  { id: MEMBER_ACCOUNT, type: 'ACCOUNT' as const },
  { id: PROD_OU, type: 'ORGANIZATIONAL_UNIT' as const },
  { id: WORKLOADS_OU, type: 'ORGANIZATIONAL_UNIT' as const },
  { id: ORG_ROOT_ID, type: 'ROOT' as const },
];

/** A guardrail bundle: denies root, and also stops accounts leaving the organization. */
export const BUNDLE_SCP = policy(
  'p-bundle0001',
  'SecurityBaseline',
  scpDocument(DENY_ROOT_STATEMENT, {
    Effect: 'Deny',
    Action: 'organizations:LeaveOrganization',
    Resource: '*',
  }),
);

/** What Organizations says when asked for a summary of a policy. */
const summary = (p: PolicyFacts, awsManaged = false) => ({
  Id: p.id,
  Name: p.name,
  Type: 'SERVICE_CONTROL_POLICY' as const,
  AwsManaged: awsManaged,
  Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:policy/${ORG_ID}/service_control_policy/${p.id}`,
});

export interface FakeOrganizationOptions {
  scpEnabled?: boolean;
  featureSet?: 'ALL' | 'CONSOLIDATED_BILLING';
  /** Customer-managed SCPs in the organization, attached or not. */
  policies?: PolicyFacts[];
  /** Target id → ids of the SCPs attached to it. FullAWSAccess is on every target as in a real organization. */
  attachments?: Record<string, string[]>;
  /** Ids of the SCPs that carry rootguard's tag (app=rootguard). */
  tagged?: string[];
}

/** The minimal organization that answers through an aws-sdk-client-mock stub. */
export class FakeOrganization {
  readonly policies = new Map<string, PolicyFacts>();
  readonly attachments = new Map<string, string[]>();
  readonly created: CreatePolicyCommandInput[] = [];
  /** Policy id → its tags (app=rootguard on the ones rootguard made or tagged). */
  readonly tags = new Map<string, { Key: string; Value: string }[]>();
  /** Reasons AttachPolicy should refuse next (ConstraintViolationException), e.g. the 5-SCP limit. */
  attachConstraint: string | undefined;
  private readonly parents = new Map<string, { Id: string; Type: 'ORGANIZATIONAL_UNIT' | 'ROOT' }>([
    [MEMBER_ACCOUNT, { Id: PROD_OU, Type: 'ORGANIZATIONAL_UNIT' }],
    [PROD_OU, { Id: WORKLOADS_OU, Type: 'ORGANIZATIONAL_UNIT' }],
    [WORKLOADS_OU, { Id: ORG_ROOT_ID, Type: 'ROOT' }],
    [SANDBOX_OU, { Id: ORG_ROOT_ID, Type: 'ROOT' }],
    [OTHER_ACCOUNT, { Id: SANDBOX_OU, Type: 'ORGANIZATIONAL_UNIT' }],
    [MANAGEMENT_ACCOUNT, { Id: ORG_ROOT_ID, Type: 'ROOT' }],
  ]);

  constructor(
    private readonly mock: AwsClientStub<OrganizationsClient>,
    private readonly options: FakeOrganizationOptions = {},
  ) {
    for (const p of [FULL_AWS_ACCESS_SCP, ...(options.policies ?? [])]) this.policies.set(p.id, p);
    for (const id of options.tagged ?? []) this.tags.set(id, [{ Key: 'app', Value: 'rootguard' }]);
    for (const target of [ORG_ROOT_ID, WORKLOADS_OU, PROD_OU, SANDBOX_OU, MEMBER_ACCOUNT, OTHER_ACCOUNT]) {
      this.attachments.set(target, [FULL_AWS_ACCESS_SCP.id, ...(options.attachments?.[target] ?? [])]);
    }
    this.install();
  }

  attachedTo(targetId: string): string[] {
    return (this.attachments.get(targetId) ?? []).filter((id) => id !== FULL_AWS_ACCESS_SCP.id);
  }

  private install(): void {
    const mock = this.mock;
    mock.on(DescribeOrganizationCommand).callsFake(() => ({
      Organization: {
        Id: ORG_ID,
        MasterAccountId: MANAGEMENT_ACCOUNT,
        FeatureSet: this.options.featureSet ?? 'ALL',
      },
    }));
    mock.on(ListRootsCommand).callsFake(() => ({
      Roots: [
        {
          Id: ORG_ROOT_ID,
          PolicyTypes:
            this.options.scpEnabled === false ? [] : [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
        },
      ],
    }));
    mock.on(ListParentsCommand).callsFake((input: { ChildId: string }) => {
      const parent = this.parents.get(input.ChildId);
      if (!parent) throw Object.assign(new Error('child not found'), { name: 'ChildNotFoundException' });
      return { Parents: [parent] };
    });
    mock.on(ListPoliciesForTargetCommand).callsFake((input: { TargetId: string }) => ({
      Policies: (this.attachments.get(input.TargetId) ?? []).map((id) =>
        summary(this.policies.get(id) as PolicyFacts, id === FULL_AWS_ACCESS_SCP.id),
      ),
    }));
    mock.on(DescribePolicyCommand).callsFake((input: { PolicyId: string }) => {
      const p = this.policies.get(input.PolicyId);
      if (!p) throw Object.assign(new Error('no such policy'), { name: 'PolicyNotFoundException' });
      return { Policy: { PolicySummary: summary(p, p.id === FULL_AWS_ACCESS_SCP.id), Content: p.content } };
    });
    mock.on(ListPoliciesCommand).callsFake(() => ({
      Policies: [...this.policies.values()].map((p) => summary(p, p.id === FULL_AWS_ACCESS_SCP.id)),
    }));
    mock.on(CreatePolicyCommand).callsFake((input: CreatePolicyCommandInput) => {
      if ([...this.policies.values()].some((p) => p.name === input.Name)) {
        throw new DuplicatePolicyException({
          message: 'A policy with the same name already exists.',
          $metadata: {},
        });
      }
      this.created.push(input);
      const created = policy(CREATED_POLICY_ID, input.Name as string, input.Content as string);
      this.policies.set(created.id, created);
      this.tags.set(created.id, (input.Tags ?? []) as { Key: string; Value: string }[]);
      return { Policy: { PolicySummary: summary(created), Content: created.content } };
    });
    mock.on(ListTagsForResourceCommand).callsFake((input: { ResourceId: string }) => ({
      Tags: this.tags.get(input.ResourceId) ?? [],
    }));
    mock
      .on(TagResourceCommand)
      .callsFake((input: { ResourceId: string; Tags: { Key: string; Value: string }[] }) => {
        this.tags.set(input.ResourceId, [...(this.tags.get(input.ResourceId) ?? []), ...input.Tags]);
        return {};
      });
    mock.on(AttachPolicyCommand).callsFake((input: { PolicyId: string; TargetId: string }) => {
      if (this.attachConstraint) {
        throw new ConstraintViolationException({
          message: 'You have attached the maximum number of policies of this type to the target.',
          Reason: this.attachConstraint as ConstraintViolationException['Reason'],
          $metadata: {},
        });
      }
      const list = this.attachments.get(input.TargetId) ?? [];
      if (list.includes(input.PolicyId)) {
        throw new DuplicatePolicyAttachmentException({
          message: 'The selected policy is already attached to the target.',
          $metadata: {},
        });
      }
      this.attachments.set(input.TargetId, [...list, input.PolicyId]);
      return {};
    });
  }
}

/** The step Payload after SSM substituted the parameters (every value a string). */
export function stepPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    executionId: EXECUTION_ID,
    accountId: MEMBER_ACCOUNT,
    targetId: '',
    policyName: POLICY_NAME,
    // An OU or root TargetId comes with its confirmation unless a test says otherwise.
    allowOrganizationalTarget: overrides.targetId ? 'true' : 'false',
    dryRun: 'false',
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The SSM execution record while AttachScp runs (after ApproveAttachment)
// ---------------------------------------------------------------------------------------------------------

export const DOCUMENT_NAME = 'RootGuard-AttachDenyRootScp';
export const REQUESTER = `arn:aws:sts::${MEMBER_ACCOUNT}:assumed-role/AWSServiceRoleForConfigRemediation/rootguard`;
export { ALICE, BOB };

export interface AttachRecordOptions {
  documentName?: string;
  status?: AutomationExecution['AutomationExecutionStatus'];
  /** Principals whose recorded decision is Approve. */
  approvers?: string[];
  approvalStatus?: string;
  stepStatus?: StepExecution['StepStatus'];
  /** Replaces recorded parameters (an empty list: left out of the record, as SSM may do with defaults). */
  parameters?: Record<string, string[]>;
}

/** What GetAutomationExecution returns while AttachScp runs with `payload` (the Payload SSM built). */
export function attachRecord(
  payload: Record<string, unknown>,
  options: AttachRecordOptions = {},
): AutomationExecution {
  const organizational = payload.allowOrganizationalTarget === 'true';
  const decisions = (options.approvers ?? (organizational ? [ALICE, BOB] : [ALICE])).map((approver) =>
    JSON.stringify({
      Approver: approver,
      Decision: 'Approve',
      ApprovalDecisionTime: '2026-11-20T09:19:58.000Z',
    }),
  );
  return {
    AutomationExecutionId: EXECUTION_ID,
    DocumentName: options.documentName ?? DOCUMENT_NAME,
    DocumentVersion: '1',
    AutomationExecutionStatus: options.status ?? 'InProgress',
    ExecutedBy: REQUESTER,
    Parameters: {
      AutomationAssumeRole: [`arn:aws:iam::${MEMBER_ACCOUNT}:role/RootGuardRemediationRole`],
      AccountId: [String(payload.accountId)],
      TargetId: [String(payload.targetId ?? '')],
      PolicyName: [String(payload.policyName)],
      AllowOrganizationalTarget: [String(payload.allowOrganizationalTarget ?? 'false')],
      DryRun: [String(payload.dryRun)],
      Approvers: [ALICE, BOB],
      ApprovalNotificationArn: ['arn:aws:sns:eu-west-1:444444444444:AutomationRootGuard'],
      ...options.parameters,
    },
    StepExecutions: [
      { StepName: 'PlanAttachment', Action: 'aws:invokeLambdaFunction', StepStatus: 'Success' },
      { StepName: 'ChooseMode', Action: 'aws:branch', StepStatus: 'Success' },
      {
        StepName: organizational ? 'ApproveOrganizationalAttachment' : 'ApproveAttachment',
        Action: 'aws:approve',
        StepStatus: options.stepStatus ?? 'Success',
        Outputs: { ApprovalStatus: [options.approvalStatus ?? 'Approved'], ApproverDecisions: decisions },
      },
      { StepName: 'AttachScp', Action: 'aws:invokeLambdaFunction', StepStatus: 'InProgress' },
    ],
  };
}

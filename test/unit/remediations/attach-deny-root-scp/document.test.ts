/**
 * RootGuard-AttachDenyRootScp and its Lambda agree: the document's patterns are the Lambda's, the only writing
 * step sits behind the approval, the read-only plan step always sends dryRun true, and the Payload SSM builds is
 * one the Lambda accepts.
 */

import { DEFAULT_DOCUMENT_NAME, FOLDER } from '../../../../remediations/attach-deny-root-scp/config';
import {
  APPROVAL_STEP,
  attachPayloadSchema,
  DEFAULT_DRY_RUN,
  ORGANIZATIONAL_APPROVAL_STEP,
  ORGANIZATIONAL_REQUIRED_APPROVERS,
  REQUIRED_APPROVERS,
} from '../../../../remediations/attach-deny-root-scp/handler';
import {
  DEFAULT_POLICY_NAME,
  POLICY_NAME_PATTERN,
  TARGET_ID_PATTERN,
} from '../../../../remediations/attach-deny-root-scp/plan';
import { stepsReachableWithoutApproval } from '../../../../remediations/lib/document-analysis';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { documentUnderTest } from '../document-cases';
import { EXECUTION_ID, WORKLOADS_OU } from './fixtures';

const { doc, parameters, mainSteps, step, payload, payloadReferences, expectPayloadParametersJsonSafe } =
  documentUnderTest(FOLDER);

const defaults = {
  'automation:EXECUTION_ID': EXECUTION_ID,
  AccountId: MEMBER_ACCOUNT,
  TargetId: String(parameters.TargetId?.default),
  PolicyName: String(parameters.PolicyName?.default),
  DryRun: String(parameters.DryRun?.default),
  AllowOrganizationalTarget: String(parameters.AllowOrganizationalTarget?.default),
};

describe('RootGuard-AttachDenyRootScp document', () => {
  it('is the document rule root-deny-scp names as its remediation', () => {
    expect(doc.name).toBe(DEFAULT_DOCUMENT_NAME);
    expect(doc.name).toBe('RootGuard-AttachDenyRootScp');
  });

  it('validates TargetId and PolicyName exactly as the Lambda does, blank TargetId (the account) by default', () => {
    expect(parameters.TargetId).toMatchObject({ allowedPattern: TARGET_ID_PATTERN, default: '' });
    expect(parameters.PolicyName).toMatchObject({
      allowedPattern: POLICY_NAME_PATTERN,
      default: DEFAULT_POLICY_NAME,
    });
  });

  it('plans (read only), branches on DryRun and the route, asks one approver (two for an OU or root), then attaches', () => {
    expect(mainSteps.map((s) => [s.name, s.action])).toEqual([
      ['PlanAttachment', 'aws:invokeLambdaFunction'],
      ['ChooseMode', 'aws:branch'],
      ['ApproveAttachment', 'aws:approve'],
      ['ApproveOrganizationalAttachment', 'aws:approve'],
      ['AttachScp', 'aws:invokeLambdaFunction'],
    ]);
    const choice = (next: string, organizational: string) => ({
      NextStep: next,
      And: [
        { Variable: '{{ DryRun }}', StringEquals: 'false' },
        // A member-account run (route "requested") never reaches an approval there.
        { Variable: '{{ PlanAttachment.Route }}', StringEquals: 'act' },
        { Variable: '{{ AllowOrganizationalTarget }}', StringEquals: organizational },
      ],
    });
    expect(step('ChooseMode')).toMatchObject({
      isEnd: true,
      inputs: {
        Choices: [choice('ApproveAttachment', 'false'), choice(ORGANIZATIONAL_APPROVAL_STEP, 'true')],
      },
    });
    expect(step('ChooseMode')?.inputs?.Default).toBeUndefined();
    expect(step('ApproveAttachment')).toMatchObject({
      onFailure: 'Abort',
      nextStep: 'AttachScp',
      inputs: { MinRequiredApprovals: 1, Approvers: '{{ Approvers }}' },
    });
    expect(step(ORGANIZATIONAL_APPROVAL_STEP)).toMatchObject({
      onFailure: 'Abort',
      inputs: { MinRequiredApprovals: ORGANIZATIONAL_REQUIRED_APPROVERS, Approvers: '{{ Approvers }}' },
    });
    expect(parameters.AllowOrganizationalTarget).toMatchObject({
      default: 'false',
      allowedPattern: '^(true|false)$',
    });
    expect(step('AttachScp')).toMatchObject({ onFailure: 'Abort', isEnd: true });
    expect(parameters.Approvers).toMatchObject({ type: 'StringList', minItems: 1, maxItems: 10 });
  });

  it('reaches AttachScp only through the approval; a dry run never gets there', () => {
    const open = stepsReachableWithoutApproval(doc.content);
    expect([...open].sort()).toEqual([
      'ApproveAttachment',
      'ApproveOrganizationalAttachment',
      'ChooseMode',
      'PlanAttachment',
    ]);
  });

  it('shows the approvers the plan the read-only step produced', () => {
    expect(String(step('ApproveAttachment')?.inputs?.Message)).toContain('{{ PlanAttachment.Payload }}');
  });

  it('always sends dryRun true from the plan step, so it can never write', () => {
    const sent = payload('PlanAttachment', { ...defaults, DryRun: 'false' });
    expect(attachPayloadSchema.parse(sent)).toEqual({
      executionId: EXECUTION_ID,
      accountId: MEMBER_ACCOUNT,
      targetId: undefined,
      policyName: DEFAULT_POLICY_NAME,
      allowOrganizationalTarget: false,
      dryRun: true,
    });
  });

  it('builds an AttachScp Payload the Lambda accepts once SSM substitutes the values', () => {
    const sent = payload('AttachScp', {
      ...defaults,
      TargetId: WORKLOADS_OU,
      AllowOrganizationalTarget: 'true',
    });
    expect(attachPayloadSchema.parse(sent)).toEqual({
      executionId: EXECUTION_ID,
      accountId: MEMBER_ACCOUNT,
      targetId: WORKLOADS_OU,
      policyName: DEFAULT_POLICY_NAME,
      allowOrganizationalTarget: true,
      dryRun: false,
    });
  });

  it('substitutes into the JSON Payloads only values whose pattern has no room for a quote or a backslash', () => {
    const inPayload = payloadReferences().filter((name) => name in parameters);
    expect(new Set(inPayload)).toEqual(
      new Set(['AccountId', 'TargetId', 'PolicyName', 'AllowOrganizationalTarget', 'DryRun']),
    );
    expectPayloadParametersJsonSafe();
  });

  it('has the approval step, approval count and DryRun default the Lambda checks in the execution record', () => {
    expect(step(APPROVAL_STEP)).toMatchObject({
      action: 'aws:approve',
      inputs: { MinRequiredApprovals: REQUIRED_APPROVERS },
    });
    expect(parameters.DryRun?.default).toBe(DEFAULT_DRY_RUN);
  });

  it('outputs the plan and, after an approval, what was done', () => {
    expect(doc.content.outputs).toEqual(['PlanAttachment.Payload', 'AttachScp.Payload']);
  });
});

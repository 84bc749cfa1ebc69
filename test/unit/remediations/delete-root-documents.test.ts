/**
 * RootGuard-DeleteRootAccessKeys and RootGuard-DeleteRootCredentials agree with their Lambda: the approval step
 * and count the Lambda checks, the DryRun default it assumes, payloads it accepts, and a deletion step that is
 * reachable only through the approval while a dry run goes around it to a step that deletes nothing. Also the
 * configuration each Lambda reads at cold start.
 */
import * as accessKeysConfig from '../../../remediations/delete-root-access-keys/config';
import * as accessKeys from '../../../remediations/delete-root-access-keys/handler';
import * as credentialsConfig from '../../../remediations/delete-root-credentials/config';
import * as credentials from '../../../remediations/delete-root-credentials/handler';
import { isDestructive, stepsReachableWithoutApproval } from '../../../remediations/lib/document-analysis';
import { InvalidRemediationConfigError } from '../../../remediations/lib/errors';
import { rootCredentialsPayloadSchema } from '../../../remediations/lib/root-credentials-handler';
import { MEMBER_ACCOUNT } from '../../helpers/constants';
import { documentUnderTest } from './document-cases';
import { EXECUTION_ID, MANAGEMENT_ROLE_ARN } from './root-session-fixtures';

const cases = [
  {
    folder: accessKeysConfig.CONFIG.folder,
    module: accessKeys,
    config: accessKeysConfig.CONFIG,
    load: accessKeysConfig.CONFIG.load,
    name: 'RootGuard-DeleteRootAccessKeys',
    functionParameter: 'DeleteRootAccessKeysFunctionName',
    functionName: 'rootguard-delete-root-access-keys',
    report: 'ReportRootAccessKeys',
    remove: 'DeleteRootAccessKeys',
    approvals: 1,
    scope: ['accessKeys'],
  },
  {
    folder: credentialsConfig.CONFIG.folder,
    module: credentials,
    config: credentialsConfig.CONFIG,
    load: credentialsConfig.CONFIG.load,
    name: 'RootGuard-DeleteRootCredentials',
    functionParameter: 'DeleteRootCredentialsFunctionName',
    functionName: 'rootguard-delete-root-credentials',
    report: 'ReportRootCredentials',
    remove: 'DeleteRootCredentials',
    approvals: 2,
    scope: ['accessKeys', 'signingCertificates', 'password', 'mfaDevices'],
  },
] as const;

describe.each(cases)('$name', (c) => {
  const { doc, parameters, mainSteps, step, payload, payloadReferences } = documentUnderTest(c.folder);

  it('is the document the Lambda accepts executions of', () => {
    expect(doc.name).toBe(c.name);
    expect(c.config.defaultDocumentName).toBe(c.name);
    expect(c.module.REMEDIATION.folder).toBe(c.folder);
    expect(c.module.REMEDIATION.scope).toEqual(c.scope);
  });

  it('reports first in every run, then branches: only DryRun false with route act reaches the approval', () => {
    expect(mainSteps.map((s) => [s.name, s.action])).toEqual([
      [c.report, 'aws:invokeLambdaFunction'],
      ['ChooseDryRunOrDeletion', 'aws:branch'],
      [c.module.REMEDIATION.approvalStep, 'aws:approve'],
      [c.remove, 'aws:invokeLambdaFunction'],
    ]);
    expect(step('ChooseDryRunOrDeletion')).toMatchObject({
      isEnd: true,
      inputs: {
        Choices: [
          {
            NextStep: c.module.REMEDIATION.approvalStep,
            And: [
              { Variable: '{{ DryRun }}', StringEquals: 'false' },
              // A member-account run files a request in the report step (route "requested") and ends.
              { Variable: `{{ ${c.report}.Route }}`, StringEquals: 'act' },
            ],
          },
        ],
      },
    });
    expect(step('ChooseDryRunOrDeletion')?.inputs?.Default).toBeUndefined();
    expect(step(c.report)).toMatchObject({
      onFailure: 'Abort',
      outputs: [{ Name: 'Route', Selector: '$.Payload.route', Type: 'String' }],
    });
    expect(step(c.remove)).toMatchObject({ isEnd: true, onFailure: 'Abort' });
    expect(doc.content.outputs).toEqual([`${c.report}.Payload`, `${c.remove}.Payload`]);
  });

  it('reaches the deleting step only through the approval; the dry-run step is not destructive', () => {
    const open = stepsReachableWithoutApproval(doc.content);
    expect(isDestructive(step(c.remove) as never)).toBe(true);
    expect(open.has(c.remove)).toBe(false);
    expect(isDestructive(step(c.report) as never)).toBe(false);
    expect(open.has(c.report)).toBe(true);
  });

  it(`asks for ${c.approvals} approval(s), aborting on rejection or timeout`, () => {
    const approve = step(c.module.REMEDIATION.approvalStep);
    expect(c.module.REMEDIATION.requiredApprovers).toBe(c.approvals);
    expect(approve?.inputs).toMatchObject({
      MinRequiredApprovals: c.approvals,
      Approvers: '{{ Approvers }}',
      NotificationArn: '{{ ApprovalNotificationArn }}',
    });
    expect(approve?.onFailure).toBe('Abort');
    expect(String(approve?.inputs?.Message)).toMatch(/\{\{ AccountId \}\}/);
    expect(parameters.Approvers).toMatchObject({ type: 'StringList', minItems: c.approvals, maxItems: 10 });
  });

  it('names its Lambda in a parameter of its own, so the conformance pack can pass that function’s ARN', () => {
    expect(parameters[c.functionParameter]?.default).toBe(c.functionName);
    for (const name of [c.report, c.remove]) {
      expect(step(name)?.inputs?.FunctionName).toBe(`{{ ${c.functionParameter} }}`);
    }
  });

  it('defaults DryRun to what the Lambda assumes when the record omits it', () => {
    expect(parameters.DryRun?.default).toBe(String(c.module.REMEDIATION.defaultDryRun));
  });

  it.each([
    ['report', 'true', true],
    ['remove', 'false', false],
  ] as const)(
    'sends from the %s step a payload the Lambda accepts, with dryRun fixed to %s',
    (which, _text, dryRun) => {
      const sent = payload(c[which], {
        'automation:EXECUTION_ID': EXECUTION_ID,
        AccountId: MEMBER_ACCOUNT,
      });
      expect(rootCredentialsPayloadSchema.parse(sent)).toEqual({
        executionId: EXECUTION_ID,
        accountId: MEMBER_ACCOUNT,
        dryRun,
      });
    },
  );

  it('never substitutes DryRun into a Payload: each step fixes its own', () => {
    expect(payloadReferences().sort()).toEqual([
      'AccountId',
      'AccountId',
      'automation:EXECUTION_ID',
      'automation:EXECUTION_ID',
    ]);
  });

  describe('configuration', () => {
    it('reads the management role and Region, defaulting the document name', () => {
      expect(c.load({ MANAGEMENT_ROLE_ARN, AWS_REGION: 'eu-west-1' })).toMatchObject({
        managementRoleArn: MANAGEMENT_ROLE_ARN,
        documentName: c.name,
        executionReaderRoleName: 'RootGuardRemediationReader',
        region: 'eu-west-1',
      });
    });

    it('takes a blank MANAGEMENT_ROLE_ARN as "call with the function role" and an overridden document name', () => {
      expect(
        c.load({
          MANAGEMENT_ROLE_ARN: '',
          AWS_REGION: 'eu-west-1',
          [c.config.documentNameVariable]: 'Test-Doc',
        }),
      ).toMatchObject({
        managementRoleArn: undefined,
        documentName: 'Test-Doc',
        executionReaderRoleName: 'RootGuardRemediationReader',
        region: 'eu-west-1',
      });
    });

    it('fails at creation (cold start) on a bad environment, naming the remediation', () => {
      expect(() => c.load({ MANAGEMENT_ROLE_ARN: 'x' })).toThrow(InvalidRemediationConfigError);
      expect(() => c.load({ MANAGEMENT_ROLE_ARN: 'x' })).toThrow(new RegExp(`^${c.folder} is misconfigured`));
    });

    it('lets the module be imported without any environment (the handler is built lazily)', () => {
      expect(typeof c.module.handler).toBe('function');
    });
  });
});

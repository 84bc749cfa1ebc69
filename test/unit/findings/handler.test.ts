import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { importTargetFrom, loadFindingsConfig } from '../../../findings/config';
import {
  FindingImportError,
  InvalidFindingsConfigError,
  WorkflowUpdateError,
} from '../../../findings/errors';
import {
  type ComplianceFindingHandler,
  type ComplianceFindingHandlerDeps,
  handler as entryPoint,
} from '../../../findings/handler';
import { logger } from '../../../lib/logger';
import {
  type ComplianceEventJson,
  type ComplianceEventName,
  FINDINGS_CONFIG,
  FINDINGS_FUNCTION_ARN,
  findingsHandler,
  findingsLambdaContext,
  loadComplianceEvent,
  SAMPLE_REQUIREMENTS,
} from '../../helpers/compliance-events';
import { MEMBER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../../helpers/constants';
import { expectImportTargetRead } from '../../helpers/import-target';
import { MetricsRecorder } from '../../helpers/root-activity-events';
import { useSecurityHubMock } from '../../helpers/sdk-mocks';

const hubMock = useSecurityHubMock();

/** One day and a few seconds after the compliant result was notified (06:00:04.402Z). */
const NOW = new Date('2026-11-21T06:00:06.402Z');
const MFA_ID = `rootguard/root-hardware-mfa/${MEMBER_ACCOUNT}/eu-west-1`;
const PRODUCT_ARN = `arn:aws:securityhub:eu-west-1:${SECURITY_TOOLING_ACCOUNT}:product/${SECURITY_TOOLING_ACCOUNT}/default`;

let metrics: MetricsRecorder;

const handler = (deps: Partial<ComplianceFindingHandlerDeps> = {}): ComplianceFindingHandler =>
  findingsHandler({ now: () => NOW, metrics, ...deps });

/** Runs a fresh handler on a test event (by name) or on any raw input. */
const invokeRaw = (raw: unknown, deps: Partial<ComplianceFindingHandlerDeps> = {}) =>
  handler(deps)(raw, findingsLambdaContext());
const invoke = (
  event: ComplianceEventName | ComplianceEventJson,
  deps: Partial<ComplianceFindingHandlerDeps> = {},
) => invokeRaw(typeof event === 'string' ? loadComplianceEvent(event) : event, deps);

const importedFindings = () =>
  hubMock.commandCalls(BatchImportFindingsCommand).flatMap((c) => c.args[0].input.Findings ?? []);

beforeEach(() => {
  metrics = new MetricsRecorder();
});

describe('compliance finding handler', () => {
  it('imports a finding for a NON_COMPLIANT result', async () => {
    const result = await invoke('non-compliant');

    expect(result).toEqual({
      status: 'imported',
      findingId: MFA_ID,
      ruleId: 'root-hardware-mfa',
      accountId: MEMBER_ACCOUNT,
      region: 'eu-west-1',
      complianceStatus: 'FAILED',
      workflowUpdate: undefined,
    });
    expect(importedFindings()).toEqual([
      expect.objectContaining({
        Id: MFA_ID,
        ProductArn: PRODUCT_ARN,
        AwsAccountId: SECURITY_TOOLING_ACCOUNT,
        Compliance: expect.objectContaining({
          Status: 'FAILED',
          RelatedRequirements: SAMPLE_REQUIREMENTS['root-hardware-mfa'],
        }),
        Severity: { Label: 'CRITICAL', Original: 'CRITICAL' },
        Workflow: { Status: 'NEW' },
        Remediation: {
          Recommendation: expect.objectContaining({
            Url: 'https://github.com/example/rootguard/blob/main/README.md#root-hardware-mfa',
          }),
        },
      }),
    ]);
    // The first result creates the finding: nothing to update afterwards.
    expect(hubMock).not.toHaveReceivedCommand(BatchUpdateFindingsCommand);
  });

  it('imports into the Security Hub region with the function’s account', async () => {
    await handler({ config: { ...FINDINGS_CONFIG, securityHubRegion: 'us-east-1' } })(
      loadComplianceEvent('non-compliant'),
      findingsLambdaContext(),
    );

    const call = hubMock.commandCalls(BatchImportFindingsCommand)[0];
    if (!call) throw new Error('no BatchImportFindings call');
    expect(await (call.thisValue as SecurityHubClient).config.region()).toBe('us-east-1');
    expect(call.args[0].input.Findings?.[0]?.ProductArn).toBe(
      `arn:aws:securityhub:us-east-1:${SECURITY_TOOLING_ACCOUNT}:product/${SECURITY_TOOLING_ACCOUNT}/default`,
    );
  });

  it('re-imports the same finding id and sets it RESOLVED when the rule passes again', async () => {
    await invoke('non-compliant');
    const result = await invoke('compliant');

    expect(result).toMatchObject({
      status: 'imported',
      findingId: MFA_ID,
      complianceStatus: 'PASSED',
      workflowUpdate: 'RESOLVED',
    });
    expect(importedFindings().map((f) => [f.Id, f.Compliance?.Status, f.Workflow?.Status])).toEqual([
      [MFA_ID, 'FAILED', 'NEW'],
      [MFA_ID, 'PASSED', 'RESOLVED'],
    ]);
    // BatchImportFindings cannot change the workflow of an existing finding: BatchUpdateFindings does.
    expect(hubMock).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
      FindingIdentifiers: [{ Id: MFA_ID, ProductArn: PRODUCT_ARN }],
      Workflow: { Status: 'RESOLVED' },
    });
  });

  it.each([
    {
      name: 'imports a NOT_APPLICABLE result as NOT_AVAILABLE, RESOLVED and INFORMATIONAL',
      event: 'not-applicable',
      result: { status: 'imported', ruleId: 'root-deny-scp', complianceStatus: 'NOT_AVAILABLE' },
      finding: {
        Compliance: { Status: 'NOT_AVAILABLE' },
        Workflow: { Status: 'RESOLVED' },
        Severity: { Label: 'INFORMATIONAL' },
      },
    },
    {
      name: 'recognises an organization conformance pack rule by its suffixed name',
      event: 'conformance-pack',
      result: {
        status: 'imported',
        ruleId: 'root-access-keys',
        findingId: `rootguard/root-access-keys/${MEMBER_ACCOUNT}/eu-west-1`,
        complianceStatus: 'FAILED',
      },
      finding: {
        ProductFields: {
          'rootguard/ConfigRuleName': 'rootguard-root-access-keys-conformance-pack-k2m8x0q4z',
        },
      },
    },
  ] as const)('$name', async ({ event, result, finding }) => {
    expect(await invoke(event)).toMatchObject(result);
    expect(importedFindings()[0]).toMatchObject(finding);
  });

  it('ignores a rule that is not rootguard’s, without calling Security Hub', async () => {
    const result = await invoke('other-rule');

    expect(result).toEqual({
      status: 'ignored',
      eventId: '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d',
      configRuleName: 'iam-root-access-key-check',
      reason: 'not-rootguard',
    });
    expect(hubMock).not.toHaveReceivedAnyCommand();
    expect(metrics.named('IgnoredComplianceEvents')).toHaveLength(1);
  });

  it('logs and counts a malformed event instead of throwing, and never logs the event', async () => {
    const error = jest.spyOn(logger, 'error');
    const malformed = loadComplianceEvent('non-compliant');
    malformed.detail.newEvaluationResult.complianceType = 'SORT_OF';

    const result = await invoke(malformed);

    expect(result).toMatchObject({ status: 'invalid', eventId: '5b2e9c1a-7f3d-4e8b-a6c0-1d2f3e4a5b6c' });
    expect(hubMock).not.toHaveReceivedAnyCommand();
    expect(metrics.named('InvalidComplianceEvents')).toHaveLength(1);
    expect(JSON.stringify(error.mock.calls)).not.toContain('SORT_OF');
    expect(error).toHaveBeenCalledWith(
      'Invalid Config compliance change event: ignored',
      expect.objectContaining({
        issues: [expect.objectContaining({ path: 'detail.newEvaluationResult.complianceType' })],
      }),
    );
    error.mockRestore();
  });

  it.each([null, 'text', 42, {}])('treats %p as invalid', async (raw) => {
    await expect(invokeRaw(raw)).resolves.toMatchObject({ status: 'invalid' });
  });

  it('throws when Security Hub rejects the finding twice (Lambda retries the same id)', async () => {
    hubMock.on(BatchImportFindingsCommand).resolves({
      SuccessCount: 0,
      FailedCount: 1,
      FailedFindings: [{ Id: MFA_ID, ErrorCode: 'InvalidInput', ErrorMessage: 'bad' }],
    });

    await expect(invoke('compliant')).rejects.toBeInstanceOf(FindingImportError);
    expect(hubMock).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 2);
    // No workflow change for a finding that was not imported.
    expect(hubMock).not.toHaveReceivedCommand(BatchUpdateFindingsCommand);
    expect(metrics.named('ComplianceFindingFailures')).toHaveLength(1);
    expect(metrics.published).toBe(1);
  });

  it('throws when the workflow cannot be set', async () => {
    hubMock.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: MFA_ID, ProductArn: PRODUCT_ARN },
          ErrorCode: 'AccessDenied',
          ErrorMessage: 'no',
        },
      ],
    });

    await expect(invoke('compliant')).rejects.toBeInstanceOf(WorkflowUpdateError);
  });

  it('throws when the importing account cannot be told from the context', async () => {
    await expect(handler()(loadComplianceEvent('non-compliant'), {})).rejects.toBeInstanceOf(
      InvalidFindingsConfigError,
    );
    expect(hubMock).not.toHaveReceivedAnyCommand();
  });

  it('records the count and the latency from Config’s notification to the import', async () => {
    await invoke('compliant');

    expect(metrics.named('ComplianceFindings')).toEqual([expect.objectContaining({ value: 1 })]);
    expect(metrics.named('ComplianceFindingLatency')).toEqual([
      expect.objectContaining({ unit: 'Milliseconds', value: 2000 }),
    ]);
    expect(metrics.published).toBe(1);
  });

  it('warns when the framework mapping had to be cut to fit Security Hub', async () => {
    const warn = jest.spyOn(logger, 'warn');
    const long = Array.from({ length: 40 }, (_, i) => `Requirement ${i} ${'x'.repeat(80)}`);

    await invoke('non-compliant', { relatedRequirements: () => long });

    expect(warn).toHaveBeenCalledWith(expect.stringContaining('cut to fit Security Hub'), {
      clipped: 40,
      dropped: 8,
    });
    warn.mockRestore();
  });

  it('tags logs with the rule and account while handling an event, and clears them after', async () => {
    const append = jest.spyOn(logger, 'appendKeys');
    const remove = jest.spyOn(logger, 'removeKeys');

    await invoke('non-compliant');

    expect(append).toHaveBeenCalledWith({ ruleId: 'root-hardware-mfa', accountId: MEMBER_ACCOUNT });
    expect(remove).toHaveBeenCalledWith(['ruleId', 'accountId']);
    append.mockRestore();
    remove.mockRestore();
  });
});

describe('findings configuration', () => {
  it('reads the region, defaulting the Security Hub region to it, and the runbook base URL', () => {
    expect(loadFindingsConfig({ AWS_REGION: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
      securityHubRegion: 'eu-west-1',
      runbookBaseUrl: undefined,
    });
    expect(
      loadFindingsConfig({
        AWS_REGION: 'eu-west-1',
        SECURITY_HUB_REGION: 'us-east-1',
        RUNBOOK_BASE_URL: 'https://wiki.example.com/rootguard',
      }),
    ).toEqual({
      region: 'eu-west-1',
      securityHubRegion: 'us-east-1',
      runbookBaseUrl: 'https://wiki.example.com/rootguard',
    });
  });

  it('treats blank optional variables as unset', () => {
    expect(
      loadFindingsConfig({ AWS_REGION: 'eu-west-1', SECURITY_HUB_REGION: '', RUNBOOK_BASE_URL: '' }),
    ).toEqual({
      region: 'eu-west-1',
      securityHubRegion: 'eu-west-1',
      runbookBaseUrl: undefined,
    });
  });

  it('names every bad variable', () => {
    expect(() => loadFindingsConfig({ AWS_REGION: 'Ireland', RUNBOOK_BASE_URL: 'README.md' })).toThrow(
      /AWS_REGION: expected an AWS region; RUNBOOK_BASE_URL: expected an http\(s\) URL/,
    );
  });

  it('reads the importing account and partition from the function ARN', () => {
    expectImportTargetRead(importTargetFrom, FINDINGS_FUNCTION_ARN);
    expect(() => importTargetFrom('not-an-arn', 'eu-west-1')).toThrow(InvalidFindingsConfigError);
  });
});

describe('entry point', () => {
  it('loads its configuration on the first invocation and fails plainly when it is bad', async () => {
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = 'not a region';
    try {
      await expect(entryPoint(loadComplianceEvent('non-compliant'), findingsLambdaContext())).rejects.toThrow(
        InvalidFindingsConfigError,
      );
    } finally {
      process.env.AWS_REGION = saved;
    }
  });
});

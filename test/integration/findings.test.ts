/**
 * Compliance findings against moto_server, with real SDK clients over HTTP:
 * - a NON_COMPLIANT result and then the COMPLIANT one for the same rule, account and region stay one
 *   finding, which ends PASSED, INFORMATIONAL and RESOLVED (moto lets a re-import change Workflow; real
 *   Security Hub needs the BatchUpdateFindings the handler sends, covered by the unit tests);
 * - the handler, fed real-shaped events, imports rootguard's results and leaves other rules alone;
 * - more than 100 findings arrive whole through the batching importer.
 *
 * moto ignores GetFindings filters: findings are selected by Id here.
 */
import { type AwsSecurityFinding, paginateGetFindings, SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { ImportTarget } from '../../findings/asff';
import { type ComplianceFinding, mapComplianceChange } from '../../findings/compliance-finding';
import { createComplianceFindingHandler } from '../../findings/handler';
import { importFindings } from '../../findings/import';
import {
  type ComplianceEventJson,
  type ComplianceEventName,
  HAND_MADE_RULE_EVENT,
  loadComplianceEvent,
  packRuleName,
  SAMPLE_REQUIREMENTS,
  sampleRelatedRequirements,
  withDetail,
} from '../helpers/compliance-events';
import { MEMBER_ACCOUNT } from '../helpers/constants';
import {
  EMULATOR_REGION,
  emulatedFunctionArn,
  emulatorClientFactory,
  MOTO_DEFAULT_ACCOUNT,
  useEmulatedClients,
} from '../helpers/emulator';

const TARGET: ImportTarget = {
  partition: 'aws',
  region: EMULATOR_REGION,
  importerAccountId: MOTO_DEFAULT_ACCOUNT,
};
const FUNCTION_ARN = emulatedFunctionArn('rootguard-compliance-findings');
const MFA_ID = `rootguard/root-hardware-mfa/${MEMBER_ACCOUNT}/eu-west-1`;

const aws = useEmulatedClients({ hub: SecurityHubClient });

function mapped(event: ComplianceEventName | ComplianceEventJson): ComplianceFinding {
  const result = mapComplianceChange(typeof event === 'string' ? loadComplianceEvent(event) : event, {
    relatedRequirements: sampleRelatedRequirements,
    target: TARGET,
    runbookBaseUrl: 'https://wiki.example.com/rootguard',
  });
  if (result.kind !== 'finding') throw new Error(`expected a finding, got ${result.kind}`);
  return result.result;
}

async function allFindings(): Promise<AwsSecurityFinding[]> {
  const found: AwsSecurityFinding[] = [];
  for await (const page of paginateGetFindings({ client: aws.hub, pageSize: 100 }, {})) {
    found.push(...(page.Findings ?? []));
  }
  return found;
}

const findingsWithId = async (id: string) => (await allFindings()).filter((f) => f.Id === id);

describe('compliance finding in Security Hub', () => {
  it('stays one finding that ends PASSED and RESOLVED when the rule passes again', async () => {
    const failed = mapped('non-compliant');
    const passed = mapped('compliant');
    expect(passed.finding.Id).toBe(failed.finding.Id);

    await importFindings(aws.hub, [failed.finding]);
    const [afterFailure] = await findingsWithId(MFA_ID);
    expect(afterFailure).toMatchObject({
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      Severity: { Label: 'CRITICAL' },
    });

    await expect(importFindings(aws.hub, [passed.finding])).resolves.toMatchObject({ imported: 1 });
    const stored = await findingsWithId(MFA_ID);

    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      Id: MFA_ID,
      GeneratorId: 'rootguard/root-hardware-mfa',
      AwsAccountId: MOTO_DEFAULT_ACCOUNT,
      Compliance: {
        Status: 'PASSED',
        RelatedRequirements: SAMPLE_REQUIREMENTS['root-hardware-mfa'],
      },
      Workflow: { Status: 'RESOLVED' },
      Severity: { Label: 'INFORMATIONAL' },
      RecordState: 'ACTIVE',
      Resources: [expect.objectContaining({ Type: 'AwsAccount', Id: `AWS::::Account:${MEMBER_ACCOUNT}` })],
      Remediation: {
        Recommendation: expect.objectContaining({
          Url: 'https://wiki.example.com/rootguard#root-hardware-mfa',
        }),
      },
      UpdatedAt: passed.finding.UpdatedAt,
    });
  });

  it('imports more than 100 findings (one per member account) without losing any', async () => {
    const base = loadComplianceEvent('non-compliant');
    const many = Array.from(
      { length: 150 },
      (_, i) => mapped(withDetail(base, { accountId: String(100000000000 + i) })).finding,
    );

    await expect(importFindings(aws.hub, many)).resolves.toEqual({ imported: 150, calls: 2, retried: 0 });

    const ids = new Set((await allFindings()).map((f) => f.Id));
    expect(ids).toEqual(new Set(many.map((f) => f.Id)));
  });
});

describe('compliance finding handler on the emulator', () => {
  const handler = () =>
    createComplianceFindingHandler({
      relatedRequirements: sampleRelatedRequirements,
      config: { region: EMULATOR_REGION, securityHubRegion: EMULATOR_REGION, runbookBaseUrl: undefined },
      clientFactory: emulatorClientFactory(EMULATOR_REGION),
      retryDelayMs: 0,
    });
  const invoke = (event: ComplianceEventName | ComplianceEventJson) =>
    handler()(typeof event === 'string' ? loadComplianceEvent(event) : event, {
      invokedFunctionArn: FUNCTION_ARN,
    });

  it('imports the results of rootguard rules, conformance-pack names included, and ignores other rules', async () => {
    const results = [];
    for (const name of ['non-compliant', 'not-applicable', 'conformance-pack', 'other-rule'] as const) {
      results.push(await invoke(name));
    }

    expect(results.map((r) => r.status)).toEqual(['imported', 'imported', 'imported', 'ignored']);
    const stored = await allFindings();
    expect(stored.map((f) => [f.Id, f.Compliance?.Status, f.Workflow?.Status]).sort()).toEqual(
      [
        [MFA_ID, 'FAILED', 'NEW'],
        ['rootguard/root-deny-scp/111111111111/eu-west-1', 'NOT_AVAILABLE', 'RESOLVED'],
        [`rootguard/root-access-keys/${MEMBER_ACCOUNT}/eu-west-1`, 'FAILED', 'NEW'],
      ].sort(),
    );
    expect(
      stored.every(
        (f) =>
          f.ProductArn ===
          `arn:aws:securityhub:${EMULATOR_REGION}:${MOTO_DEFAULT_ACCOUNT}:product/${MOTO_DEFAULT_ACCOUNT}/default`,
      ),
    ).toBe(true);
  });

  it("keeps the pack's FAILED root-user-idle finding when a member's hand-made rule of that name passes", async () => {
    const idleId = `rootguard/root-user-idle/${MEMBER_ACCOUNT}/eu-west-1`;
    await invoke(
      withDetail(loadComplianceEvent('non-compliant'), { configRuleName: packRuleName('root-user-idle') }),
    );

    const result = await invoke(HAND_MADE_RULE_EVENT);

    expect(result).toMatchObject({ status: 'refused', configRuleName: 'rootguard-root-user-idle' });
    expect(await findingsWithId(idleId)).toEqual([
      expect.objectContaining({
        Compliance: expect.objectContaining({ Status: 'FAILED' }),
        Workflow: { Status: 'NEW' },
      }),
    ]);
  });

  it('keeps one finding when the same event is delivered twice', async () => {
    await invoke('non-compliant');
    await invoke('non-compliant');

    expect(await findingsWithId(MFA_ID)).toHaveLength(1);
  });
});

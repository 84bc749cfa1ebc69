import {
  CreateOpsItemCommand,
  DescribeOpsItemsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../../../../lib/clients';
import { AccessDeniedError } from '../../../../lib/errors';
import { InvalidStepPayloadError } from '../../../../remediations/lib/errors';
import { DEDUP_KEY } from '../../../../remediations/lib/ops-item';
import {
  BACKUP_HARDWARE_MFA_TASK,
  opsItemDescription as backupDescription,
} from '../../../../remediations/request-backup-hardware-mfa/checklist';
import { opsItemDescription } from '../../../../remediations/request-hardware-mfa/checklist';
import {
  createRequestHardwareMfaHandler,
  OPS_ITEM_TASKS,
  type RequestHardwareMfaHandler,
} from '../../../../remediations/request-hardware-mfa/handler';
import {
  opsItemDescription as forwardingDescription,
  ROOT_ACTIVITY_FORWARDING_TASK,
} from '../../../../remediations/request-root-activity-forwarding/checklist';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT, REGION } from '../../../helpers/constants';
import { givenDeployedDocuments } from '../../../helpers/deployed-documents';
import { recordingMetrics } from '../../../helpers/metrics';
import { expectRejection, sdkError } from '../../../helpers/rejection';
import { useSdkMocks } from '../../../helpers/sdk-mocks';
import { READER_ROLE_NAME } from '../root-session-fixtures';
import {
  CREATED_OPS_ITEM_ID,
  EXECUTION_ID,
  LAMBDA_SESSION_ARN,
  OPEN_OPS_ITEM_ID,
  opsItem,
  stepPayload as payloadOf,
  requestRecord,
} from './fixtures';

/** The last step payload a test built: the genuine execution record answers with its values. */
let lastPayload: Record<string, unknown> = payloadOf();
const stepPayload = (overrides: Record<string, unknown> = {}) => {
  lastPayload = payloadOf(overrides);
  return lastPayload;
};

const { ssmMock, stsMock } = useSdkMocks({ ssmMock: SSMClient, stsMock: STSClient });

const metrics = recordingMetrics();

function handler(): RequestHardwareMfaHandler {
  return createRequestHardwareMfaHandler({
    config: { region: REGION, executionReaderRoleName: READER_ROLE_NAME },
    clientFactory: new ClientFactory({ region: REGION }),
    metrics,
  });
}

const TITLE = `Protect the root user of ${MEMBER_ACCOUNT} with two hardware MFA devices`;

/** What the handler returns when it opened the OpsItem of `task`, titled `title`. */
const created = (task: string, title: string) => ({
  status: 'created',
  task,
  accountId: MEMBER_ACCOUNT,
  opsItemId: CREATED_OPS_ITEM_ID,
  title,
  message: `Opened OpsItem ${CREATED_OPS_ITEM_ID}: "${title}".`,
});

/** The fields every rootguard OpsItem has, with its title and checklist. */
const expectedOpsItem = (title: string, description: string) => ({
  Title: title,
  Description: description,
  Source: 'rootguard',
  Category: 'Security',
});

beforeEach(() => {
  metrics.recorded = [];
  givenDeployedDocuments(ssmMock);
  stsMock.on(GetCallerIdentityCommand).resolves({ Arn: LAMBDA_SESSION_ARN });
  // Each step payload below comes from a genuine run of its document, unless a test says otherwise.
  ssmMock.on(GetAutomationExecutionCommand).callsFake(async () => ({
    AutomationExecution: requestRecord(lastPayload),
  }));
  ssmMock.on(DescribeOpsItemsCommand).resolves({ OpsItemSummaries: [] });
  ssmMock.on(CreateOpsItemCommand).resolves({ OpsItemId: CREATED_OPS_ITEM_ID });
});

describe('request-hardware-mfa handler (task hardware-mfa, and no task: an older RootGuard-RequestHardwareMfa)', () => {
  it('opens one OpsItem with the hardware MFA checklist when none is open', async () => {
    const result = await handler()(stepPayload());

    expect(result).toEqual(created('hardware-mfa', TITLE));
    expect(ssmMock).toHaveReceivedCommandTimes(CreateOpsItemCommand, 1);
    const input = ssmMock.commandCalls(CreateOpsItemCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      ...expectedOpsItem(TITLE, opsItemDescription(MEMBER_ACCOUNT)),
      Severity: '2',
      Priority: 2,
    });
    expect(input?.Description).toMatch(
      /two FIDO security keys[\s\S]*Dual-person retrieval[\s\S]*Document the procedure/,
    );
    expect(input?.OperationalData?.[DEDUP_KEY]?.Value).toBe(`root-hardware-mfa/${MEMBER_ACCOUNT}`);
    expect(input?.OperationalData?.['rootguard:automationExecutionId']?.Value).toBe(EXECUTION_ID);
  });

  it.each(['Open', 'InProgress'] as const)('opens no duplicate while one is %s', async (status) => {
    ssmMock.on(DescribeOpsItemsCommand).resolves({
      OpsItemSummaries: [opsItem('Resolved', MEMBER_ACCOUNT, 'oi-000000000001'), opsItem(status)],
    });

    const result = await handler()(stepPayload());

    expect(result).toMatchObject({ status: 'already-open', opsItemId: OPEN_OPS_ITEM_ID });
    expect(result.message).toContain(`is already ${status}`);
    expect(ssmMock).not.toHaveReceivedCommand(CreateOpsItemCommand);
  });

  it('finds an open OpsItem on a later page', async () => {
    ssmMock
      .on(DescribeOpsItemsCommand)
      .resolvesOnce({
        OpsItemSummaries: [opsItem('Resolved', MEMBER_ACCOUNT, 'oi-000000000001')],
        NextToken: 'page-2',
      })
      .resolvesOnce({ OpsItemSummaries: [opsItem('Open')] });

    await expect(handler()(stepPayload())).resolves.toMatchObject({ status: 'already-open' });
    expect(ssmMock).toHaveReceivedCommandWith(DescribeOpsItemsCommand, { NextToken: 'page-2' });
    expect(ssmMock).not.toHaveReceivedCommand(CreateOpsItemCommand);
  });

  it('opens a new one when the earlier OpsItem was resolved, or only another account has one', async () => {
    ssmMock.on(DescribeOpsItemsCommand).resolves({
      OpsItemSummaries: [opsItem('Resolved'), opsItem('Open', OTHER_ACCOUNT, 'oi-000000000002')],
    });

    await expect(handler()(stepPayload())).resolves.toMatchObject({ status: 'created' });
  });

  it('reports what it would do and creates nothing in a dry run', async () => {
    const result = await handler()(stepPayload({ dryRun: 'true' }));

    expect(result).toEqual({
      status: 'dry-run',
      task: 'hardware-mfa',
      accountId: MEMBER_ACCOUNT,
      opsItemId: undefined,
      title: TITLE,
      message: `Dry run, nothing created. Would open the OpsItem "${TITLE}" with the checklist for the root hardware MFA.`,
    });
    expect(ssmMock).not.toHaveReceivedCommand(CreateOpsItemCommand);
  });

  it('reports the open OpsItem in a dry run', async () => {
    ssmMock.on(DescribeOpsItemsCommand).resolves({ OpsItemSummaries: [opsItem('Open')] });
    await expect(handler()(stepPayload({ dryRun: 'true' }))).resolves.toMatchObject({
      status: 'already-open',
      opsItemId: OPEN_OPS_ITEM_ID,
    });
  });

  it('takes the severity from the document and sets the same priority', async () => {
    await handler()(stepPayload({ severity: '1' }));
    expect(ssmMock).toHaveReceivedCommandWith(CreateOpsItemCommand, { Severity: '1', Priority: 1 });
  });

  it('names ssm:CreateOpsItem when the role may not create OpsItems', async () => {
    ssmMock.on(CreateOpsItemCommand).rejects(sdkError('AccessDeniedException', 'no'));
    await expectRejection(
      handler()(stepPayload()),
      AccessDeniedError,
      /Access denied calling ssm:CreateOpsItem in account 222222222222/,
    );
  });

  it('rejects a payload the document could not have sent', async () => {
    await expectRejection(
      handler()(stepPayload({ severity: '5' })),
      InvalidStepPayloadError,
      /severity: expected an OpsItem severity, 1 to 4/,
    );
    expect(ssmMock.calls()).toHaveLength(0);
  });
});

// The fixed-task documents share the hardware MFA flow above; each opens its own OpsItem, keyed on its own rule,
// so an open OpsItem of another task for the same account never stands in for it.
describe.each([
  {
    task: 'root-activity-forwarding',
    document: 'RootGuard-RequestRootActivityForwarding',
    ruleId: 'root-activity-alerting',
    title: `Repair the forwarding of root activity from ${MEMBER_ACCOUNT} to the central event bus`,
    description: forwardingDescription,
    subject: 'the root activity forwarding',
    opsItemTask: ROOT_ACTIVITY_FORWARDING_TASK,
  },
  {
    task: 'backup-hardware-mfa',
    document: 'RootGuard-RequestBackupHardwareMfa',
    ruleId: 'root-backup-mfa',
    title: `Give the root user of ${MEMBER_ACCOUNT} a registered backup hardware MFA device kept at another site`,
    description: backupDescription,
    subject: 'the root backup hardware MFA',
    opsItemTask: BACKUP_HARDWARE_MFA_TASK,
  },
])('request-hardware-mfa handler, task $task ($document)', (row) => {
  const run = (overrides: Record<string, unknown> = {}) =>
    handler()(stepPayload({ task: row.task, ...overrides }));

  it(`opens one OpsItem with its checklist, keyed on ${row.ruleId}`, async () => {
    const result = await run();

    expect(result).toEqual(created(row.task, row.title));
    const input = ssmMock.commandCalls(CreateOpsItemCommand)[0]?.args[0].input;
    expect(input).toMatchObject(expectedOpsItem(row.title, row.description(MEMBER_ACCOUNT)));
    expect(input?.OperationalData?.[DEDUP_KEY]?.Value).toBe(`${row.ruleId}/${MEMBER_ACCOUNT}`);
  });

  it('opens no duplicate while one is open, and ignores an open hardware MFA OpsItem of the same account', async () => {
    ssmMock.on(DescribeOpsItemsCommand).resolves({
      OpsItemSummaries: [
        opsItem('Open'),
        opsItem('InProgress', MEMBER_ACCOUNT, 'oi-00000000000f', row.opsItemTask),
      ],
    });

    const result = await run();

    expect(result).toMatchObject({ status: 'already-open', opsItemId: 'oi-00000000000f' });
    expect(result.message).toBe(
      `OpsItem oi-00000000000f for ${row.subject} of ${MEMBER_ACCOUNT} is already InProgress; no second one opened.`,
    );
    expect(ssmMock).not.toHaveReceivedCommand(CreateOpsItemCommand);
  });

  it('reports and creates nothing in a dry run', async () => {
    await expect(run({ dryRun: 'true' })).resolves.toMatchObject({
      status: 'dry-run',
      message: `Dry run, nothing created. Would open the OpsItem "${row.title}" with the checklist for ${row.subject}.`,
    });
    expect(ssmMock).not.toHaveReceivedCommand(CreateOpsItemCommand);
  });
});

describe('request-hardware-mfa handler, the task field', () => {
  it.each([
    [undefined, 'root-hardware-mfa'],
    ['hardware-mfa', 'root-hardware-mfa'],
    ['root-activity-forwarding', 'root-activity-alerting'],
    ['backup-hardware-mfa', 'root-backup-mfa'],
  ])(
    'for task %s looks for an open OpsItem by the account’s dedup key on %s before creating',
    async (task, ruleId) => {
      await handler()(stepPayload(task === undefined ? {} : { task }));

      expect(ssmMock).toHaveReceivedCommandWith(DescribeOpsItemsCommand, {
        OpsItemFilters: [
          {
            Key: 'OperationalData',
            Operator: 'Equal',
            Values: [JSON.stringify({ key: DEDUP_KEY, value: `${ruleId}/${MEMBER_ACCOUNT}` })],
          },
        ],
      });
    },
  );

  it('rejects a task it does not serve', async () => {
    await expectRejection(
      handler()(stepPayload({ task: 'delete-everything' })),
      InvalidStepPayloadError,
      /task: expected one of hardware-mfa, root-activity-forwarding, backup-hardware-mfa/,
    );
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('serves every task it lists', () => {
    expect(Object.keys(OPS_ITEM_TASKS).sort()).toEqual([
      'backup-hardware-mfa',
      'hardware-mfa',
      'root-activity-forwarding',
    ]);
  });
});

/**
 * The remediation documents and the open-break-glass-window Lambda against moto_server, with real SDK clients:
 * - every document under remediations/ is accepted by CreateDocument (Automation, YAML) under its folder's
 *   name and reads back with schemaVersion 0.3 and its parameters (moto checks the YAML and the schema
 *   version, not the step content: the contract test covers that);
 * - the Lambda writes a window to a table with the deployed key schema, lib/break-glass-store.ts's
 *   queryWindows (what the alert and the idle rule call) reads it back, a retry leaves one item, and the
 *   notice reaches a queue subscribed to the alert topic.
 * moto does not implement Automation executions, so GetAutomationExecution is answered by aws-sdk-client-mock
 * on the handler's one SSM client instance; every other call goes to moto.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  CreateDocumentCommand,
  DescribeDocumentCommand,
  GetAutomationExecutionCommand,
  GetDocumentCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { windowCovering } from '../../lib/break-glass';
import { queryWindows } from '../../lib/break-glass-store';
import { documentDigest } from '../../remediations/lib/document-digest';
import { DEPLOYED_DOCUMENT_DIGESTS } from '../../remediations/lib/document-digests';
import { loadDocuments } from '../../remediations/lib/documents';
import { createOpenWindowHandler } from '../../remediations/open-break-glass-window/handler';
import { MEMBER_ACCOUNT } from '../helpers/constants';
import { givenDeployedDocuments } from '../helpers/deployed-documents';
import {
  createBreakGlassTable,
  EMULATOR_REGION,
  emulatorClient,
  emulatorClientFactory,
  resetEmulator,
} from '../helpers/emulator';
import {
  APPROVED_AT,
  DOCUMENT_NAME,
  ENDS_AT,
  EXECUTION_ID,
  executionRecord,
  RECORDED_WINDOW,
  stepPayload,
  TABLE,
  TICKET_ID,
} from '../unit/remediations/open-break-glass-window/fixtures';

const documents = loadDocuments();
/** Keeps Powertools from printing "No application metrics to publish" on the runs that record nothing. */
const metrics = { addMetric: () => undefined, publishStoredMetrics: () => undefined };

beforeEach(async () => {
  await resetEmulator();
});

describe('SSM documents on the emulator', () => {
  it.each(documents.map((d) => [d.name, d] as const))('creates %s and reads it back', async (name, doc) => {
    const ssm = emulatorClient(SSMClient);

    const created = await ssm.send(
      new CreateDocumentCommand({
        Name: name,
        Content: doc.raw,
        DocumentType: 'Automation',
        DocumentFormat: 'YAML',
      }),
    );
    const described = await ssm.send(new DescribeDocumentCommand({ Name: name }));
    const fetched = await ssm.send(new GetDocumentCommand({ Name: name, DocumentFormat: 'YAML' }));

    expect(created.DocumentDescription).toMatchObject({
      Name: name,
      SchemaVersion: '0.3',
      DocumentType: 'Automation',
    });
    expect(described.Document).toMatchObject({
      Name: name,
      SchemaVersion: '0.3',
      DocumentType: 'Automation',
      DocumentFormat: 'YAML',
      Status: 'Active',
    });
    expect(Object.fromEntries((described.Document?.Parameters ?? []).map((p) => [p.Name, p.Type]))).toEqual(
      Object.fromEntries(Object.entries(doc.content.parameters).map(([n, p]) => [n, p.type])),
    );
    expect(fetched.Content).toBe(doc.raw);
  });

  // What the remediation Lambdas compare (remediations/lib/document-digest.ts): the document read back as JSON
  // has the digest pinned at build time. The emulator converts YAML to JSON as SSM does, as far as moto does.
  it.each(documents.map((d) => [d.name, d] as const))(
    'reads %s back as JSON with the digest the Lambdas pin',
    async (name, doc) => {
      const ssm = emulatorClient(SSMClient);
      await ssm.send(
        new CreateDocumentCommand({
          Name: name,
          Content: doc.raw,
          DocumentType: 'Automation',
          DocumentFormat: 'YAML',
        }),
      );

      const asJson = await ssm.send(new GetDocumentCommand({ Name: name, DocumentFormat: 'JSON' }));

      expect(documentDigest(JSON.parse(asJson.Content ?? ''))).toBe(DEPLOYED_DOCUMENT_DIGESTS[doc.folder]);
    },
  );
});

describe('open-break-glass-window Lambda on the emulator', () => {
  async function queueSubscribedTo(topicArn: string | undefined): Promise<string> {
    const sqs = emulatorClient(SQSClient);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'security-team' }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await emulatorClient(SNSClient).send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
    );
    return QueueUrl as string;
  }

  async function breakGlassStack() {
    const dynamodb = emulatorClient(DynamoDBClient);
    await createBreakGlassTable(dynamodb, TABLE);
    const { TopicArn } = await emulatorClient(SNSClient).send(
      new CreateTopicCommand({ Name: 'rootguard-root-activity' }),
    );
    const queueUrl = await queueSubscribedTo(TopicArn);

    const clientFactory = emulatorClientFactory(EMULATOR_REGION);
    const ssm = mockClient(clientFactory.client(SSMClient));
    ssm
      .on(GetAutomationExecutionCommand, { AutomationExecutionId: EXECUTION_ID })
      .resolves({ AutomationExecution: executionRecord() });
    givenDeployedDocuments(ssm);
    const handler = createOpenWindowHandler({
      config: {
        breakGlassTable: TABLE,
        alertTopicArn: TopicArn,
        documentName: DOCUMENT_NAME,
        region: EMULATOR_REGION,
      },
      clientFactory,
      now: () => new Date(APPROVED_AT.getTime() + 3_000),
      metrics,
    });
    return { dynamodb, handler, queueUrl, clientFactory };
  }

  it('records the window where queryWindows finds it, and announces it on the alert topic', async () => {
    const { dynamodb, handler, queueUrl } = await breakGlassStack();

    const result = await handler(stepPayload());

    expect(result).toMatchObject({
      windowId: EXECUTION_ID,
      startsAt: APPROVED_AT.toISOString(),
      endsAt: ENDS_AT,
      created: true,
    });
    const windows = await queryWindows(dynamodb, TABLE, MEMBER_ACCOUNT, {
      from: '2026-11-20T00:00:00.000Z',
      to: '2026-11-20T23:59:59.000Z',
    });
    expect(windows).toEqual([RECORDED_WINDOW]);
    // What the alert handler and the idle rule decide with: covered inside, not at the end (exclusive).
    expect(windowCovering(windows, MEMBER_ACCOUNT, '2026-11-20T09:15:01Z')?.ticketId).toBe(TICKET_ID);
    expect(windowCovering(windows, MEMBER_ACCOUNT, ENDS_AT)).toBeUndefined();

    const { Messages } = await emulatorClient(SQSClient).send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages).toHaveLength(1);
    const envelope = JSON.parse(Messages?.[0]?.Body ?? '{}') as { Subject?: string; Message?: string };
    expect(envelope.Subject).toBe(
      `[rootguard] Break-glass window open in ${MEMBER_ACCOUNT} until ${ENDS_AT}`,
    );
    expect(envelope.Message).toContain(`Ticket:            ${TICKET_ID}`);
  });

  it('keeps one window and sends one notice when the step runs twice', async () => {
    const { dynamodb, handler, queueUrl } = await breakGlassStack();

    const first = await handler(stepPayload());
    const second = await handler(stepPayload());

    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    const { Items } = await dynamodb.send(new ScanCommand({ TableName: TABLE }));
    expect(Items).toHaveLength(1);
    expect(Number(Items?.[0]?.expiresAt?.N)).toBe(Date.parse(ENDS_AT) / 1000 + 400 * 86_400);
    const { Messages } = await emulatorClient(SQSClient).send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages).toHaveLength(1);
  });

  it('fails with a typed error naming dynamodb:Query when the table does not exist', async () => {
    const { clientFactory } = await breakGlassStack();
    const withoutTable = createOpenWindowHandler({
      config: {
        breakGlassTable: 'no-such-table',
        alertTopicArn: undefined,
        documentName: DOCUMENT_NAME,
        region: EMULATOR_REGION,
      },
      clientFactory,
      metrics,
    });

    await expect(withoutTable(stepPayload())).rejects.toThrow(
      /Failed calling dynamodb:Query in account 222222222222 \(ResourceNotFoundException/,
    );
  });
});

/**
 * The SDK mocks of the alert and findings Lambdas (aws-sdk-client-mock, at Client#send), with the answers of a
 * healthy account. Call `reset()` in `beforeEach`: every test starts from those answers.
 */
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

/** Security Hub accepting every import and workflow update. */
export function securityHubMock() {
  const hub = mockClient(SecurityHubClient);
  return {
    hub,
    reset() {
      hub.reset();
      hub.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
      hub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    },
  };
}

/** What the alert Lambda calls: SNS, SQS, Security Hub and the break-glass table (no window recorded). */
export function alertSdkMocks() {
  const { hub, reset: resetHub } = securityHubMock();
  const sns = mockClient(SNSClient);
  const sqs = mockClient(SQSClient);
  const dynamo = mockClient(DynamoDBDocumentClient);
  return {
    sns,
    sqs,
    hub,
    dynamo,
    reset() {
      resetHub();
      for (const mock of [sns, sqs, dynamo]) mock.reset();
      sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
      sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
      dynamo.on(QueryCommand).resolves({ Items: [] });
    },
  };
}

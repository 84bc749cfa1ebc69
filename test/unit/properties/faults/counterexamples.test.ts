/**
 * Shrunk counterexamples of the fault sweeps (issue 16, part 3), kept as named tests: a page token that
 * repeats was followed for ever by these two reads (the Lambda would re-read one page until it timed out).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient, ListVirtualMFADevicesCommand } from '@aws-sdk/client-iam';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { queryWindows } from '../../../../lib/break-glass-store';
import { RepeatedPageTokenError } from '../../../../lib/errors';
import { listRootVirtualMfaDevices } from '../../../../lib/iam-root';
import { MEMBER_ACCOUNT, REGION } from '../../../helpers/constants';
import { useMockedClient, useSdkMocks } from '../../../helpers/sdk-mocks';

const { client: iam, mock: iamMock } = useMockedClient(IAMClient, REGION);
const dynamodb = new DynamoDBClient({ region: REGION });
const { doc } = useSdkMocks({ doc: DynamoDBDocumentClient });

describe('a repeating page token', () => {
  it('iam:ListVirtualMFADevices handing back the same Marker is refused, not followed for ever', async () => {
    // Prepare
    iamMock
      .on(ListVirtualMFADevicesCommand)
      .resolves({ VirtualMFADevices: [], IsTruncated: true, Marker: 'again' });

    // Act
    const reading = listRootVirtualMfaDevices(iam, 'aws', MEMBER_ACCOUNT);

    // Assess
    await expect(reading).rejects.toThrow(RepeatedPageTokenError);
    expect(iamMock).toHaveReceivedCommandTimes(ListVirtualMFADevicesCommand, 2);
  });

  it('dynamodb:Query handing back the same LastEvaluatedKey is refused, not followed for ever', async () => {
    // Prepare
    doc.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: { accountId: MEMBER_ACCOUNT, sk: 'same' } });

    // Act
    const reading = queryWindows(dynamodb, 'rootguard-break-glass', MEMBER_ACCOUNT, {
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-20T00:00:00Z',
    });

    // Assess
    await expect(reading).rejects.toThrow(RepeatedPageTokenError);
    expect(doc).toHaveReceivedCommandTimes(QueryCommand, 2);
  });
});

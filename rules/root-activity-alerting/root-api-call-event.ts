/**
 * The real-shaped root API calls that root-activity-alerting tests every EventBridge rule of every Region
 * against: one that changes something (ec2:RunInstances) and one read-only call (ec2:DescribeInstances), as
 * EventBridge delivers them to the default bus of the Region they were made in. A rule counts for a Region
 * only if its pattern matches both, so a pattern that drops read-only calls does not count. They mirror
 * test/events/root-api-call-ap-southeast-2.json and root-api-call-eu-west-1.json; a unit test keeps them in
 * step.
 *
 * Pure data: no clock, no SDK. The fixed ids, times and addresses never decide a verdict for a sensible
 * pattern, but they are realistic so that a pattern filtering on them behaves as it would in AWS.
 */
import { type Partition, rootUserArn } from '../../lib/partition';

const DNS_SUFFIX: Record<Partition, string> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
};

export interface RootApiCallEventOptions {
  accountId: string;
  partition: Partition;
  /** The Region the call was made in, which is where EventBridge delivers it. */
  region: string;
}

/** What differs between the two calls. */
interface CallShape {
  id: string;
  time: string;
  eventTime: string;
  eventName: string;
  eventID: string;
  requestID: string;
  readOnly: boolean;
  requestParameters: unknown;
  responseElements: (accountId: string) => unknown;
}

const WRITE: CallShape = {
  id: '3f4a5b6c-7d8e-4f9a-0b1c-2d3e4f5a6b7c',
  time: '2026-11-20T09:30:12Z',
  eventTime: '2026-11-20T09:30:11Z',
  eventName: 'RunInstances',
  eventID: '5c6d7e8f-9a0b-4c1d-2e3f-4a5b6c7d8e9f',
  requestID: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  readOnly: false,
  requestParameters: {
    instancesSet: { items: [{ imageId: 'ami-0abcdef1234567890', minCount: 4, maxCount: 4 }] },
    instanceType: 'p5.48xlarge',
  },
  responseElements: (accountId) => ({
    requestId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    reservationId: 'r-0123456789abcdef0',
    ownerId: accountId,
  }),
};

const READ_ONLY: CallShape = {
  id: '6a7b8c9d-0e1f-4a2b-3c4d-5e6f7a8b9c0d',
  time: '2026-11-20T09:28:40Z',
  eventTime: '2026-11-20T09:28:39Z',
  eventName: 'DescribeInstances',
  eventID: '8e9f0a1b-2c3d-4e4f-5a6b-7c8d9e0f1a2b',
  requestID: 'd4e5f6a7-b8c9-4d0e-1f2a-3b4c5d6e7f8a',
  readOnly: true,
  requestParameters: { instancesSet: {}, filterSet: {} },
  responseElements: () => null,
};

function rootEc2Call(shape: CallShape, { accountId, partition, region }: RootApiCallEventOptions) {
  return {
    version: '0',
    id: shape.id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: accountId,
    time: shape.time,
    region,
    resources: [],
    detail: {
      eventVersion: '1.10',
      userIdentity: {
        type: 'Root',
        principalId: accountId,
        arn: rootUserArn(partition, accountId),
        accountId,
        accessKeyId: 'ASIAEXAMPLEROOTSESS2',
        sessionContext: {
          sessionIssuer: {},
          webIdFederationData: {},
          attributes: { creationDate: '2026-11-20T09:15:01Z', mfaAuthenticated: 'true' },
        },
      },
      eventTime: shape.eventTime,
      eventSource: 'ec2.amazonaws.com',
      eventName: shape.eventName,
      awsRegion: region,
      sourceIPAddress: '198.51.100.23',
      userAgent: 'AWS Internal',
      requestParameters: shape.requestParameters,
      responseElements: shape.responseElements(accountId),
      requestID: shape.requestID,
      eventID: shape.eventID,
      readOnly: shape.readOnly,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: accountId,
      eventCategory: 'Management',
      sessionCredentialFromConsole: 'true',
      tlsDetails: {
        tlsVersion: 'TLSv1.3',
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        clientProvidedHostHeader: `ec2.${region}.${DNS_SUFFIX[partition]}`,
      },
    },
  };
}

/** A root call that changes something: ec2:RunInstances in the given Region. */
export const rootApiCallEvent = (options: RootApiCallEventOptions) => rootEc2Call(WRITE, options);

/** A read-only root call (readOnly: true): ec2:DescribeInstances in the given Region. */
export const rootReadOnlyApiCallEvent = (options: RootApiCallEventOptions) => rootEc2Call(READ_ONLY, options);

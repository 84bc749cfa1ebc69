/**
 * The real-shaped root console sign-in that root-activity-alerting tests every EventBridge rule against:
 * the event EventBridge delivers to the default bus (detail-type "AWS Console Sign In via CloudTrail",
 * source aws.signin, detail = the CloudTrail record), for a given account, partition and region. It mirrors
 * test/events/root-console-signin-success.json; a unit test keeps the two in step.
 *
 * Pure data: no clock, no SDK. The fixed ids, times and addresses never decide a verdict for a sensible
 * pattern, but they are realistic so that a pattern filtering on them behaves as it would in AWS.
 */
import { type Partition, rootUserArn } from '../../lib/partition';

/**
 * Where each partition signs root in: the global-service Region whose default event bus receives root console
 * sign-ins (and whose CloudTrail records them), and the console and sign-in hosts the record names.
 */
const SIGN_IN: Record<Partition, { region: string; console: string; signin: string }> = {
  aws: { region: 'us-east-1', console: 'console.aws.amazon.com', signin: 'signin.aws.amazon.com' },
  'aws-cn': { region: 'cn-north-1', console: 'console.amazonaws.cn', signin: 'signin.amazonaws.cn' },
  'aws-us-gov': {
    region: 'us-gov-west-1',
    console: 'console.amazonaws-us-gov.com',
    signin: 'signin.amazonaws-us-gov.com',
  },
};

/** The Region whose default event bus receives root console sign-ins of `partition` (see SIGN_IN). */
export function rootSignInRegion(partition: Partition): string {
  return SIGN_IN[partition].region;
}

export interface RootSignInEventOptions {
  accountId: string;
  partition: Partition;
  /** The Region the event is delivered in; see rootSignInRegion. */
  region: string;
}

/** A successful root console sign-in with MFA, as EventBridge delivers it. */
export function rootConsoleSignInEvent({ accountId, partition, region }: RootSignInEventOptions) {
  const hosts = SIGN_IN[partition];
  return {
    version: '0',
    id: '6f87d04b-9f74-4f04-a780-7acf4b0a9b38',
    'detail-type': 'AWS Console Sign In via CloudTrail',
    source: 'aws.signin',
    account: accountId,
    time: '2026-11-20T09:15:02Z',
    region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'Root',
        principalId: accountId,
        arn: rootUserArn(partition, accountId),
        accountId,
        accessKeyId: '',
      },
      eventTime: '2026-11-20T09:15:01Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      awsRegion: region,
      sourceIPAddress: '198.51.100.23',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0',
      requestParameters: null,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: {
        LoginTo: `https://${hosts.console}/console/home?state=hashArgs%23&isauthcode=true`,
        MobileVersion: 'No',
        MFAIdentifier: `arn:${partition}:iam::${accountId}:u2f/root/primary-key-ABCDEFGHIJKLMNOP`,
        MFAUsed: 'Yes',
      },
      eventID: '3d1e2f4a-8b6c-4d2e-9f10-a1b2c3d4e5f6',
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      managementEvent: true,
      recipientAccountId: accountId,
      eventCategory: 'Management',
      tlsDetails: {
        tlsVersion: 'TLSv1.3',
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        clientProvidedHostHeader: hosts.signin,
      },
    },
  };
}

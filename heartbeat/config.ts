/**
 * The heartbeat Lambdas' wiring from the environment (serverless.yml): the table, the alert topic, and the
 * organization snapshot every rule reads. A missing setting fails the cold start, naming it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { ClientFactory } from '../lib/clients';
import type { OrgSnapshotReader } from '../lib/org-snapshot-store';
import { orgSnapshotReaderFromEnv } from '../lib/org-snapshot-store';
import { InvalidHeartbeatConfigError } from './errors';
import { HeartbeatStore } from './store';

export interface HeartbeatWiring {
  store: HeartbeatStore;
  orgSnapshot: OrgSnapshotReader;
  sns: SNSClient;
  alertTopicArn: string | undefined;
}

export function heartbeatWiringFromEnv(env: NodeJS.ProcessEnv = process.env): HeartbeatWiring {
  const table = env.HEARTBEAT_TABLE?.trim();
  if (!table) throw new InvalidHeartbeatConfigError('HEARTBEAT_TABLE is not set');
  const clients = new ClientFactory({ region: env.AWS_REGION ?? 'us-east-1' });
  const orgSnapshot = orgSnapshotReaderFromEnv(clients);
  if (!orgSnapshot) throw new InvalidHeartbeatConfigError('ORG_SNAPSHOT_BUCKET is not set');
  return {
    store: new HeartbeatStore(clients.client(DynamoDBClient), table),
    orgSnapshot,
    sns: clients.client(SNSClient),
    alertTopicArn: env.ALERT_TOPIC_ARN?.trim() || undefined,
  };
}

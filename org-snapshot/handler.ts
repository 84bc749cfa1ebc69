/**
 * The organization snapshot builder: the one writer of the snapshot every rule container reads
 * (lib/org-snapshot.ts, lib/org-snapshot-store.ts). Invoked by
 *
 *   - a schedule (EventBridge `rate(1 hour)`): keeps the snapshot younger than the readers' maximum age;
 *   - Organizations changes (source aws.organizations, CloudTrail eventName in ORG_CHANGE_EVENTS, from the
 *     management account's us-east-1 bus): an SCP attached or moved is seen within minutes, not hours;
 *   - readers (async invoke, source rootguard.org-snapshot) whose snapshot is missing, stale or lacks an
 *     account they were asked about.
 *
 *   validate (zod) ─unknown shape─▶ InvalidEventError (typed; the issues name fields, never values)
 *     │
 *   requestedAt = the event's time (the reader's request time; the invocation time when there is none)
 *     │
 *   rebuildOrgSnapshot: take the lease ─held─▶ OrgSnapshotLeaseHeldError, thrown so Lambda's async retry
 *     │                                          asks again once the other build is done
 *     ├─ stored snapshot built at or after requestedAt ─▶ nothing to do ({status: 'current'})
 *     └─ build (Organizations and iam:ListOrganizationsFeatures, own role or ORG_READ_ROLE_ARN) ─▶ PutObject
 *                                                                              ─▶ release the lease
 *   metrics: OrgSnapshotBuilds, OrgSnapshotBuildFailures, OrganizationsCalls
 */
import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { ClientFactory } from '../lib/clients';
import { OrgSnapshotLeaseHeldError, RootGuardError } from '../lib/errors';
import { InvalidEventError, parseEvent } from '../lib/event-validation';
import { lazyHandler } from '../lib/lazy-handler';
import { metrics as defaultMetrics, logger } from '../lib/logger';
import { buildOrgSnapshot } from '../lib/org-snapshot';
import { DynamoDbSnapshotLease, type SnapshotLease } from '../lib/org-snapshot-lease';
import {
  DEFAULT_SNAPSHOT_KEY,
  REBUILD_REQUEST_SOURCE,
  rebuildOrgSnapshot,
  S3SnapshotStore,
  type SnapshotStore,
} from '../lib/org-snapshot-store';

/** CloudTrail events of Organizations that change what a snapshot holds (SCPs, the tree, membership). */
export const ORG_CHANGE_EVENTS = [
  'AttachPolicy',
  'DetachPolicy',
  'UpdatePolicy',
  'DeletePolicy',
  'MoveAccount',
  'CreateAccountResult',
  'InviteAccountToOrganization',
  'AcceptHandshake',
  'RemoveAccountFromOrganization',
  'CreateOrganizationalUnit',
  'DeleteOrganizationalUnit',
] as const;

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 time');

const builderEventSchema = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('aws.events'),
    'detail-type': z.literal('Scheduled Event'),
    time: isoTime.optional(),
  }),
  z.object({
    source: z.literal('aws.organizations'),
    // API calls arrive as "AWS API Call via CloudTrail"; CreateAccountResult as "AWS Service Event via CloudTrail".
    'detail-type': z.enum(['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail']),
    time: isoTime.optional(),
    detail: z.object({ eventName: z.enum(ORG_CHANGE_EVENTS) }),
  }),
  z.object({
    source: z.literal(REBUILD_REQUEST_SOURCE),
    requestedAt: isoTime,
    reason: z.string().optional(),
  }),
]);
export type BuilderEvent = z.infer<typeof builderEventSchema>;

/** The builder's environment is incomplete or wrong. */
export class OrgSnapshotBuilderConfigError extends RootGuardError {}

type MetricUnitValue = (typeof MetricUnit)[keyof typeof MetricUnit];

export interface BuilderMetrics {
  addMetric(name: string, unit: MetricUnitValue, value: number): unknown;
  publishStoredMetrics(): unknown;
}

export interface OrgSnapshotBuilderDeps {
  store: SnapshotStore;
  lease: SnapshotLease;
  /** The Organizations client to read with (the read role's, when one is configured). */
  organizations: () => Promise<OrganizationsClient>;
  /**
   * The IAM client for centralized root access (iam:ListOrganizationsFeatures), with the same credentials. Without
   * one the snapshot records no features; builderDepsFromEnv always gives one.
   */
  iam?: () => Promise<IAMClient>;
  now?: () => Date;
  metrics?: BuilderMetrics;
}

export type OrgSnapshotBuilderResult =
  | { status: 'built'; builtAt: string; accounts: number; organizationsCalls: number }
  /** The stored snapshot was already built at or after the request. */
  | { status: 'current'; builtAt: string; organizationsCalls: number };

export type OrgSnapshotBuilderHandler = (
  event: unknown,
  context?: Partial<Context>,
) => Promise<OrgSnapshotBuilderResult>;

/** When the event asks for a snapshot from: its own time, else now. */
export function requestedAtOf(event: BuilderEvent, now: Date): string {
  const at = event.source === REBUILD_REQUEST_SOURCE ? event.requestedAt : event.time;
  return new Date(at ?? now).toISOString();
}

export function createOrgSnapshotBuilder(deps: OrgSnapshotBuilderDeps): OrgSnapshotBuilderHandler {
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? defaultMetrics;
  return async (event, context) => {
    const parsed = parseEvent(
      builderEventSchema,
      event,
      (where, issues) => new InvalidEventError(`Not an organization snapshot trigger: ${where}`, { issues }),
    );
    if (!parsed.ok) {
      logger.error('Organization snapshot trigger has an unknown shape', { issues: parsed.error.issues });
      throw parsed.error;
    }
    const requestedAt = requestedAtOf(parsed.event, now());
    const trigger =
      parsed.event.source === 'aws.organizations' ? parsed.event.detail.eventName : parsed.event.source;
    const counter = { calls: 0 };
    try {
      const result = await rebuildOrgSnapshot({
        store: deps.store,
        lease: deps.lease,
        owner: context?.awsRequestId ?? randomUUID(),
        requestedAt,
        now,
        build: async () =>
          buildOrgSnapshot(await deps.organizations(), {
            now,
            counter,
            ...(deps.iam ? { iam: await deps.iam() } : {}),
          }),
      });
      metrics.addMetric('OrganizationsCalls', MetricUnit.Count, counter.calls);
      if (result.status === 'current') {
        logger.info('Organization snapshot already current', {
          trigger,
          requestedAt,
          builtAt: result.builtAt,
        });
        return { status: 'current', builtAt: result.builtAt, organizationsCalls: 0 };
      }
      const accounts = Object.keys(result.snapshot.accounts).length;
      metrics.addMetric('OrgSnapshotBuilds', MetricUnit.Count, 1);
      logger.info('Organization snapshot built', {
        trigger,
        requestedAt,
        builtAt: result.snapshot.builtAt,
        accounts,
        organizationsCalls: counter.calls,
      });
      return {
        status: 'built',
        builtAt: result.snapshot.builtAt,
        accounts,
        organizationsCalls: counter.calls,
      };
    } catch (error) {
      metrics.addMetric('OrganizationsCalls', MetricUnit.Count, counter.calls);
      if (error instanceof OrgSnapshotLeaseHeldError) {
        // Not a failure: another build is under way; the async retry finds its result current.
        logger.info('Another builder holds the snapshot lease; leaving it to Lambda to retry', { trigger });
      } else {
        metrics.addMetric('OrgSnapshotBuildFailures', MetricUnit.Count, 1);
        logger.error('Organization snapshot build failed', { trigger, error: error as Error });
      }
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** The builder's dependencies from its environment; throws OrgSnapshotBuilderConfigError for what is missing. */
export function builderDepsFromEnv(env: NodeJS.ProcessEnv = process.env): OrgSnapshotBuilderDeps {
  const required = (name: string) => {
    const value = env[name]?.trim();
    if (!value) throw new OrgSnapshotBuilderConfigError(`${name} is not set`);
    return value;
  };
  const bucket = required('ORG_SNAPSHOT_BUCKET');
  const table = required('ORG_SNAPSHOT_LEASE_TABLE');
  const clients = new ClientFactory({ region: env.AWS_REGION ?? 'us-east-1' });
  const roleArn = env.ORG_READ_ROLE_ARN?.trim() || undefined;
  // The session is cached by the factory, so both clients share one AssumeRole.
  const credentials = async () =>
    roleArn ? await clients.assumeRole(roleArn, 'rootguard-org-snapshot') : undefined;
  return {
    store: new S3SnapshotStore(
      clients.client(S3Client),
      bucket,
      env.ORG_SNAPSHOT_KEY?.trim() || DEFAULT_SNAPSHOT_KEY,
    ),
    lease: new DynamoDbSnapshotLease(clients.client(DynamoDBClient), table),
    organizations: async () => clients.client(OrganizationsClient, { credentials: await credentials() }),
    iam: async () => clients.client(IAMClient, { credentials: await credentials() }),
  };
}

/** The Lambda entry point: dependencies read from the environment on first use, then reused while warm. */
export const handler: OrgSnapshotBuilderHandler = lazyHandler(() =>
  createOrgSnapshotBuilder(builderDepsFromEnv()),
);

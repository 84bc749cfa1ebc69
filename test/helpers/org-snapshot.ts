/**
 * Organization snapshots for tests (lib/org-snapshot.ts), and the one way a rule test gives the rule handler's
 * membership guard an organization: `useOrgSnapshot({ members })` stores a snapshot in a mocked S3 object
 * (ORG_SNAPSHOT_BUCKET set, GetObject mocked at the SDK boundary and reset before each test), or
 * `staticOrgSnapshotReader` injects one through RuleHandlerOptions.orgSnapshotReader.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { OrgSnapshotLeaseHeldError } from '../../lib/errors';
import type { OrgSnapshot } from '../../lib/org-snapshot';
import { DynamoDbSnapshotLease, type SnapshotLease } from '../../lib/org-snapshot-lease';
import {
  clearOrgSnapshotCache,
  type OrgSnapshotReader,
  REBUILD_REQUEST_SOURCE,
  type RequestRebuild,
  S3SnapshotStore,
  type SnapshotStore,
} from '../../lib/org-snapshot-store';
import type { OrganizationFacts, PolicyFacts } from '../../lib/org-tree';
import {
  ROOT_CREDENTIALS_MANAGEMENT,
  ROOT_SESSIONS,
  type RootAccessFeatures,
} from '../../lib/root-access-features';
import { createOrgSnapshotBuilder } from '../../org-snapshot/handler';
import { MANAGEMENT_ACCOUNT, ORG_ID, ORG_ROOT_ID } from './constants';
import { createEmulatedTable, emulatorClient } from './emulator';

export const SNAPSHOT_BUCKET = 'rootguard-org-snapshot-test';
export const SNAPSHOT_KEY = 'org-snapshot/v1.json';
export const BUILDER_FUNCTION = 'rootguard-org-snapshot-builder';

export const SNAPSHOT_ORGANIZATION: OrganizationFacts = {
  id: ORG_ID,
  managementAccountId: MANAGEMENT_ACCOUNT,
  featureSet: 'ALL',
  scpEnabled: true,
};

export interface SnapshotOptions {
  /** Member accounts directly under the root (the management account is always a member). */
  members?: readonly string[];
  organization?: OrganizationFacts | null;
  builtAt?: string;
  /** Accounts by parent (OU id or root), added to `members`. */
  accountsIn?: Record<string, readonly string[]>;
  /** OU id → parent id. */
  ous?: Record<string, string>;
  /** Policies attached to targets (account, OU or root ids), in order. */
  attached?: Array<{ policy: PolicyFacts; targets: readonly string[] }>;
  /** Centralized root access as the builder recorded it; absent: a snapshot from before it was read. */
  rootAccessFeatures?: RootAccessFeatures;
}

/** Both centralized root access features enabled, as the builder records them. */
export const CENTRALIZED_ROOT_ACCESS: RootAccessFeatures = {
  status: 'READ',
  enabledFeatures: [ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS],
};

/** A snapshot (version 1) of an organization rooted at ORG_ROOT_ID, built at `builtAt` (default: now). */
export function orgSnapshotFixture(options: SnapshotOptions = {}): OrgSnapshot {
  const organization = options.organization === undefined ? SNAPSHOT_ORGANIZATION : options.organization;
  const accounts: OrgSnapshot['accounts'] = {};
  if (organization) {
    accounts[organization.managementAccountId] = { parentId: ORG_ROOT_ID };
    for (const id of options.members ?? []) accounts[id] = { parentId: ORG_ROOT_ID };
    for (const [parentId, ids] of Object.entries(options.accountsIn ?? {})) {
      for (const id of ids) accounts[id] = { parentId };
    }
  }
  return {
    version: 1,
    builtAt: options.builtAt ?? new Date().toISOString(),
    organization,
    rootId: organization ? ORG_ROOT_ID : null,
    accounts,
    ous: Object.fromEntries(Object.entries(options.ous ?? {}).map(([id, parentId]) => [id, { parentId }])),
    policies: Object.fromEntries(
      (options.attached ?? []).map(({ policy, targets }) => [
        policy.id,
        { name: policy.name, content: policy.content, targets: [...targets] },
      ]),
    ),
    ...(options.rootAccessFeatures ? { rootAccessFeatures: options.rootAccessFeatures } : {}),
  };
}

/** A reader that always answers `snapshot` and counts its reads. */
export function staticOrgSnapshotReader(snapshot: OrgSnapshot): OrgSnapshotReader & { reads: number } {
  const reader = {
    reads: 0,
    read: async () => {
      reader.reads++;
      return snapshot;
    },
  };
  return reader;
}

/** What a mocked S3 GetObject answers for `text` (the store reads Body.transformToString()). */
export function s3Object(text: string) {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's streaming Body type; the store only reads the text.
  return { Body: { transformToString: async () => text } as any };
}

/** For collect contexts of rules that never read the organization snapshot. */
export const unusedOrgSnapshot = (): Promise<OrgSnapshot> =>
  Promise.reject(new Error('test: this rule does not read the organization snapshot'));

/**
 * Stores a snapshot in a mocked S3 object for the rule handlers' membership guard, before each test of the
 * calling file (built fresh each time so its age is zero). `set` replaces it within one test.
 */
export function useOrgSnapshot(options: SnapshotOptions | (() => OrgSnapshot)) {
  const s3Mock = mockClient(S3Client);
  const state = { snapshot: undefined as OrgSnapshot | undefined };
  const set = (snapshot: OrgSnapshot) => {
    state.snapshot = snapshot;
    s3Mock.on(GetObjectCommand).resolves(s3Object(JSON.stringify(snapshot)));
  };
  beforeEach(() => {
    process.env.ORG_SNAPSHOT_BUCKET = SNAPSHOT_BUCKET;
    clearOrgSnapshotCache();
    s3Mock.reset();
    set(typeof options === 'function' ? options() : orgSnapshotFixture(options));
  });
  afterAll(() => {
    delete process.env.ORG_SNAPSHOT_BUCKET;
    clearOrgSnapshotCache();
    s3Mock.restore();
  });
  return {
    s3Mock,
    set,
    get snapshot(): OrgSnapshot {
      if (!state.snapshot) throw new Error('test: useOrgSnapshot has not stored a snapshot yet');
      return state.snapshot;
    },
  };
}

/** A snapshot store in memory; counts gets and puts. */
export class MemorySnapshotStore implements SnapshotStore {
  gets = 0;
  puts = 0;
  constructor(public stored: OrgSnapshot | undefined = undefined) {}

  async get(): Promise<OrgSnapshot | undefined> {
    this.gets++;
    return this.stored;
  }

  async put(snapshot: OrgSnapshot): Promise<void> {
    this.puts++;
    this.stored = snapshot;
  }
}

/** The lease item's conditions, in memory: free or expired to acquire, released by its owner only. */
export class MemoryLease implements SnapshotLease {
  holder: { owner: string; expiresAt: number } | undefined;
  constructor(private readonly ttlMs = 15 * 60_000) {}

  async acquire(owner: string, now: Date): Promise<boolean> {
    if (this.holder && this.holder.expiresAt >= now.getTime()) return false;
    this.holder = { owner, expiresAt: now.getTime() + this.ttlMs };
    return true;
  }

  async release(owner: string): Promise<boolean> {
    if (this.holder?.owner !== owner) return false;
    this.holder = undefined;
    return true;
  }
}

export interface InProcessBuilder {
  /** Stands in for the reader's async invoke: starts the builder handler and returns at once. */
  trigger: RequestRebuild;
  /** Resolves once every triggered run, and its retries, has ended. */
  settled(): Promise<void>;
  /** Runs that built and stored a snapshot, and the Organizations calls they made. */
  builds: number;
  organizationsCalls: number;
  /** Runs refused by the lease (each retried like Lambda's async retry, up to `retries` times). */
  leaseHeld: number;
  failures: unknown[];
}

/**
 * The builder Lambda (org-snapshot/handler.ts) run in this process for every rebuild request, the way Lambda
 * runs an asynchronous invoke: the caller does not wait, and a run that finds the lease held is retried
 * after a delay (Lambda retries twice, after about one and two minutes; `retryDelayMs` scales that down).
 */
export function inProcessBuilder(options: {
  store: SnapshotStore;
  lease: SnapshotLease;
  organizations: OrganizationsClient;
  retries?: number;
  retryDelayMs?: number;
}): InProcessBuilder {
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const handler = createOrgSnapshotBuilder({
    store: options.store,
    lease: options.lease,
    organizations: async () => options.organizations,
    metrics: { addMetric: () => undefined, publishStoredMetrics: () => undefined },
  });
  const pending = new Set<Promise<void>>();
  let runs = 0;
  const builder: InProcessBuilder = {
    builds: 0,
    organizationsCalls: 0,
    leaseHeld: 0,
    failures: [],
    trigger: async (requestedAt, reason) => {
      const run = async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            const result = await handler(
              { source: REBUILD_REQUEST_SOURCE, requestedAt, reason },
              { awsRequestId: `in-process-${++runs}` },
            );
            builder.organizationsCalls += result.organizationsCalls;
            if (result.status === 'built') builder.builds++;
            return;
          } catch (error) {
            if (!(error instanceof OrgSnapshotLeaseHeldError)) {
              builder.failures.push(error);
              return;
            }
            builder.leaseHeld++;
            if (attempt >= retries) return;
            await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** attempt));
          }
        }
      };
      const running = run();
      pending.add(running);
      void running.finally(() => pending.delete(running));
    },
    settled: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
  return builder;
}

export const LEASE_TABLE = 'rootguard-org-snapshot-lease';

/**
 * The snapshot's shared store on moto_server: the S3 bucket and the DynamoDB lease table (key schema as
 * deployed: partition key `pk`, a string), created here. `lease()` is a fresh lease client, as each builder has.
 */
export async function emulatedSnapshotStore(bucket = SNAPSHOT_BUCKET, table = LEASE_TABLE) {
  const s3 = emulatorClient(S3Client);
  const dynamodb = emulatorClient(DynamoDBClient);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await createEmulatedTable(dynamodb, table, 'pk');
  return {
    store: new S3SnapshotStore(s3, bucket, SNAPSHOT_KEY),
    lease: () => new DynamoDbSnapshotLease(dynamodb, table),
    /** Deletes the snapshot object: the next reader finds none. */
    clear: () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: SNAPSHOT_KEY })),
  };
}

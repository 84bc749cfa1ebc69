/**
 * The one store of the organization snapshot (lib/org-snapshot.ts) every container reads, and the lease
 * that keeps its writers to one.
 *
 *   S3 object s3://ORG_SNAPSHOT_BUCKET/ORG_SNAPSHOT_KEY (JSON, validated on read: malformed is an error)
 *     ▲ PutObject                                   │ GetObject
 *   builder Lambda (org-snapshot/handler.ts)       readers (every rule container)
 *     holds the DynamoDB lease while it builds       keep the snapshot in memory until it is older than
 *     (conditional put; released by owner only)      ORG_SNAPSHOT_MAX_AGE_MINUTES; when it is missing or
 *                                                    stale, or lacks an account it was asked about while
 *                                                    older than 15 minutes, they invoke the builder
 *                                                    (async, once per container per minute) and poll the
 *                                                    object for up to ORG_SNAPSHOT_WAIT_SECONDS
 *
 * A reader never builds: 5,000 containers each reading Organizations is what the snapshot replaces. When no
 * fresh snapshot arrives in time the read fails with OrgSnapshotUnavailableError and the evaluation fails with
 * it (Config keeps its last result); it is never COMPLIANT by default.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ClientFactory } from './clients';
import {
  awsCall,
  CollectError,
  errorMessage,
  errorName,
  MalformedOrgSnapshotError,
  OrgSnapshotLeaseHeldError,
  OrgSnapshotUnavailableError,
  toCollectError,
} from './errors';
import { logger } from './logger';
import { isOrganizationMember, type OrgSnapshot, parseOrgSnapshot } from './org-snapshot';
import type { SnapshotLease } from './org-snapshot-lease';

export const DEFAULT_SNAPSHOT_KEY = 'org-snapshot/v1.json';
export const DEFAULT_MAX_AGE_MINUTES = 180;
export const DEFAULT_WAIT_SECONDS = 25;
/** An account missing from a snapshot younger than this is taken as not a member; older, a refresh is asked. */
export const UNKNOWN_ACCOUNT_REFRESH_AGE_MS = 15 * 60_000;
/** A container asks for a rebuild at most this often. */
export const REBUILD_REQUEST_INTERVAL_MS = 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** What a reader's async invoke of the builder carries (org-snapshot/handler.ts validates it). */
export const REBUILD_REQUEST_SOURCE = 'rootguard.org-snapshot';

// ---- The S3 object --------------------------------------------------------------------------------------

export interface SnapshotStore {
  /** The stored snapshot, or undefined when there is none yet. A malformed object is an error. */
  get(): Promise<OrgSnapshot | undefined>;
  put(snapshot: OrgSnapshot): Promise<void>;
}

const MISSING_OBJECT = new Set(['NoSuchKey', 'NotFound']);

export class S3SnapshotStore implements SnapshotStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly key: string,
  ) {}

  get location(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  async get(): Promise<OrgSnapshot | undefined> {
    const action = 's3:GetObject';
    let text: string | undefined;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      text = await out.Body?.transformToString();
    } catch (error) {
      if (MISSING_OBJECT.has(errorName(error))) return undefined;
      throw toCollectError(error, action);
    }
    if (text === undefined)
      throw new CollectError(`${action} of ${this.location} returned no body`, { action });
    try {
      return parseOrgSnapshot(text);
    } catch (cause) {
      throw new MalformedOrgSnapshotError(`${this.location} is not a valid organization snapshot`, {
        action,
        cause,
      });
    }
  }

  async put(snapshot: OrgSnapshot): Promise<void> {
    await awsCall('s3:PutObject', undefined, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Body: JSON.stringify(snapshot),
          ContentType: 'application/json',
        }),
      ),
    );
  }
}

// ---- The builder's side ---------------------------------------------------------------------------------

export type RebuildResult =
  | { status: 'built'; snapshot: OrgSnapshot }
  /** The stored snapshot was built at or after the request: nothing to do. */
  | { status: 'current'; builtAt: string };

export interface RebuildOptions {
  store: SnapshotStore;
  lease: SnapshotLease;
  build: () => Promise<OrgSnapshot>;
  /** When the rebuild was asked for: a snapshot built since then already answers it. */
  requestedAt: string;
  /** Who holds the lease (the builder's request id). */
  owner: string;
  now?: () => Date;
}

/**
 * Takes the lease, builds and stores a snapshot unless the stored one is already as new as the request, and
 * releases the lease. A lease held by another builder throws OrgSnapshotLeaseHeldError: Lambda's async retry
 * runs the request again later, when the other build has usually made it current.
 */
export async function rebuildOrgSnapshot(options: RebuildOptions): Promise<RebuildResult> {
  const { store, lease, owner } = options;
  const now = options.now ?? (() => new Date());
  if (!(await lease.acquire(owner, now()))) {
    throw new OrgSnapshotLeaseHeldError('Another builder holds the organization snapshot lease');
  }
  try {
    // A malformed object is replaced, not kept: the build below overwrites it.
    const stored = await store.get().catch((error: unknown) => {
      if (error instanceof MalformedOrgSnapshotError) return undefined;
      throw error;
    });
    if (stored && Date.parse(stored.builtAt) >= Date.parse(options.requestedAt)) {
      return { status: 'current', builtAt: stored.builtAt };
    }
    const snapshot = await options.build();
    await store.put(snapshot);
    return { status: 'built', snapshot };
  } finally {
    // The lease expires on its own; a failed release must not hide the build's own outcome.
    await lease.release(owner).then(
      (released) => {
        if (!released)
          logger.warn('The organization snapshot lease was no longer ours to release', { owner });
      },
      (error: unknown) =>
        logger.warn('Could not release the organization snapshot lease', { error: errorMessage(error) }),
    );
  }
}

// ---- The readers' side ----------------------------------------------------------------------------------

export interface OrgSnapshotReader {
  read(opts?: { expectMembers?: readonly string[] }): Promise<OrgSnapshot>;
}

/**
 * Asks the builder for a snapshot built at or after `requestedAt` (a stored one that is already that new
 * answers it); returns once asked, not once built.
 */
export type RequestRebuild = (requestedAt: string, reason: string) => Promise<void>;

export interface CachingReaderOptions {
  store: SnapshotStore & { location?: string };
  requestRebuild: RequestRebuild;
  maxAgeMs?: number;
  waitMs?: number;
  pollMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A reader that keeps the snapshot in memory (one per container: `orgSnapshotReaderFromEnv` hands out the
 * same instance) and goes to the store only when the snapshot is stale or lacks an expected member.
 */
export class CachingOrgSnapshotReader implements OrgSnapshotReader {
  /** Rebuild requests this reader sent (tests and the bench read it). */
  rebuildRequests = 0;
  private snapshot: OrgSnapshot | undefined;
  private inFlight: Promise<OrgSnapshot> | undefined;
  private lastRequestAt = Number.NEGATIVE_INFINITY;
  private readonly maxAgeMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: CachingReaderOptions) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MINUTES * 60_000;
    this.waitMs = options.waitMs ?? DEFAULT_WAIT_SECONDS * 1000;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? defaultSleep;
  }

  async read(opts: { expectMembers?: readonly string[] } = {}): Promise<OrgSnapshot> {
    const expected = opts.expectMembers ?? [];
    const cached = this.snapshot;
    if (cached && this.shortfall(cached, expected) === undefined) return cached;
    // Concurrent reads in one container share one refresh; a reader expecting other members checks again.
    this.inFlight ??= this.refresh(expected).finally(() => {
      this.inFlight = undefined;
    });
    const shared = await this.inFlight;
    return this.shortfall(shared, expected) === undefined ? shared : this.refresh(expected);
  }

  /** Why `snapshot` cannot answer for `expected` now, or undefined when it can. */
  private shortfall(snapshot: OrgSnapshot | undefined, expected: readonly string[]): string | undefined {
    if (!snapshot) return `there is no snapshot at ${this.where}`;
    const age = this.now().getTime() - Date.parse(snapshot.builtAt);
    const minutes = `${Math.floor(age / 60_000)} minutes old`;
    if (age >= this.maxAgeMs) return `the snapshot at ${this.where} is ${minutes}`;
    const unknown = expected.filter((id) => !isOrganizationMember(snapshot, id));
    // A young snapshot that lacks the account is believed: the account is not a member.
    if (unknown.length > 0 && age >= UNKNOWN_ACCOUNT_REFRESH_AGE_MS) {
      return `the snapshot does not list account ${unknown.join(', ')} and is ${minutes}`;
    }
    return undefined;
  }

  private get where(): string {
    return this.options.store.location ?? 'the store';
  }

  private async refresh(expected: readonly string[]): Promise<OrgSnapshot> {
    const seen = await this.options.store.get();
    let reason = this.shortfall(seen, expected);
    if (reason === undefined && seen) return this.keep(seen);

    const now = this.now().getTime();
    // A stale or missing snapshot is answered by any newer build, one already under way included (so a burst
    // of cold containers costs one build); an account missing from an old snapshot needs one built from now on,
    // since the account may have joined after every build so far started.
    const stale = !seen || now - Date.parse(seen.builtAt) >= this.maxAgeMs;
    const wantedFrom = !seen ? 0 : stale ? Date.parse(seen.builtAt) + 1 : now;
    const answers = (s: OrgSnapshot) =>
      this.shortfall(s, expected) === undefined &&
      (Date.parse(s.builtAt) >= wantedFrom || expected.every((id) => isOrganizationMember(s, id)));
    if (now - this.lastRequestAt >= REBUILD_REQUEST_INTERVAL_MS) {
      await this.options.requestRebuild(new Date(wantedFrom).toISOString(), reason ?? 'refresh');
      this.lastRequestAt = now;
      this.rebuildRequests++;
    }
    const deadline = now + this.waitMs;
    while (this.now().getTime() < deadline) {
      await this.sleep(Math.min(this.pollMs, deadline - this.now().getTime()));
      const snapshot = await this.options.store.get();
      if (snapshot && answers(snapshot)) return this.keep(snapshot);
      reason = this.shortfall(snapshot, expected) ?? reason;
    }
    throw new OrgSnapshotUnavailableError(
      `${reason}; a rebuild was requested and no fresh snapshot arrived within ${Math.round(this.waitMs / 1000)} s`,
    );
  }

  private keep(snapshot: OrgSnapshot): OrgSnapshot {
    this.snapshot = snapshot;
    return snapshot;
  }
}

// ---- Wiring from the environment ------------------------------------------------------------------------

export interface OrgSnapshotEnv {
  bucket: string;
  key: string;
  maxAgeMs: number;
  waitMs: number;
  builderFunction: string | undefined;
  region: string;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new OrgSnapshotUnavailableError(`${name}=${JSON.stringify(raw)} is not a positive number`);
  }
  return value;
}

/** The snapshot settings from the environment; undefined when ORG_SNAPSHOT_BUCKET is unset. */
export function orgSnapshotEnv(defaultRegion: string): OrgSnapshotEnv | undefined {
  const bucket = process.env.ORG_SNAPSHOT_BUCKET?.trim();
  if (!bucket) return undefined;
  return {
    bucket,
    key: process.env.ORG_SNAPSHOT_KEY?.trim() || DEFAULT_SNAPSHOT_KEY,
    maxAgeMs: positiveNumber('ORG_SNAPSHOT_MAX_AGE_MINUTES', DEFAULT_MAX_AGE_MINUTES) * 60_000,
    waitMs: positiveNumber('ORG_SNAPSHOT_WAIT_SECONDS', DEFAULT_WAIT_SECONDS) * 1000,
    builderFunction: process.env.ORG_SNAPSHOT_BUILDER_FUNCTION?.trim() || undefined,
    // The store lives in the tooling account's Region, not the evaluated rule's.
    region: process.env.AWS_REGION ?? defaultRegion,
  };
}

/** Invokes the builder Lambda asynchronously (InvocationType Event) with the request time. */
export function lambdaRebuildTrigger(client: LambdaClient, functionName: string | undefined): RequestRebuild {
  return async (requestedAt, reason) => {
    if (!functionName) {
      throw new OrgSnapshotUnavailableError(`${reason}, and ORG_SNAPSHOT_BUILDER_FUNCTION is not set`);
    }
    await awsCall('lambda:InvokeFunction', undefined, () =>
      client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(
            JSON.stringify({ source: REBUILD_REQUEST_SOURCE, requestedAt, reason }),
          ),
        }),
      ),
    );
  };
}

/** One reader per container and configuration: its memory is the container's cache. */
const readers = new Map<string, OrgSnapshotReader>();

export function orgSnapshotReaderFromEnv(clients: ClientFactory): OrgSnapshotReader | undefined {
  const env = orgSnapshotEnv(clients.region);
  if (!env) return undefined;
  const cacheKey = JSON.stringify(env);
  let reader = readers.get(cacheKey);
  if (!reader) {
    reader = new CachingOrgSnapshotReader({
      store: new S3SnapshotStore(clients.client(S3Client, { region: env.region }), env.bucket, env.key),
      requestRebuild: lambdaRebuildTrigger(
        clients.client(LambdaClient, { region: env.region }),
        env.builderFunction,
      ),
      maxAgeMs: env.maxAgeMs,
      waitMs: env.waitMs,
    });
    readers.set(cacheKey, reader);
  }
  return reader;
}

/** Forgets every container-level reader and its snapshot (tests). */
export function clearOrgSnapshotCache(): void {
  readers.clear();
}

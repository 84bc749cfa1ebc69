/**
 * DynamoDB home of root sessions (RootSessionsTable in serverless.yml; session.ts holds the logic). Items:
 *
 * - `pk = <session key>` (session.ts sessionKeyOf): the current session of that key, `{state, version}`;
 * - `pk = archive#<session id>`: a session replaced by a newer one of the same key before its final summary,
 *   so the summary it still owes can read it;
 * - `pk = regions#<account>`: the account's usual Regions (alerts/session-summary/store.ts, the summary
 *   Lambda's reads and writes, kept apart so the alert Lambda's bundle does not carry them).
 *
 * Concurrency: optimistic, on `version`. A write is conditional on the version it read (or on the item not
 * existing), so two Lambda invocations handling events of one session never both act on the same state: the
 * loser reads again and decides again (`mutate`). That is what makes concurrent first events page once.
 * Every item carries `expiresAt` (epoch seconds) for TTL: sessions are operational state, the ledger is the
 * record.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure } from '../../lib/document-client';
import { awsCall, RootGuardError } from '../../lib/errors';
import type { SessionState } from './session';

/** Sessions are kept this long after their last event (long enough for summaries and a first look). */
export const SESSION_RETENTION_DAYS = 7;
/** Attempts of one read-decide-write before giving up (each conflict means another event got there first). */
export const MAX_MUTATE_ATTEMPTS = 8;

export const DAY_S = 86_400;

/** The stored session could not be read back as a session (hand-edited, or another version's shape). */
export class MalformedSessionError extends RootGuardError {}
/** `mutate` lost the race MAX_MUTATE_ATTEMPTS times in a row. */
export class SessionConflictError extends RootGuardError {}

export const archiveKey = (sessionId: string) => `archive#${sessionId}`;
const expiresAt = (state: SessionState) =>
  Math.floor(Date.parse(state.lastEventAt) / 1000) + SESSION_RETENTION_DAYS * DAY_S;

/**
 * The shape check of the alert path: the fields its decisions read have their types. The alert Lambda reads
 * only what it wrote itself, and anything that still throws on a bad item makes the event page on its own
 * (session-paging.ts), so a full validation (session-schema.ts, the summary Lambda's) is not worth its bytes
 * in the alert bundle.
 */
export function looksLikeSession(raw: unknown): SessionState | undefined {
  const s = raw as Partial<Record<keyof SessionState, unknown>> | undefined;
  const ok =
    typeof s === 'object' &&
    s !== null &&
    [s.sessionId, s.sessionKey, s.accountId, s.token, s.startedAt, s.lastEventAt].every(
      (v) => typeof v === 'string',
    ) &&
    [s.eventIds, s.pending, s.sourceIps, s.userAgents, s.notable].every(Array.isArray) &&
    [s.eventCount, s.checkSeq, s.failedSignIns].every((v) => typeof v === 'number') &&
    typeof s.counts === 'object';
  return ok ? (raw as SessionState) : undefined;
}

export class SessionStore {
  readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
    private readonly readState: (raw: unknown) => SessionState | undefined = looksLikeSession,
  ) {
    this.doc = documentClient(client);
  }

  /** The item `pk` as a session, validated; undefined when absent. */
  async getItem(
    pk: string,
    accountId: string,
  ): Promise<{ state: SessionState; version: number } | undefined> {
    const out = await awsCall('dynamodb:GetItem', accountId, () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true })),
    );
    if (!out?.Item) return undefined;
    const state = this.readState(out.Item.state);
    if (!state || typeof out.Item.version !== 'number') {
      throw new MalformedSessionError(`root session item ${pk} in ${this.tableName} is malformed`, {
        accountId,
      });
    }
    return { state, version: out.Item.version };
  }

  /** The current session of a key, if one is stored. */
  async load(sessionKey: string, accountId: string) {
    return this.getItem(sessionKey, accountId);
  }

  /**
   * Writes `state` as version `expected + 1` if the stored version is still `expected` (undefined: if none is
   * stored). False when another writer got there first.
   */
  async save(state: SessionState, expected: number | undefined, archived = false): Promise<boolean> {
    const pk = archived ? archiveKey(state.sessionId) : state.sessionKey;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, version: (expected ?? 0) + 1, state, expiresAt: expiresAt(state) },
          ...(expected === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':expected': expected },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      return awsCall('dynamodb:PutItem', state.accountId, () => Promise.reject(error));
    }
  }

  /** Keeps a replaced session under its id (idempotent: a second copy of the same session is not written). */
  async archive(state: SessionState): Promise<void> {
    await this.save(state, undefined, true);
  }

  /**
   * Read, decide, write, and again on a conflict: `step` gets the stored state (or undefined) and returns
   * the state to write, or undefined to write nothing. Returns what the last `step` returned with it.
   */
  async mutate<R extends { next?: SessionState }>(
    sessionKey: string,
    accountId: string,
    step: (stored: SessionState | undefined) => R,
  ): Promise<R & { attempts: number }> {
    for (let attempt = 1; attempt <= MAX_MUTATE_ATTEMPTS; attempt++) {
      const stored = await this.load(sessionKey, accountId);
      const result = step(stored?.state);
      if (!result.next) return { ...result, attempts: attempt };
      if (await this.save(result.next, stored?.version)) return { ...result, attempts: attempt };
    }
    throw new SessionConflictError(
      `root session ${sessionKey}: ${MAX_MUTATE_ATTEMPTS} concurrent writers in a row, giving up`,
      { accountId },
    );
  }
}

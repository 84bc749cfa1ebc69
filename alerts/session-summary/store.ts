/**
 * The summary Lambda's reads and writes of the root-sessions table (alerts/root-activity/session-store.ts holds
 * the layout): a session by id, and the account's usual Regions (`pk = regions#<account>`, each Region with when
 * a break-glass-covered session last used it).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { awsCall } from '../../lib/errors';
import type { SessionState } from '../root-activity/session';
import { archiveKey, DAY_S, type SessionStore } from '../root-activity/session-store';

/** "Usual" Regions: seen in the account's covered root sessions within this many days. */
export const USUAL_REGION_DAYS = 30;

export interface StoredSession {
  state: SessionState;
  version: number;
  /** Read from the archive item (a newer session of the same key exists). */
  archived: boolean;
}

const regionsKey = (accountId: string) => `regions#${accountId}`;

/** A session by id: the current one of its key, or its archived copy. Undefined: never stored here. */
export async function findSession(
  store: SessionStore,
  sessionKey: string,
  sessionId: string,
  accountId: string,
): Promise<StoredSession | undefined> {
  const current = await store.getItem(sessionKey, accountId);
  if (current?.state.sessionId === sessionId) return { ...current, archived: false };
  const archived = await store.getItem(archiveKey(sessionId), accountId);
  return archived?.state.sessionId === sessionId && archived.state.sessionKey === sessionKey
    ? { ...archived, archived: true }
    : undefined;
}

async function regionsSeen(store: SessionStore, accountId: string, now: Date): Promise<[string, string][]> {
  const out = await awsCall('dynamodb:GetItem', accountId, () =>
    store.doc.send(new GetCommand({ TableName: store.tableName, Key: { pk: regionsKey(accountId) } })),
  );
  const since = now.getTime() - USUAL_REGION_DAYS * DAY_S * 1000;
  return Object.entries((out?.Item?.regions ?? {}) as Record<string, unknown>).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && Date.parse(entry[1]) >= since,
  );
}

/** Regions seen in the account's covered root sessions within USUAL_REGION_DAYS of `now`. */
export async function usualRegions(store: SessionStore, accountId: string, now: Date): Promise<string[]> {
  return (await regionsSeen(store, accountId, now)).map(([region]) => region).sort();
}

/**
 * Adds a session's Regions to the account's profile. Last writer wins: a lost update only forgets that a
 * Region was used, which makes the next spend there louder, never quieter.
 */
export async function recordRegions(
  store: SessionStore,
  accountId: string,
  regions: readonly string[],
  now: Date,
): Promise<void> {
  const kept = await regionsSeen(store, accountId, now);
  const merged = {
    ...Object.fromEntries(kept),
    ...Object.fromEntries(regions.map((r) => [r, now.toISOString()])),
  };
  await awsCall('dynamodb:PutItem', accountId, () =>
    store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: {
          pk: regionsKey(accountId),
          regions: merged,
          expiresAt: Math.floor(now.getTime() / 1000) + USUAL_REGION_DAYS * DAY_S,
        },
      }),
    ),
  );
}

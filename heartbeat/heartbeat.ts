/**
 * The heartbeat of every account's alert path (issue 11, part 4), pure: what a heartbeat is, and which
 * accounts of the organization have been silent too long.
 *
 * Every member account has a scheduled rule, rootguard-heartbeat (stacksets/member-forwarding.yaml, sign-in
 * Region), whose target is the central bus through the same forwarding role the root-activity rules use. A
 * scheduled rule's event is `source: aws.events`, `detail-type: Scheduled Event`, envelope `account` = the
 * rule's account and `resources` = [the rule's ARN]; forwarding keeps the envelope. So a heartbeat proves, for
 * that account, that the forwarding role still exists, still trusts EventBridge and may still put events on
 * the central bus, and that the bus still admits the account. An account whose heartbeat stops has lost that
 * path (or its rule) and is named. No clock read here: `now` comes in.
 */
import { ACCOUNT_ID_PATTERN } from '../lib/partition';
import { InvalidHeartbeatError } from './errors';

/** The member rule's fixed name (member-forwarding.yaml HeartbeatRule; the protection SCP names it). */
export const HEARTBEAT_RULE_NAME = 'rootguard-heartbeat';
/** = the rule's ScheduleExpression, rate(1 hour) (test/contract/heartbeat.test.ts keeps them equal). */
export const HEARTBEAT_INTERVAL_MINUTES = 60;
/** An account is silent after this many intervals without a heartbeat (one missed delivery is tolerated). */
export const SILENT_AFTER_INTERVALS = 2;
export const SILENCE_MS = HEARTBEAT_INTERVAL_MINUTES * SILENT_AFTER_INTERVALS * 60_000;

export interface Heartbeat {
  accountId: string;
  region: string;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The account a heartbeat speaks for. The envelope's `account` is set by EventBridge (the account of the rule
 * that sent it), and the rule ARN in `resources` must be that account's rootguard-heartbeat: a scheduled rule
 * of another name, or another account's ARN in the resources, is not a heartbeat.
 */
export function parseHeartbeat(event: unknown): Heartbeat {
  if (!isRecord(event)) throw new InvalidHeartbeatError('the heartbeat event is not an object');
  const { source, account, region, resources } = event;
  if (source !== 'aws.events' || event['detail-type'] !== 'Scheduled Event') {
    throw new InvalidHeartbeatError(`not a scheduled event (source ${String(source)})`);
  }
  if (typeof account !== 'string' || !ACCOUNT_ID_PATTERN.test(account)) {
    throw new InvalidHeartbeatError('the heartbeat names no 12-digit account');
  }
  if (typeof region !== 'string' || !REGION_PATTERN.test(region)) {
    throw new InvalidHeartbeatError('the heartbeat names no Region', { accountId: account });
  }
  const expected = new RegExp(
    `^arn:aws(-cn|-us-gov)?:events:${region}:${account}:rule/${HEARTBEAT_RULE_NAME}$`,
  );
  if (!Array.isArray(resources) || resources.length !== 1 || !expected.test(String(resources[0]))) {
    throw new InvalidHeartbeatError(
      `the heartbeat is not from ${HEARTBEAT_RULE_NAME} of account ${account}`,
      {
        accountId: account,
      },
    );
  }
  return { accountId: account, region };
}

/** What the heartbeat table holds for one account (heartbeat/store.ts). */
export interface HeartbeatRecord {
  accountId: string;
  /** The last heartbeat received. */
  lastHeartbeatAt?: string;
  /** When the check first saw the account in the organization without a heartbeat. */
  firstSeenAt?: string;
  /** When the check last paged about this account's silence; a heartbeat clears it. */
  reportedSilentAt?: string;
}

/** An account of the organization snapshot, as the check needs it. */
export interface MemberAccount {
  accountId: string;
  /** Organizations' status: ACTIVE, SUSPENDED or PENDING_CLOSURE (absent in older snapshots = active). */
  status?: string;
}

export interface SilentAccount {
  accountId: string;
  /** The last heartbeat, or undefined when none ever came. */
  lastHeartbeatAt?: string;
}

export interface SilenceVerdict {
  /** Every account of the organization silent for two intervals or more, sorted. */
  silent: SilentAccount[];
  /** Of those, the ones not paged about yet. */
  newlySilent: string[];
  /** Members with no record yet: the check records when it first saw them, and judges them from then. */
  firstSeen: string[];
  /** Records of accounts no longer in the organization: not named. */
  departed: string[];
  /** Members that cannot send (suspended, closing): not named. */
  inactive: string[];
}

const INACTIVE_STATUSES = new Set(['SUSPENDED', 'PENDING_CLOSURE']);

/**
 * Which accounts of the organization are silent at `now`. An account is judged from its last heartbeat, or,
 * with none, from when the check first saw it in the organization: one that joined less than two intervals
 * ago is not silent yet, whatever Organizations says of its join date.
 */
export function judgeSilence(
  members: readonly MemberAccount[],
  records: readonly HeartbeatRecord[],
  now: Date,
): SilenceVerdict {
  const byAccount = new Map(records.map((record) => [record.accountId, record]));
  const memberIds = new Set(members.map((m) => m.accountId));
  const verdict: SilenceVerdict = { silent: [], newlySilent: [], firstSeen: [], departed: [], inactive: [] };
  for (const member of [...members].sort((a, b) => a.accountId.localeCompare(b.accountId))) {
    if (member.status !== undefined && INACTIVE_STATUSES.has(member.status)) {
      verdict.inactive.push(member.accountId);
      continue;
    }
    const record = byAccount.get(member.accountId);
    const since = record?.lastHeartbeatAt ?? record?.firstSeenAt;
    if (since === undefined) {
      verdict.firstSeen.push(member.accountId);
      continue;
    }
    if (now.getTime() - Date.parse(since) < SILENCE_MS) continue;
    verdict.silent.push({ accountId: member.accountId, lastHeartbeatAt: record?.lastHeartbeatAt });
    if (record?.reportedSilentAt === undefined) verdict.newlySilent.push(member.accountId);
  }
  verdict.departed = records
    .map((r) => r.accountId)
    .filter((id) => !memberIds.has(id))
    .sort();
  return verdict;
}

/** The page: every silent account with its last heartbeat, newly silent ones marked. */
export function silenceMessage(verdict: SilenceVerdict): { subject: string; message: string } {
  const fresh = new Set(verdict.newlySilent);
  const count = verdict.silent.length;
  const lines = verdict.silent.map(
    (a) =>
      `- ${a.accountId}: ${a.lastHeartbeatAt ? `last heartbeat ${a.lastHeartbeatAt}` : 'no heartbeat since it joined'}${fresh.has(a.accountId) ? ' (new)' : ''}`,
  );
  return {
    subject: `rootguard: ${count} account${count === 1 ? '' : 's'} silent (no heartbeat for ${SILENT_AFTER_INTERVALS * HEARTBEAT_INTERVAL_MINUTES} minutes)`,
    message: [
      `The root activity alert path of ${count === 1 ? 'this account' : 'these accounts'} delivered no heartbeat to the central bus for ${SILENT_AFTER_INTERVALS} intervals of ${HEARTBEAT_INTERVAL_MINUTES} minutes.`,
      'Root activity there may not page. Check the rootguard-heartbeat rule, the forwarding role and the',
      'member-forwarding stack of each account (README, "Tamper detection").',
      '',
      ...lines,
    ].join('\n'),
  };
}

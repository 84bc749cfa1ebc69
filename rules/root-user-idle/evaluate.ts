/**
 * root-user-idle — the root user has not been used within MaxDaysSinceLastUse days outside a break-glass window.
 *
 * Trigger: periodic (24 h). Reports on: AWS::::Account (the evaluated account).
 * Scenarios:
 *  - root has never been used (no password sign-in, no access key use in the credential report) → COMPLIANT
 *  - root has no password and no active access key, and no recorded use → COMPLIANT, says it has no credentials
 *  - the last use (latest of console password, access key 1, access key 2) is MaxDaysSinceLastUse days old or
 *    older → COMPLIANT, gives the last use and its kind
 *  - the last use is more recent and a recorded break-glass window covers it → COMPLIANT, names the ticket
 *  - the last use is more recent and no window covers it (none, or the window ended before the use)
 *    → NON_COMPLIANT "root user was last used N days ago (YYYY-MM-DD, console password); limit is 90 days …"
 *  - the same, when break-glass windows were not read (BREAK_GLASS_TABLE unset, single-account demo)
 *    → NON_COMPLIANT, and the annotation says the windows were not read
 *  - a last use dated after the evaluation time (clock skew; a report generated after Config's notification)
 *    counts as a use now
 *  - MaxDaysSinceLastUse not a whole number in 1..3650 → NON_COMPLIANT "could not be evaluated" (rule handler)
 *  - the report cannot be read (access denied, still being generated after ~60 s, no <root_account> row, a
 *    missing column or an unknown value) → collect fails → NON_COMPLIANT "could not be evaluated", never COMPLIANT
 *
 * What the credential report cannot show (the real-time alert in alerts/ watches every root action):
 *  - Only the LAST use of each credential is recorded. An earlier use outside any window followed by a later
 *    use inside one is invisible here: the account reads COMPLIANT.
 *  - Last-used dates reach the report late (up to about 4 hours), and IAM reuses a report up to 4 hours old.
 *  - A deleted credential takes its last-used date with it (the report then says N/A).
 *  - Sessions from sts:AssumeRoot use neither the root password nor a root access key, so they are not counted.
 */
import { type BreakGlassWindow, windowCovering } from '../../lib/break-glass';
import type { RootUsage } from '../../lib/credential-report';
import { compliant, nonCompliant, type RuleEvaluation } from '../../lib/evaluation';
import type { EvaluateContext } from '../../lib/rule-handler';

export interface RootUserIdleFacts {
  report: {
    /** When IAM generated the credential report (GetCredentialReport GeneratedTime), ISO 8601. */
    generatedAt: string;
    root: RootUsage;
  };
  /** The account's break-glass windows that overlap the last MaxDaysSinceLastUse days. */
  breakGlassWindows: BreakGlassWindow[];
  /** False when no break-glass table is configured (BREAK_GLASS_TABLE unset): no window could be read. */
  breakGlassWindowsRead: boolean;
}

export interface RootUserIdleParams {
  MaxDaysSinceLastUse: number;
}

export type RootUseKind = 'console password' | 'access key 1' | 'access key 2';

export interface RootUse {
  kind: RootUseKind;
  /** ISO 8601, as the credential report gives it. */
  at: string;
}

const DAY_MS = 86_400_000;

/** The latest recorded use of any root credential (the password wins a tie), or undefined if none. */
export function lastRootUse(root: RootUsage): RootUse | undefined {
  const uses: RootUse[] = [];
  if (root.passwordLastUsed) uses.push({ kind: 'console password', at: root.passwordLastUsed });
  if (root.accessKey1LastUsed) uses.push({ kind: 'access key 1', at: root.accessKey1LastUsed });
  if (root.accessKey2LastUsed) uses.push({ kind: 'access key 2', at: root.accessKey2LastUsed });
  let latest: RootUse | undefined;
  for (const use of uses) {
    if (!latest || Date.parse(use.at) > Date.parse(latest.at)) latest = use;
  }
  return latest;
}

function ago(days: number): string {
  if (days === 0) return 'less than a day ago';
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

const day = (time: number | string) => new Date(time).toISOString().slice(0, 10);

function neverUsed(facts: RootUserIdleFacts): string {
  const { root, generatedAt } = facts.report;
  const noPassword = root.passwordLastUsedNote === 'N/A' || root.passwordEnabled === false;
  const noActiveKey = root.accessKey1Active === false && root.accessKey2Active === false;
  const reason = noPassword && noActiveKey ? '; it has no password and no active access key' : '';
  return `root user has never been used (credential report of ${day(generatedAt)})${reason}`;
}

export function evaluate(
  facts: RootUserIdleFacts,
  params: RootUserIdleParams,
  ctx: EvaluateContext,
): RuleEvaluation[] {
  const { accountId } = ctx;
  const limitDays = params.MaxDaysSinceLastUse;
  const last = lastRootUse(facts.report.root);
  if (!last) return [compliant(accountId, neverUsed(facts))];

  const usedAt = Date.parse(last.at);
  // A use dated after "now" (clock skew, or a report generated after the notification) is a use now.
  const ageMs = Math.max(0, Date.parse(ctx.evaluationTime) - usedAt);
  const lastUse = `root user was last used ${ago(Math.floor(ageMs / DAY_MS))} (${day(usedAt)}, ${last.kind})`;
  const limit = `limit is ${limitDays} day${limitDays === 1 ? '' : 's'}`;

  if (ageMs >= limitDays * DAY_MS) return [compliant(accountId, `${lastUse}; ${limit}`)];

  const window = windowCovering(facts.breakGlassWindows, accountId, last.at);
  if (window) {
    return [compliant(accountId, `${lastUse}, inside the break-glass window for ticket ${window.ticketId}`)];
  }
  if (!facts.breakGlassWindowsRead) {
    return [
      nonCompliant(
        accountId,
        `${lastUse}; ${limit} (break-glass windows were not read: BREAK_GLASS_TABLE is not set)`,
      ),
    ];
  }
  return [nonCompliant(accountId, `${lastUse}; ${limit} and no break-glass window covers that use`)];
}

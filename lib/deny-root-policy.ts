/**
 * Pure analysis of service control policies: does a policy deny every action to the root user?
 * Judged on the content, never on the policy's name. Used by the root-deny-scp rule and by the
 * attach-deny-root-scp remediation (to avoid creating a second copy), so it lives here.
 */
import { type Partition, rootUserArn } from './partition';

/**
 * The canonical deny-root SCP rootguard recommends and the remediation creates, for one partition (a policy
 * naming `arn:aws:` would not match root in aws-cn or aws-us-gov).
 */
export function denyRootPolicyDocument(partition: Partition) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RootGuardDenyRootUser',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:root` },
          // Centralized root access: sessions from sts:AssumeRoot carry aws:AssumedRoot and must keep working.
          Null: { 'aws:AssumedRoot': 'true' },
        },
      },
    ],
  } as const;
}

/** The canonical deny-root SCP in the commercial partition. */
export const CANONICAL_DENY_ROOT_POLICY = denyRootPolicyDocument('aws');

export type DenyRootVerdict =
  | { denies: true; reason: string }
  | { denies: false; reason: string /** a Deny that targets root but is too narrow */; partial: boolean };

const ROOT_MATCH_OPERATORS = new Set(['ArnLike', 'StringLike', 'ArnEquals', 'StringEquals']);
const ARN_OPERATORS = new Set(['ArnLike', 'ArnEquals']);
const PRINCIPAL_ARN_KEY = 'aws:principalarn';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Statement = { [key: string]: Json };

const asArray = (value: Json | undefined): Json[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** IAM wildcard match: `*` any run of characters, `?` one character; case-sensitive like ARN matching. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/**
 * ARN operators (ArnLike and ArnEquals alike) match each of the six colon-separated parts on its own, so a
 * wildcard never spans a colon; StringLike's `*` does; StringEquals is exact.
 */
export function conditionValueMatches(operator: string, pattern: string, arn: string): boolean {
  if (ARN_OPERATORS.has(operator)) {
    const split = (text: string) => {
      const parts = text.split(':');
      return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
    };
    const p = split(pattern);
    const a = split(arn);
    return !!p && !!a && p.every((part, i) => wildcardMatch(part, a[i] ?? ''));
  }
  if (operator === 'StringLike') return wildcardMatch(pattern, arn);
  return pattern === arn;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function judgeCondition(condition: Json | undefined, rootArn: string): { ok: boolean; why: string } {
  if (condition === undefined) return { ok: true, why: 'denies every principal, the root user included' };
  if (!isObject(condition)) return { ok: false, why: 'has an unreadable Condition' };
  let matchesRoot = false;
  const narrowing: string[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block)) return { ok: false, why: `has an unreadable ${operator} condition` };
    for (const [key, values] of Object.entries(block)) {
      const k = key.toLowerCase();
      if (ROOT_MATCH_OPERATORS.has(operator) && k === PRINCIPAL_ARN_KEY) {
        const hit = asArray(values).some(
          (v) => typeof v === 'string' && conditionValueMatches(operator, v, rootArn),
        );
        if (hit) matchesRoot = true;
        else narrowing.push(`${operator} ${key} does not match the root user`);
      } else if (
        operator === 'Null' &&
        k === 'aws:assumedroot' &&
        asArray(values).every((v) => `${v}` === 'true')
      ) {
        // The AssumeRoot exemption: still denies every credential-based root session.
      } else {
        narrowing.push(`${operator} ${key}`);
      }
    }
  }
  if (!matchesRoot) {
    return {
      ok: false,
      why: narrowing.length
        ? `its condition (${narrowing.join(', ')}) does not target root`
        : 'its condition does not target root',
    };
  }
  if (narrowing.length > 0)
    return { ok: false, why: `it is narrowed by other conditions (${narrowing.join(', ')})` };
  return { ok: true, why: 'denies all actions to the root user' };
}

/** Judges one SCP document (the JSON text from DescribePolicy) for the given account. */
export function analyzeDenyRootPolicy(
  content: string,
  partition: Partition,
  accountId: string,
): DenyRootVerdict {
  let doc: Json;
  try {
    doc = JSON.parse(content) as Json;
  } catch {
    return { denies: false, partial: false, reason: 'is not valid JSON' };
  }
  if (!isObject(doc)) return { denies: false, partial: false, reason: 'is not a policy document' };
  const rootArn = rootUserArn(partition, accountId);
  const partialReasons: string[] = [];
  for (const raw of asArray(doc.Statement)) {
    if (!isObject(raw)) continue;
    const statement = raw as Statement;
    if (statement.Effect !== 'Deny') continue;
    const targetsRoot = judgeCondition(statement.Condition, rootArn);
    // Only a statement whose condition names root is a near miss worth reporting; a condition-less deny of a
    // few actions (e.g. organizations:LeaveOrganization) is an ordinary guardrail, not a partial root deny.
    const conditionMentionsRoot =
      statement.Condition !== undefined && (targetsRoot.ok || /narrowed/.test(targetsRoot.why));
    const actions = asArray(statement.Action);
    const resources = asArray(statement.Resource);
    const allActions = statement.NotAction === undefined && actions.includes('*');
    const allResources =
      statement.NotResource === undefined && (resources.length === 0 || resources.includes('*'));
    if (allActions && allResources && targetsRoot.ok) return { denies: true, reason: targetsRoot.why };
    if (!conditionMentionsRoot) continue;
    if (!allActions) {
      const what =
        statement.NotAction !== undefined
          ? 'uses NotAction'
          : `denies only ${actions.join(', ') || 'no actions'}`;
      partialReasons.push(`${what} to root`);
    } else if (!allResources) {
      partialReasons.push('denies root on only some resources');
    } else {
      partialReasons.push(`targets root but ${targetsRoot.why}`);
    }
  }
  if (partialReasons.length > 0) return { denies: false, partial: true, reason: partialReasons.join('; ') };
  return { denies: false, partial: false, reason: 'has no statement that denies the root user' };
}

const CANONICAL_ROOT_OPERATORS = new Set(['ArnLike', 'StringLike']);

/**
 * True when the policy is the canonical deny-root SCP of `denyRootPolicyDocument`, in one of its documented
 * variants, and nothing else: one Deny statement of every action on every resource whose condition is
 * `ArnLike` (or, in older copies, `StringLike`) `aws:PrincipalArn` = `arn:<partition>:iam::*:root`, with or without
 * the AssumeRoot exemption (`Null aws:AssumedRoot true`); any Sid. Anything broader (no condition: the quarantine
 * deny-all), narrower or bundled (a second statement) is not canonical.
 */
export function isCanonicalDenyRootPolicy(content: string, partition: Partition): boolean {
  let doc: Json;
  try {
    doc = JSON.parse(content) as Json;
  } catch {
    return false;
  }
  if (!isObject(doc)) return false;
  const { Version, Statement, ...rest } = doc;
  if (Object.keys(rest).length > 0 || (Version !== undefined && Version !== '2012-10-17')) return false;
  const statements = asArray(Statement);
  const [statement] = statements;
  if (statements.length !== 1 || !isObject(statement)) return false;
  const { Sid, Effect, Action, Resource, Condition, ...others } = statement;
  const only = (value: Json | undefined, wanted: string) => {
    const values = asArray(value);
    return values.length === 1 && values[0] === wanted;
  };
  if (Object.keys(others).length > 0 || (Sid !== undefined && typeof Sid !== 'string')) return false;
  if (Effect !== 'Deny' || !only(Action, '*') || !only(Resource, '*') || !isObject(Condition)) return false;
  const { Null, ...matching } = Condition;
  const operators = Object.keys(matching);
  const operator = operators[0] as string;
  if (operators.length !== 1 || !CANONICAL_ROOT_OPERATORS.has(operator)) return false;
  const block = matching[operator];
  if (!isObject(block) || Object.keys(block).length !== 1) return false;
  const [[key, value]] = Object.entries(block) as [[string, Json]];
  if (key.toLowerCase() !== PRINCIPAL_ARN_KEY || !only(value, `arn:${partition}:iam::*:root`)) return false;
  if (Null === undefined) return true;
  if (!isObject(Null) || Object.keys(Null).length !== 1) return false;
  const [[nullKey, nullValue]] = Object.entries(Null) as [[string, Json]];
  return nullKey.toLowerCase() === 'aws:assumedroot' && asArray(nullValue).every((v) => `${v}` === 'true');
}

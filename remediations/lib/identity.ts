/**
 * Pure: who a principal recorded by SSM is, as a person, and whether that person may approve.
 *
 * SSM records principals as strings (an execution's ExecutedBy, each aws:approve decision's Approver), in more
 * than one form for the same principal. Comparing those strings raw makes one person two (a role ARN and a session
 * of it) or two people one (a prefix or substring match: `Operator/carol` inside `Operator/carol2`). Every
 * comparison of identities in rootguard goes through `normalizeIdentity` and compares `person` keys exactly.
 *
 * The rule, written down once:
 * - An assumed-role session `arn:<p>:sts::<acct>:assumed-role/<role>/<session>` is the role
 *   `arn:<p>:iam::<acct>:role/<role>` plus the session name, and the PERSON is the role and the session name
 *   together: `Operator/carol` and `Operator/carol2` are two people; the same session of the same role is one.
 *   A session name identifies a person only when the caller cannot choose it: IAM Identity Center permission sets
 *   (the session name is the user name), SAML/OIDC federation whose IdP sets RoleSessionName, or roles whose trust
 *   policy pins `sts:RoleSessionName` to `${aws:username}` or requires `sts:SourceIdentity`. That is why the
 *   approver allow-list names roles (README "Remediations"): use only roles like these in it. One person who can
 *   assume an allow-listed role under any session name they like counts as two people here.
 * - When the record carries an `sts:SourceIdentity` (set once by the IdP, kept across role chaining), the source
 *   identity IS the person, whatever the session name: the same source identity through two sessions counts once.
 * - An IAM user ARN is the person as is. A bare user name (aws:approve accepts them) belongs to no known account:
 *   it is a person but never matches the allow-list.
 * - An IAM role path is not part of a session ARN, so roles are matched on partition, account and role name.
 */

export type PrincipalKind = 'role' | 'user' | 'user-name' | 'unknown';

export interface Identity {
  /** What SSM recorded, unchanged (for logs and messages). */
  raw: string;
  kind: PrincipalKind;
  /** `arn:<p>:iam::<acct>:role/<name>` (no path) for a role or session, the user ARN for a user. */
  principal: string;
  /** The role session name, for an assumed-role session. */
  session: string | undefined;
  sourceIdentity: string | undefined;
  /** Compared exactly: equal keys are one person. */
  person: string;
}

const SESSION_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/;
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;
const USER_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):user\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;
const USER_NAME = /^[\w+=,.@-]{1,64}$/;

const roleKey = (partition: string, account: string, name: string) =>
  `arn:${partition}:iam::${account}:role/${name}`;
const userKey = (partition: string, account: string, name: string) =>
  `arn:${partition}:iam::${account}:user/${name}`;

/** The person behind a recorded principal (see the rule above). `sourceIdentity` when the record has one. */
export function normalizeIdentity(raw: string, sourceIdentity?: string): Identity {
  const value = raw.trim();
  const base = (kind: PrincipalKind, principal: string, session: string | undefined): Identity => {
    const accountOf = principal.split(':')[4] ?? '';
    const person = sourceIdentity
      ? `source-identity:${accountOf}:${sourceIdentity}`
      : session === undefined
        ? principal
        : `${principal}#${session}`;
    return { raw, kind, principal, session, sourceIdentity, person };
  };
  let m = SESSION_ARN.exec(value);
  if (m) return base('role', roleKey(m[1] as string, m[2] as string, m[3] as string), m[4]);
  m = ROLE_ARN.exec(value);
  if (m) return base('role', roleKey(m[1] as string, m[2] as string, m[3] as string), undefined);
  m = USER_ARN.exec(value);
  if (m) return base('user', userKey(m[1] as string, m[2] as string, m[3] as string), undefined);
  if (USER_NAME.test(value)) return base('user-name', `user-name:${value}`, undefined);
  return base('unknown', `unknown:${value}`, undefined);
}

/** True when both are the same person (exact comparison of the normalized keys, never a prefix). */
export function samePerson(a: Identity, b: Identity): boolean {
  return a.person === b.person;
}

/** An approver allow-list entry: an IAM role or user ARN of the security tooling account. */
export const APPROVER_ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** aws:approve takes at most 10 approvers, and rootguard passes the allow-list to it as the Approvers. */
export const MAX_APPROVERS = 10;

/** The allow-list as principals (role or user, path dropped), ready for `isAllowListed`. */
export function allowListPrincipals(arns: readonly string[]): Set<string> {
  return new Set(arns.map((arn) => normalizeIdentity(arn).principal));
}

/** True when the identity acts as one of the allow-listed roles or users. */
export function isAllowListed(identity: Identity, allowList: ReadonlySet<string>): boolean {
  return (identity.kind === 'role' || identity.kind === 'user') && allowList.has(identity.principal);
}

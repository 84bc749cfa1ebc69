/** Named principals and requests of the tampering tests (issue 11, part 4). */
import { MEMBER_ACCOUNT } from './constants';

/** An administrator of one member account: the attacker. */
export const MEMBER_ADMIN_ARN = `arn:aws:iam::${MEMBER_ACCOUNT}:role/AdministratorAccess`;
/** The role service-managed StackSets create in each target account (stacksets-exec-<hash>). */
export const STACKSET_EXECUTION_ROLE_ARN = `arn:aws:iam::${MEMBER_ACCOUNT}:role/stacksets-exec-6f1e2d3c4b5a69788796a5b4c3d2e1f0`;
/** A role the attacker would create to ride the StackSet exemption. */
export const FAKE_STACKSET_ROLE_ARN = `arn:aws:iam::${MEMBER_ACCOUNT}:role/stacksets-exec-attacker`;
/** Regions a forwarding rule is tampered with in (the sign-in Region and another). */
export const TAMPER_REGIONS = ['us-east-1', 'ap-southeast-2'] as const;

export const memberRuleArn = (region: string, ruleName: string) =>
  `arn:aws:events:${region}:${MEMBER_ACCOUNT}:rule/${ruleName}`;
export const memberRoleArn = (roleName: string) => `arn:aws:iam::${MEMBER_ACCOUNT}:role/${roleName}`;

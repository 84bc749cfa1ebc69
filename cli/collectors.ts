/**
 * Every rule's own `collect` (rules/<id>/collect.ts), by rule id, for `rootguard scan --org`. Kept apart from the
 * registry (rules/index.ts), which stays free of the AWS SDK so `scan --facts` never loads it.
 */
import type { Collect } from '../lib/rule-handler';
import { collect as collectRootAccessCentralized } from '../rules/root-access-centralized/collect';
import { collect as collectRootAccessKeys } from '../rules/root-access-keys/collect';
import { collect as collectRootActivityAlerting } from '../rules/root-activity-alerting/collect';
import { collect as collectRootBackupMfa } from '../rules/root-backup-mfa/collect';
import { collect as collectRootDenyScp } from '../rules/root-deny-scp/collect';
import { collect as collectRootHardwareMfa } from '../rules/root-hardware-mfa/collect';
import { collect as collectRootUserIdle } from '../rules/root-user-idle/collect';

const as = <F, P>(collect: Collect<F, P>) => collect as unknown as Collect<unknown, unknown>;

/** Rule id → collect; test/unit/cli/org-scan.test.ts checks it covers the registry exactly. */
export const COLLECTORS: Readonly<Record<string, Collect<unknown, unknown>>> = {
  'root-hardware-mfa': as(collectRootHardwareMfa),
  'root-backup-mfa': as(collectRootBackupMfa),
  'root-access-keys': as(collectRootAccessKeys),
  'root-deny-scp': as(collectRootDenyScp),
  'root-user-idle': as(collectRootUserIdle),
  'root-activity-alerting': as(collectRootActivityAlerting),
  'root-access-centralized': as(collectRootAccessCentralized),
};

/**
 * Differential test: root-deny-scp judged through the organization snapshot (lib/org-snapshot.ts, the
 * rule's own collect) must reach the verdict and the annotation the ancestry walk (lib/org-tree.ts OrgReader,
 * how the rule read Organizations before) reaches, for every account of randomized organizations: one to five
 * OU levels, SCPs on the root, OUs and accounts (deny-root, legacy, partial, narrowed, FullAWSAccess
 * everywhere), lists long enough to page, organizations without all features or SCPs, no organization at all,
 * an account from outside, and accounts moved after the first reading (snapshot rebuilt, ancestry re-walked).
 *
 * The organizations are drawn from a fixed seed (DIFFERENTIAL_SEED overrides it); every mismatch names the
 * seed and the organization so it can be replayed.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { buildOrgSnapshot } from '../../../lib/org-snapshot';
import { clearOrgCache, type OrganizationFacts, OrgReader } from '../../../lib/org-tree';
import type { RootDenyScpParams } from '../../../rules/root-deny-scp/evaluate';
import { rootDenyScpByWalk, rootDenyScpFromSnapshot, verdictOf } from '../../helpers/ancestry-walk';
import { MANAGEMENT_ACCOUNT, ORG_ID, ORG_ROOT_ID, OTHER_ACCOUNT } from '../../helpers/constants';
import { FakeOrganization, installFakeOrganizations, PAGE_SIZE } from '../../helpers/fake-organizations';
import { mulberry32 } from '../../helpers/prng';
import {
  DENY_ROOT_SCP,
  FULL_AWS_ACCESS_SCP,
  LEGACY_DENY_ROOT_SCP,
  NARROWED_DENY_SCP,
  PARTIAL_DENY_SCP,
} from '../../helpers/scp';

const SEED = Number(process.env.DIFFERENTIAL_SEED ?? 20_261_120);
const ORGANIZATIONS = 30;
/** Accounts moved between the first and the second reading of each organization. */
const MAX_MOVES = 5;

const orgMock = mockClient(OrganizationsClient);
const client = new OrganizationsClient({ region: 'us-east-1' });

const ROOT_TARGETING = [DENY_ROOT_SCP, LEGACY_DENY_ROOT_SCP, PARTIAL_DENY_SCP, NARROWED_DENY_SCP];

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const between = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

function randomOrganizationFacts(rng: Rng): OrganizationFacts | null {
  const r = rng();
  const all: OrganizationFacts = {
    id: ORG_ID,
    managementAccountId: MANAGEMENT_ACCOUNT,
    featureSet: 'ALL',
    scpEnabled: true,
  };
  if (r < 0.06) return null;
  if (r < 0.12) return { ...all, featureSet: 'CONSOLIDATED_BILLING', scpEnabled: false };
  if (r < 0.18) return { ...all, scpEnabled: false };
  return all;
}

/** A random organization: its OUs nest `depth` levels (1–5), some parents hold more than a page. */
function randomOrganization(rng: Rng, index: number): FakeOrganization {
  const org = new FakeOrganization(randomOrganizationFacts(rng), ORG_ROOT_ID);
  const depth = between(rng, 1, 5);
  let ouSeq = 0;
  const newOu = (parentId: string) =>
    org.addOu(
      `ou-${ORG_ROOT_ID.slice(2)}-${index.toString(36)}${(++ouSeq).toString(36).padStart(6, '0')}`,
      parentId,
    );
  let level = [ORG_ROOT_ID];
  for (let d = 1; d <= depth; d++) {
    // The first parent of each level always has a child, so the tree reaches `depth`.
    level = level.flatMap((parentId, i) =>
      Array.from({ length: i === 0 ? between(rng, 1, 3) : between(rng, 0, 2) }, () => newOu(parentId)),
    );
  }
  const parents = [ORG_ROOT_ID, ...org.ous];
  // Now and then a parent with more OUs than fit on one page.
  if (rng() < 0.3) {
    const wide = pick(
      rng,
      parents.filter((p) => org.depthOf(p) < 5),
    );
    for (let k = 0; k < PAGE_SIZE + between(rng, 1, 5); k++) newOu(wide);
  }
  const targets = [ORG_ROOT_ID, ...org.ous];
  let accountSeq = 0;
  const newAccount = (parentId: string) =>
    org.addAccount(String(500_000_000_000 + index * 1_000 + ++accountSeq), parentId);
  for (let k = between(rng, 3, 40); k > 0; k--) newAccount(pick(rng, targets));
  // Now and then a parent with more accounts than fit on one page.
  if (rng() < 0.3) {
    const crowded = pick(rng, targets);
    for (let k = 0; k < PAGE_SIZE + between(rng, 1, 10); k++) newAccount(crowded);
  }

  // FullAWSAccess everywhere, as AWS attaches it; enough other SCPs to page ListPolicies now and then.
  org.definePolicy(FULL_AWS_ACCESS_SCP.id, FULL_AWS_ACCESS_SCP.name, FULL_AWS_ACCESS_SCP.content);
  for (const target of [ORG_ROOT_ID, ...org.ous, ...org.accounts]) org.attach(FULL_AWS_ACCESS_SCP.id, target);
  for (const p of ROOT_TARGETING) org.definePolicy(p.id, p.name, p.content);
  for (let k = between(rng, 0, PAGE_SIZE + 5); k > 0; k--) {
    const id = org.definePolicy(
      `p-guard${index.toString(36)}${k.toString(36).padStart(4, '0')}`,
      `Guard-${k}`,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: `svc${k}:*`, Resource: '*' }],
      }),
    );
    org.attach(id, pick(rng, targets));
  }
  const everyTarget = [ORG_ROOT_ID, ...org.ous, ...org.accounts];
  for (const p of ROOT_TARGETING) {
    for (let k = between(rng, 0, 3); k > 0; k--) org.attach(p.id, pick(rng, everyTarget));
  }
  return org;
}

function randomParams(rng: Rng): RootDenyScpParams {
  const r = rng();
  if (r < 0.15) return { RequiredPolicyIds: [LEGACY_DENY_ROOT_SCP.id] };
  if (r < 0.25) return { RequiredPolicyIds: [DENY_ROOT_SCP.id, PARTIAL_DENY_SCP.id] };
  return {};
}

/** Every account (and one from outside) judged both ways; the differences, each naming where it arose. */
async function differences(
  org: FakeOrganization,
  params: RootDenyScpParams,
  where: string,
): Promise<string[]> {
  clearOrgCache();
  const snapshot = await buildOrgSnapshot(client);
  const reader = new OrgReader(client, where);
  const found: string[] = [];
  for (const accountId of [...org.accounts, OTHER_ACCOUNT]) {
    const walked = verdictOf(await rootDenyScpByWalk(reader, accountId, params));
    const snapped = verdictOf(await rootDenyScpFromSnapshot(snapshot, accountId, params));
    if (walked !== snapped)
      found.push(`${where}, account ${accountId}:\n  walk:     ${walked}\n  snapshot: ${snapped}`);
  }
  return found;
}

beforeEach(() => {
  orgMock.reset();
  clearOrgCache();
});

describe(`root-deny-scp through the snapshot and through the ancestry walk (seed ${SEED})`, () => {
  it('reaches the same verdict and annotation for every account, before and after accounts move', async () => {
    const rng = mulberry32(SEED);
    const mismatches: string[] = [];
    let judged = 0;
    for (let i = 0; i < ORGANIZATIONS; i++) {
      const org = randomOrganization(rng, i);
      orgMock.reset();
      installFakeOrganizations(orgMock, org);
      const params = randomParams(rng);
      const where = `seed ${SEED}, organization #${i}`;
      mismatches.push(...(await differences(org, params, where)));

      const movable = org.accounts.filter((a) => a !== MANAGEMENT_ACCOUNT);
      const destinations = [ORG_ROOT_ID, ...org.ous];
      for (let k = between(rng, 1, MAX_MOVES); k > 0 && movable.length > 0; k--) {
        org.moveAccount(pick(rng, movable), pick(rng, destinations));
      }
      mismatches.push(...(await differences(org, params, `${where} after moves`)));
      judged += 2 * (org.accounts.length + 1);
    }

    expect(mismatches).toEqual([]);
    expect(judged).toBeGreaterThan(ORGANIZATIONS * 10);
  });
});

/**
 * The organization snapshot end to end over HTTP against moto_server with real SDK clients: built from
 * moto's Organizations (OUs three deep, SCPs at several levels), stored as an S3 object, its single writer held
 * by a DynamoDB lease, read by several fresh containers at once that each ask an in-process builder for a
 * rebuild. root-deny-scp through the snapshot must judge every account as the ancestry walk does.
 *
 * Not covered here, and covered by the unit tests instead (test/unit/lib/org-snapshot*.test.ts): paging of
 * Organizations lists (moto pages only some of them, and this organization fits one page anyway), repeated
 * page tokens, throttling, and the Lambda InvokeFunction trigger (moto would run the builder in a container).
 *
 * Centralized root access: moto 5.2.1 does not implement iam:ListOrganizationsFeatures (it answers HTTP 500 with
 * an HTML page), so here the builder can only show that an unanswered read is recorded as such, the rest of the
 * snapshot intact, and that root-access-centralized then passes no account. What IAM answers when it does
 * (features on, off, half on, each refusal) is covered by test/unit/lib/org-snapshot-root-access.test.ts and
 * test/unit/rules/root-access-centralized.test.ts with mocked clients.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CANONICAL_DENY_ROOT_POLICY } from '../../lib/deny-root-policy';
import { buildOrgSnapshot } from '../../lib/org-snapshot';
import { CachingOrgSnapshotReader } from '../../lib/org-snapshot-store';
import { collect as collectRootAccessCentralized } from '../../rules/root-access-centralized/collect';
import { evaluate as evaluateRootAccessCentralized } from '../../rules/root-access-centralized/evaluate';
import {
  attachScp,
  createEmulatedOrganization,
  EMULATED_MANAGEMENT_ACCOUNT,
  judgeFromSnapshot,
  judgeRootDenyScpByWalk,
} from '../helpers/emulated-org';
import { EMULATOR_REGION, emulatorClient, emulatorClientFactory, resetEmulator } from '../helpers/emulator';
import { emulatedSnapshotStore, inProcessBuilder } from '../helpers/org-snapshot';
import { EVALUATE_CONTEXT } from '../helpers/rule-harness';
import { PARTIAL_DENY_ROOT_CONTENT } from '../helpers/scp';

const READERS = 6;
const MINUTE = 60_000;

async function organization() {
  const { org, rootId, ou, account } = await createEmulatedOrganization();
  const workloads = await ou(rootId, 'Workloads');
  const prod = await ou(workloads, 'Prod');
  const payments = await ou(prod, 'Payments');
  const sandbox = await ou(rootId, 'Sandbox');
  const accounts = [
    await account('payments', payments),
    await account('prod', prod),
    await account('sandbox', sandbox),
    await account('legacy', rootId),
  ];
  await attachScp(org, 'deny-root', CANONICAL_DENY_ROOT_POLICY, workloads);
  await attachScp(org, 'partial-deny', JSON.parse(PARTIAL_DENY_ROOT_CONTENT), sandbox);
  await attachScp(org, 'deny-root-payments', CANONICAL_DENY_ROOT_POLICY, accounts[0] as string);
  return { org, accounts: [EMULATED_MANAGEMENT_ACCOUNT, ...accounts] };
}

beforeEach(async () => {
  await resetEmulator();
});

describe('the organization snapshot on moto_server', () => {
  it('is built once for several fresh containers reading at once, and all of them get the same snapshot', async () => {
    const { org, accounts } = await organization();
    const { store, lease } = await emulatedSnapshotStore();
    const builder = inProcessBuilder({ store, lease: lease(), organizations: org, retryDelayMs: 50 });
    const readers = Array.from(
      { length: READERS },
      () =>
        new CachingOrgSnapshotReader({ store, requestRebuild: builder.trigger, pollMs: 50, waitMs: 20_000 }),
    );

    const snapshots = await Promise.all(
      readers.map((r, i) => r.read({ expectMembers: [accounts[i % accounts.length] as string] })),
    );
    await builder.settled();

    expect(builder.builds).toBe(1);
    expect(builder.failures).toEqual([]);
    for (const snapshot of snapshots) expect(snapshot).toEqual(snapshots[0]);
    expect(Object.keys(snapshots[0]?.accounts ?? {}).sort()).toEqual([...accounts].sort());
    expect(await store.get()).toEqual(snapshots[0]);
  });

  it('judges every account with root-deny-scp as the ancestry walk does', async () => {
    const { accounts } = await organization();
    const snapshot = await buildOrgSnapshot(
      emulatorClient(OrganizationsClient, { accountId: EMULATED_MANAGEMENT_ACCOUNT }),
    );

    for (const accountId of accounts) {
      const walked = await judgeRootDenyScpByWalk(accountId);
      await expect(judgeFromSnapshot(snapshot, accountId)).resolves.toEqual(walked);
    }
    expect(
      new Set(
        await Promise.all(accounts.map(async (a) => (await judgeRootDenyScpByWalk(a))?.complianceType)),
      ),
    ).toEqual(new Set(['NOT_APPLICABLE', 'COMPLIANT', 'NON_COMPLIANT']));
  });

  it('records why centralized root access could not be read (moto 5.2.1 lacks the call), and root-access-centralized passes no account', async () => {
    const { accounts } = await organization();
    const management = { accountId: EMULATED_MANAGEMENT_ACCOUNT };

    const snapshot = await buildOrgSnapshot(emulatorClient(OrganizationsClient, management), {
      iam: emulatorClient(IAMClient, management),
    });

    expect(Object.keys(snapshot.accounts).sort()).toEqual([...accounts].sort());
    expect(snapshot.rootAccessFeatures).toMatchObject({ status: 'UNREADABLE', reason: 'FAILED' });
    const verdicts = await Promise.all(
      accounts.map(async (accountId) => {
        const facts = await collectRootAccessCentralized({
          ...EVALUATE_CONTEXT,
          accountId,
          region: EMULATOR_REGION,
          params: {},
          clients: emulatorClientFactory(EMULATOR_REGION, accountId),
          accountCredentials: undefined,
          orgSnapshot: async () => snapshot,
        });
        return evaluateRootAccessCentralized(facts, {}, { ...EVALUATE_CONTEXT, accountId })[0];
      }),
    );
    expect(verdicts.map((v) => v?.complianceType)).toEqual([
      'NOT_APPLICABLE',
      ...accounts.slice(1).map(() => 'NON_COMPLIANT'),
    ]);
    expect(verdicts[1]?.annotation).toContain('could not tell whether centralized root access is enabled');
  });

  describe('the DynamoDB lease', () => {
    it('lets one builder hold it, refuses another, and is released by its owner only', async () => {
      const { lease } = await emulatedSnapshotStore();
      const now = new Date();

      await expect(lease().acquire('builder-a', now)).resolves.toBe(true);
      await expect(lease().acquire('builder-b', now)).resolves.toBe(false);
      await expect(lease().release('builder-b')).resolves.toBe(false);
      await expect(lease().release('builder-a')).resolves.toBe(true);
      await expect(lease().acquire('builder-b', now)).resolves.toBe(true);
    });

    it('is taken over once it has expired', async () => {
      const { lease } = await emulatedSnapshotStore();
      const now = Date.now();

      await expect(lease().acquire('builder-a', new Date(now - 20 * MINUTE))).resolves.toBe(true);
      await expect(lease().acquire('builder-b', new Date(now))).resolves.toBe(true);
      await expect(lease().release('builder-a')).resolves.toBe(false);
    });
  });
});

/**
 * An AWS Organization built in moto_server with real SDK clients, and the root-deny-scp rule judged against it
 * (its own collect + evaluate over a snapshot built from it, or the former ancestry walk). Shared by the
 * integration tests of the rule, of its remediation and of the organization snapshot.
 */
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { ClientFactory } from '../../lib/clients';
import { buildOrgSnapshot, type OrgSnapshot } from '../../lib/org-snapshot';
import { clearOrgCache, OrgReader } from '../../lib/org-tree';
import type { RootDenyScpParams } from '../../rules/root-deny-scp/evaluate';
import { rootDenyScpByWalk, rootDenyScpFromSnapshot } from './ancestry-walk';
import { EMULATOR_REGION, emulatorClient, emulatorClientFactory, MOTO_DEFAULT_ACCOUNT } from './emulator';

/** The management account: whoever calls CreateOrganization, moto's default account here. */
export const EMULATED_MANAGEMENT_ACCOUNT = MOTO_DEFAULT_ACCOUNT;

export interface EmulatedOrganization {
  org: OrganizationsClient;
  rootId: string;
  /** Creates an OU under `parentId` and returns its id. */
  ou(parentId: string, name: string): Promise<string>;
  /** Creates a member account and moves it under `parentId`; returns its id. */
  account(name: string, parentId: string): Promise<string>;
}

/** A new organization (all features), with the SCP policy type enabled on its root unless told otherwise. */
export async function createEmulatedOrganization(enableScps = true): Promise<EmulatedOrganization> {
  const org = emulatorClient(OrganizationsClient, { accountId: EMULATED_MANAGEMENT_ACCOUNT });
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id as string;
  if (enableScps) {
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
  }
  return {
    org,
    rootId,
    ou: async (parentId, name) =>
      (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: name })))
        .OrganizationalUnit?.Id as string,
    account: async (name, parentId) => {
      const id = (
        await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))
      ).CreateAccountStatus?.AccountId as string;
      if (parentId !== rootId) {
        await org.send(
          new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: parentId }),
        );
      }
      return id;
    },
  };
}

/** The organization the root-deny-scp rule and remediation integration tests share, by role of each OU and account. */
export interface WorkloadsOrganization {
  org: OrganizationsClient;
  rootId: string;
  ous: { workloads: string; prod: string; payments: string; sandbox: string };
  /** atRoot: an account directly under the root (a legacy account, or the security tooling account). */
  accounts: { payments: string; prod: string; sandbox: string; atRoot: string };
}

/**
 * Root → Workloads → Prod → Payments (account payments; account prod in Prod); Root → Sandbox (account sandbox);
 * account atRoot under the root. Deep enough for an SCP two levels up, a sibling OU without it, and the root.
 */
export async function createWorkloadsOrganization(enableScps = true): Promise<WorkloadsOrganization> {
  const { org, rootId, ou, account } = await createEmulatedOrganization(enableScps);
  const workloads = await ou(rootId, 'Workloads');
  const prod = await ou(workloads, 'Prod');
  const payments = await ou(prod, 'Payments');
  const sandbox = await ou(rootId, 'Sandbox');
  return {
    org,
    rootId,
    ous: { workloads, prod, payments, sandbox },
    accounts: {
      payments: await account('payments', payments),
      prod: await account('prod', prod),
      sandbox: await account('sandbox', sandbox),
      atRoot: await account('at-root', rootId),
    },
  };
}

/** Creates an SCP named `name` with `content` and attaches it to `targetId`; returns its id. */
export async function attachScp(
  org: OrganizationsClient,
  name: string,
  content: object,
  targetId: string,
): Promise<string> {
  const created = await org.send(
    new CreatePolicyCommand({
      Name: name,
      Description: name,
      Type: 'SERVICE_CONTROL_POLICY',
      Content: JSON.stringify(content),
    }),
  );
  const id = created.Policy?.PolicySummary?.Id as string;
  await org.send(new AttachPolicyCommand({ PolicyId: id, TargetId: targetId }));
  return id;
}

/** What root-deny-scp concludes for `accountId` from the organization snapshot built from the emulator now. */
export async function judgeRootDenyScp(
  accountId: string,
  params: RootDenyScpParams = {},
  clients: ClientFactory = emulatorClientFactory(EMULATOR_REGION, EMULATED_MANAGEMENT_ACCOUNT),
) {
  const snapshot = await buildOrgSnapshot(clients.client(OrganizationsClient));
  return judgeFromSnapshot(snapshot, accountId, params, clients);
}

/** root-deny-scp's own collect and evaluate over `snapshot`. */
export async function judgeFromSnapshot(
  snapshot: OrgSnapshot,
  accountId: string,
  params: RootDenyScpParams = {},
  clients: ClientFactory = emulatorClientFactory(EMULATOR_REGION, EMULATED_MANAGEMENT_ACCOUNT),
) {
  return (await rootDenyScpFromSnapshot(snapshot, accountId, params, clients))[0];
}

/** What root-deny-scp concluded before the snapshot: the ancestry walk (OrgReader), read fresh. */
export async function judgeRootDenyScpByWalk(
  accountId: string,
  params: RootDenyScpParams = {},
  clients: ClientFactory = emulatorClientFactory(EMULATOR_REGION, EMULATED_MANAGEMENT_ACCOUNT),
) {
  clearOrgCache();
  return (await rootDenyScpByWalk(new OrgReader(clients.client(OrganizationsClient)), accountId, params))[0];
}

/** Expects root-deny-scp's evaluation to be `complianceType`, its annotation naming each of `annotationParts`. */
export async function expectEvaluation(
  judged: Promise<{ complianceType: string; annotation?: string } | undefined>,
  complianceType: string,
  ...annotationParts: string[]
): Promise<void> {
  const evaluation = await judged;
  expect(evaluation?.complianceType).toBe(complianceType);
  for (const part of annotationParts) expect(evaluation?.annotation).toContain(part);
}

/**
 * Reads what SSM recorded about the Automation execution a Lambda step runs in, so the Lambda acts on SSM's
 * record (document name, parameters, who started it, who approved) rather than on a payload anyone allowed
 * to invoke the function could write. An approval counts only when the `aws:approve` step succeeded with
 * ApprovalStatus Approved; the approvers are the principals whose recorded decision is Approve.
 *
 * `aws:approve` outputs (AWS action reference): ApprovalStatus (String: Approved, Rejected or Waiting) and
 * ApproverDecisions (MapList, one map per decision: Approver, Decision, ApprovalDecisionTime, Comment).
 * GetAutomationExecution returns step outputs as string lists; each ApproverDecisions entry is read as JSON
 * (one map, or a list of maps). A record in any other form fails closed: no approvers, no action.
 *
 * The record lives in the account the execution runs in: the security tooling account for a document started
 * there by hand, the member account for a remediation AWS Config starts there. executionRecordReader finds it
 * in either (the member account through the RootGuardRemediationReader role), verifyExecution checks it.
 */
import {
  type AutomationExecution,
  DescribeAutomationStepExecutionsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
  type StepExecution,
} from '@aws-sdk/client-ssm';
import * as z from 'zod';
import type { ClientFactory } from '../../lib/clients';
import { AccessDeniedError, awsCall, awsPages, CollectError, errorName } from '../../lib/errors';
import { partitionForRegion, roleArn } from '../../lib/partition';
import { deployedDocumentProblem } from './document-digest';
import { ApprovalRuleError, ExecutionRecordError } from './errors';
import { type Identity, isAllowListed, normalizeIdentity, samePerson } from './identity';

export async function readAutomationExecution(
  ssm: SSMClient,
  executionId: string,
  accountId?: string,
): Promise<AutomationExecution> {
  const out = await awsCall('ssm:GetAutomationExecution', accountId, () =>
    ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: executionId })),
  );
  if (!out.AutomationExecution) {
    throw new ExecutionRecordError(`Automation execution ${executionId} returned no record`, {
      executionId,
      accountId,
    });
  }
  return out.AutomationExecution;
}

/** The record of one step; when GetAutomationExecution truncated the list, asks for that step by name. */
export async function findStepExecution(
  ssm: SSMClient,
  execution: AutomationExecution,
  stepName: string,
  accountId?: string,
): Promise<StepExecution | undefined> {
  const listed = execution.StepExecutions?.find((s) => s.StepName === stepName);
  if (listed || !execution.StepExecutionsTruncated) return listed;
  const executionId = execution.AutomationExecutionId as string;
  const read = (NextToken: string | undefined) =>
    ssm.send(
      new DescribeAutomationStepExecutionsCommand({
        AutomationExecutionId: executionId,
        Filters: [{ Key: 'StepName', Values: [stepName] }],
        NextToken,
      }),
    );
  const action = 'ssm:DescribeAutomationStepExecutions';
  for await (const page of awsPages(action, accountId, read, (p) => p.NextToken)) {
    const found = page.StepExecutions?.find((s) => s.StepName === stepName);
    if (found) return found;
  }
  return undefined;
}

/** The one value of a String parameter as the execution recorded it. */
export function recordedParameter(execution: AutomationExecution, name: string, accountId?: string): string {
  const values = execution.Parameters?.[name];
  if (values?.length !== 1 || values[0] === undefined) {
    throw new ExecutionRecordError(
      `Automation execution ${execution.AutomationExecutionId} has no single value for parameter ${name}`,
      { executionId: execution.AutomationExecutionId ?? '(unknown)', accountId },
    );
  }
  return values[0];
}

const decisionSchema = z
  .object({
    Approver: z.string().min(1),
    Decision: z.string(),
    ApprovalDecisionTime: z.string().optional(),
    Comment: z.string().optional(),
    // Not in AWS's description of ApproverDecisions; read when present (identity.ts: it is then the person).
    SourceIdentity: z.string().min(1).optional(),
  })
  .loose();

export type ApproverDecision = z.infer<typeof decisionSchema>;

export interface RecordedApproval {
  stepName: string;
  /** Distinct people (identity.ts) whose recorded decision is Approve, as recorded, in the order SSM listed them. */
  approvers: string[];
  /** The same people, normalized. */
  identities: Identity[];
  decisions: ApproverDecision[];
  /** When the approval step finished: the moment the last required approval arrived. */
  approvedAt: Date | undefined;
}

/** Step outputs are keyed by output name; accept the `Step.Output` form too. */
function stepOutput(step: StepExecution, name: string): string[] | undefined {
  return step.Outputs?.[name] ?? step.Outputs?.[`${step.StepName}.${name}`];
}

function parseDecisions(values: readonly string[]): ApproverDecision[] | undefined {
  const decisions: ApproverDecision[] = [];
  for (const value of values) {
    let data: unknown;
    try {
      data = JSON.parse(value);
    } catch {
      return undefined;
    }
    const parsed = z.union([decisionSchema, z.array(decisionSchema)]).safeParse(data);
    if (!parsed.success) return undefined;
    decisions.push(...(Array.isArray(parsed.data) ? parsed.data : [parsed.data]));
  }
  return decisions;
}

const isApprove = (decision: string) => /^approved?$/i.test(decision);

/**
 * The approval an `aws:approve` step recorded. Throws ExecutionRecordError unless the step exists, is an
 * aws:approve step, succeeded, reports ApprovalStatus Approved and lists its decisions in a readable form.
 */
export function recordedApproval(
  execution: AutomationExecution,
  step: StepExecution | undefined,
  stepName: string,
  accountId?: string,
): RecordedApproval {
  const executionId = execution.AutomationExecutionId ?? '(unknown)';
  const fail = (why: string): never => {
    throw new ExecutionRecordError(`Automation execution ${executionId}: ${why}`, { executionId, accountId });
  };
  if (!step) return fail(`no step ${stepName} in the execution record`);
  if (step.Action !== 'aws:approve') return fail(`step ${stepName} is ${step.Action}, not aws:approve`);
  if (step.StepStatus !== 'Success')
    return fail(`approval step ${stepName} is ${step.StepStatus ?? 'not run'}`);
  const status = stepOutput(step, 'ApprovalStatus')?.[0];
  if (status !== 'Approved')
    return fail(`approval step ${stepName} reports ApprovalStatus ${status ?? '(none)'}`);
  const decisions = parseDecisions(stepOutput(step, 'ApproverDecisions') ?? []);
  if (!decisions)
    return fail(`the ApproverDecisions of step ${stepName} are not in a form rootguard can read`);
  const identities: Identity[] = [];
  for (const d of decisions.filter((d) => isApprove(d.Decision))) {
    const identity = normalizeIdentity(d.Approver, d.SourceIdentity);
    if (!identities.some((known) => samePerson(known, identity))) identities.push(identity);
  }
  return {
    stepName,
    approvers: identities.map((i) => i.raw),
    identities,
    decisions,
    approvedAt: step.ExecutionEndTime,
  };
}

export interface ApproverRule {
  /** How many distinct people must have approved, the requester and people outside the allow-list not counted. */
  min: number;
  /** The principal that started the execution (its ExecutedBy). */
  requester?: string;
  /**
   * The approver allow-list (identity.ts allowListPrincipals): only these roles and users count. Undefined: any
   * principal counts (break-glass windows, whose approvers the document's Approvers list names).
   */
  allowList?: ReadonlySet<string>;
  executionId: string;
  accountId?: string;
}

/**
 * The two-person rule (or an N-person one): at least `min` distinct people approved, not counting the person who
 * started the execution (approving your own request is not a second pair of eyes) nor anyone outside the
 * allow-list. People are compared by their normalized identity, exactly (identity.ts): never by prefix or
 * substring, never as raw strings.
 */
export function requireDistinctApprovers(approval: RecordedApproval, options: ApproverRule): string[] {
  const requester = options.requester ? normalizeIdentity(options.requester) : undefined;
  const independent: string[] = [];
  const notCounted: string[] = [];
  for (const identity of approval.identities) {
    if (requester && samePerson(identity, requester)) {
      notCounted.push(`the requester ${identity.raw}`);
    } else if (options.allowList && !isAllowListed(identity, options.allowList)) {
      notCounted.push(`${identity.raw}, who is not on the approver allow-list (RemediationApproverArns)`);
    } else {
      independent.push(identity.raw);
    }
  }
  if (independent.length < options.min) {
    throw new ApprovalRuleError(
      `Automation execution ${options.executionId}: ${options.min} distinct approvers are required, ` +
        `${independent.length} approved (${approval.approvers.join(', ') || 'none recorded'})` +
        (notCounted.length > 0 ? `; not counted: ${notCounted.join('; ')}` : ''),
      { executionId: options.executionId, accountId: options.accountId },
    );
  }
  return independent;
}

// ---------------------------------------------------------------------------------------------------------
// Where the record is: this function's account, or the account the remediation ran in
// ---------------------------------------------------------------------------------------------------------

/** The role member-remediation.yaml deploys in every account for reading execution records. */
export const DEFAULT_EXECUTION_READER_ROLE_NAME = 'RootGuardRemediationReader';
/** An IAM role name without a path: what EXECUTION_READER_ROLE_NAME holds. */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
/** What GetAutomationExecution answers for an id the account does not know. */
const EXECUTION_NOT_FOUND = 'AutomationExecutionNotFoundException';

const causeName = (error: unknown) => errorName(error instanceof CollectError ? error.cause : error);

/** An execution record, and the SSM client (credentials, account) it was read with. */
export interface LocatedExecution {
  execution: AutomationExecution;
  /** Reads more of the same record (DescribeAutomationStepExecutions) in the same account. */
  ssm: SSMClient;
  /** Undefined: the record is in this function's own account; else the account read through the reader role. */
  readThroughAccount: string | undefined;
}

export interface ExecutionRecordReaderOptions {
  factory: ClientFactory;
  /**
   * The role to assume in the target account when the record is not in this function's account
   * (stacksets/member-remediation.yaml: RootGuardRemediationReader). Undefined: the local account only.
   */
  readerRoleName: string | undefined;
  /** Names the reader session in the target account's CloudTrail. */
  sessionName: string;
}

export type ExecutionRecordReader = (executionId: string, accountId: string) => Promise<LocatedExecution>;

/**
 * Finds the record of the execution a step runs in. A document started by hand in the security tooling account
 * (AccountId = the member account) runs there: its record is in this function's own account. A document that
 * AWS Config starts as the remediation of a member account's rule runs in that member account: its record is
 * there, and is read through the reader role (ssm:GetAutomationExecution and ssm:DescribeAutomationStepExecutions
 * only). Execution ids are UUIDs, so "not in this account" (AutomationExecutionNotFoundException) is what sends
 * the reader to the target account; any other failure stops here.
 */
export function executionRecordReader(options: ExecutionRecordReaderOptions): ExecutionRecordReader {
  const { factory, readerRoleName, sessionName } = options;
  const local = factory.client(SSMClient);
  return async (executionId, accountId) => {
    try {
      const execution = await readAutomationExecution(local, executionId, accountId);
      return { execution, ssm: local, readThroughAccount: undefined };
    } catch (error) {
      if (causeName(error) !== EXECUTION_NOT_FOUND || readerRoleName === undefined) throw error;
    }
    const readerArn = roleArn(partitionForRegion(factory.region), accountId, readerRoleName);
    let credentials: Awaited<ReturnType<ClientFactory['assumeRole']>>;
    try {
      credentials = await factory.assumeRole(readerArn, sessionName, accountId);
    } catch (error) {
      if (!(error instanceof AccessDeniedError)) throw error;
      throw new AccessDeniedError(
        `Automation execution ${executionId} is not in this function's account, so it runs in account ` +
          `${accountId} (a Config remediation there), and its record cannot be read: ${error.message}. Deploy ` +
          "stacksets/member-remediation.yaml to that account and allow this function's role sts:AssumeRole on " +
          readerArn,
        { action: 'sts:AssumeRole', accountId, cause: error },
      );
    }
    const remote = factory.client(SSMClient, { credentials });
    try {
      const execution = await readAutomationExecution(remote, executionId, accountId);
      return { execution, ssm: remote, readThroughAccount: accountId };
    } catch (error) {
      if (causeName(error) !== EXECUTION_NOT_FOUND) throw error;
      throw new ExecutionRecordError(
        `Automation execution ${executionId} exists neither in this function's account nor in account ` +
          `${accountId}: the step was not invoked by a running execution of the document`,
        { executionId, accountId, cause: error },
      );
    }
  };
}

// ---------------------------------------------------------------------------------------------------------
// What the record must say before a step acts on it
// ---------------------------------------------------------------------------------------------------------

export interface RecordedParameterExpectation {
  /** The value the payload implies (SSM built the payload from this parameter). */
  value: string;
  /** The document's default: what an absent parameter means (SSM may leave defaulted parameters out). */
  whenOmitted?: string;
}

export interface ExecutionExpectations {
  executionId: string;
  /** The remediation folder: the version the execution ran must have the content of its document.yaml. */
  folder: string;
  /** The target account (the payload's accountId). */
  accountId: string;
  documentName: string;
  /** Parameters whose recorded value must equal the payload's. */
  parameters: Record<string, RecordedParameterExpectation>;
  /** For a step that acts: the aws:approve step and how many approvers other than the requester it needs. */
  approval?: { stepName: string; minApprovers: number };
  /** Only these approvers count (identity.ts allowListPrincipals); undefined: any. */
  allowList?: ReadonlySet<string>;
}

export interface VerifiedExecution {
  /** Distinct approvers other than the requester; empty when no approval was asked for. */
  approvers: string[];
  requestedBy: string | undefined;
  /** Undefined: the record was in this function's own account. */
  readThroughAccount: string | undefined;
}

/**
 * Checks that the record backs the step: this document, still running (a finished execution's approval never
 * authorises a new action: a replayed execution id), the payload's values in the recorded parameters and, when
 * asked, a successful approval by enough people other than the requester. Throws ExecutionRecordError (or its
 * ApprovalRuleError) naming the first difference; nothing has been changed by then.
 */
export async function verifyExecution(
  located: LocatedExecution,
  expected: ExecutionExpectations,
): Promise<VerifiedExecution> {
  const { execution, ssm, readThroughAccount } = located;
  const { executionId, accountId, documentName } = expected;
  const refuse = (why: string): never => {
    throw new ExecutionRecordError(`Automation execution ${executionId}: ${why}`, { executionId, accountId });
  };
  if (execution.DocumentName !== documentName) {
    refuse(`runs ${execution.DocumentName ?? '(no document)'}, not ${documentName}`);
  }
  if (execution.AutomationExecutionStatus !== 'InProgress') {
    refuse(`is ${execution.AutomationExecutionStatus ?? '(no status)'}, not InProgress`);
  }
  // The name is the account's to reuse: the content of the version that ran is what must be rootguard's.
  const changed = await deployedDocumentProblem({
    ssm,
    folder: expected.folder,
    documentName,
    documentVersion: execution.DocumentVersion,
    accountId,
  });
  if (changed) refuse(changed);
  for (const [name, { value, whenOmitted }] of Object.entries(expected.parameters)) {
    const values = execution.Parameters?.[name];
    const recorded =
      (values === undefined || values.length === 0) && whenOmitted !== undefined
        ? whenOmitted
        : recordedParameter(execution, name, accountId);
    if (recorded !== value) refuse(`${name} differs between the payload and the record`);
  }
  const requestedBy = execution.ExecutedBy || undefined;
  if (!expected.approval) return { approvers: [], requestedBy, readThroughAccount };
  const { stepName, minApprovers } = expected.approval;
  const step = await findStepExecution(ssm, execution, stepName, accountId);
  const approval = recordedApproval(execution, step, stepName, accountId);
  const approvers = requireDistinctApprovers(approval, {
    min: minApprovers,
    requester: requestedBy,
    allowList: expected.allowList,
    executionId,
    accountId,
  });
  return { approvers, requestedBy, readThroughAccount };
}

export interface StepVerifierOptions {
  factory: ClientFactory;
  /** The remediation folder: names the reader session (`rootguard-<folder>-record`). */
  folder: string;
  /** See ExecutionRecordReaderOptions.readerRoleName. */
  executionReaderRoleName: string | undefined;
  /** Only executions of this document may run the step. */
  documentName: string;
  /** The approver allow-list (identity.ts allowListPrincipals): only these approvers count. */
  allowList?: ReadonlySet<string>;
  /**
   * What a member-account record is good for. `request` (default: the steps that act with management-account
   * power): only to file a request (member-request.ts), so only the document, its status and its account are
   * checked. `act` (the OpsItem step, which changes nothing in any account): the same checks as a tooling record.
   */
  memberRuns?: 'request' | 'act';
}

/** What a step checks beyond the document and the payload's AccountId. */
export type StepExpectations = Omit<
  ExecutionExpectations,
  'executionId' | 'accountId' | 'documentName' | 'folder' | 'allowList'
>;

/**
 * What stepVerifier found: a tooling-account record that backs the step (its approvals checked), or a genuine
 * member-account run (deployed document, running, AccountId = that account), which must never act: the caller
 * files a request with it (member-request.ts).
 */
export type CheckedStep =
  | ({ where: 'tooling' } & VerifiedExecution)
  | { where: 'member'; accountId: string; requestedBy: string | undefined };

/**
 * Reads the record of the execution a step's payload names (executionRecordReader) and checks it backs the
 * step (verifyExecution): the deployed document, running, the payload's account as the AccountId parameter. A
 * record in this function's account (the security tooling account) is then held to the step's own parameters and
 * approval; a record in a member account (read through the reader role, so AccountId is that account itself) only
 * to the document, its status and its account, and comes back as `where: member`.
 */
export function stepVerifier(
  options: StepVerifierOptions,
): (payload: { executionId: string; accountId: string }, expected: StepExpectations) => Promise<CheckedStep> {
  const readExecution = executionRecordReader({
    factory: options.factory,
    readerRoleName: options.executionReaderRoleName,
    sessionName: `rootguard-${options.folder}-record`,
  });
  return async ({ executionId, accountId }, expected) => {
    const located = await readExecution(executionId, accountId);
    const member = located.readThroughAccount !== undefined && options.memberRuns !== 'act';
    const verified = await verifyExecution(located, {
      ...(member ? { parameters: {} } : expected),
      executionId,
      accountId,
      folder: options.folder,
      allowList: options.allowList,
      documentName: options.documentName,
      parameters: { AccountId: { value: accountId }, ...(member ? {} : expected.parameters) },
    });
    if (member) return { where: 'member', accountId, requestedBy: verified.requestedBy };
    return { where: 'tooling', ...verified };
  };
}

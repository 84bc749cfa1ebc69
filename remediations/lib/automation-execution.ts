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
 */
import {
  type AutomationExecution,
  DescribeAutomationStepExecutionsCommand,
  GetAutomationExecutionCommand,
  type SSMClient,
  type StepExecution,
} from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { awsCall } from '../../lib/errors';
import { ApprovalRuleError, ExecutionRecordError } from './errors';

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
  let nextToken: string | undefined;
  do {
    const page = await awsCall('ssm:DescribeAutomationStepExecutions', accountId, () =>
      ssm.send(
        new DescribeAutomationStepExecutionsCommand({
          AutomationExecutionId: executionId,
          Filters: [{ Key: 'StepName', Values: [stepName] }],
          NextToken: nextToken,
        }),
      ),
    );
    const found = page.StepExecutions?.find((s) => s.StepName === stepName);
    if (found) return found;
    nextToken = page.NextToken;
  } while (nextToken);
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
  })
  .loose();

export type ApproverDecision = z.infer<typeof decisionSchema>;

export interface RecordedApproval {
  stepName: string;
  /** Distinct principals whose recorded decision is Approve, in the order SSM listed them. */
  approvers: string[];
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
  const approvers = [...new Set(decisions.filter((d) => isApprove(d.Decision)).map((d) => d.Approver))];
  return { stepName, approvers, decisions, approvedAt: step.ExecutionEndTime };
}

/**
 * The two-person rule (or an N-person one): at least `min` distinct approvers, not counting the principal
 * who started the execution (approving your own request is not a second pair of eyes). Principals are
 * compared exactly, as AWS recorded them: one person acting through two principals (a user and a role) is two
 * principals here too, which is why the runbook asks for approvers who are individual people.
 */
export function requireDistinctApprovers(
  approval: RecordedApproval,
  options: { min: number; requester?: string; executionId: string; accountId?: string },
): string[] {
  const independent = approval.approvers.filter((a) => a !== options.requester);
  if (independent.length < options.min) {
    const self = options.requester && approval.approvers.includes(options.requester);
    throw new ApprovalRuleError(
      `Automation execution ${options.executionId}: ${options.min} distinct approvers are required, ` +
        `${independent.length} approved (${approval.approvers.join(', ') || 'none recorded'})` +
        (self ? `; the requester ${options.requester} does not count` : ''),
      { executionId: options.executionId, accountId: options.accountId },
    );
  }
  return independent;
}

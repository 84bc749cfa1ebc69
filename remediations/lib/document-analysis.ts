/**
 * Static checks over an Automation document that SSM itself does not make at CreateDocument time (it validates
 * most step inputs only when the step runs): where `{{ ... }}` references point, which steps can run, and
 * whether a destructive step can be reached without passing an `aws:approve` step. Pure; the contract test
 * (test/contract/ssm-documents.test.ts) applies them to every document under remediations/.
 */
import type { AutomationDocument, DocumentStep } from './documents';

/** `{{ Name }}`, `{{Name}}`, `{{ Step.Output }}`, `{{ automation:EXECUTION_ID }}`. */
const REFERENCE = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Automation system variables rootguard documents may use (AWS: "System variables" for Automation). */
export const SYSTEM_VARIABLES: ReadonlySet<string> = new Set([
  'automation:EXECUTION_ID',
  'global:ACCOUNT_ID',
  'global:REGION',
  'global:AWS_PARTITION',
  'global:DATE',
  'global:DATE_TIME',
]);

/**
 * Outputs an action provides without an `outputs` declaration (from the AWS action references). Add an action
 * here, with the outputs its reference page lists, before a document uses them.
 */
export const BUILT_IN_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  'aws:approve': ['ApprovalStatus', 'ApproverDecisions'],
  'aws:invokeLambdaFunction': ['StatusCode', 'FunctionError', 'LogResult', 'Payload'],
};

/** Step-name and API-name prefixes that mark a step as destructive (it deletes, removes or attaches). */
export const DESTRUCTIVE_PREFIXES: readonly string[] = ['Delete', 'Remove', 'Attach'];
/** Actions destructive by themselves, whatever the step is called. */
export const DESTRUCTIVE_ACTIONS: ReadonlySet<string> = new Set(['aws:deleteStack', 'aws:deleteImage']);

export interface Reference {
  /** The text between the braces, trimmed: `AccountId`, `ApproveWindow.ApprovalStatus`. */
  target: string;
  /** Where it was found: `mainSteps[1].inputs.Payload`, `assumeRole`, `outputs[0]`. */
  path: string;
}

/** Every `{{ ... }}` in the document outside the human-readable `description` fields. */
export function references(doc: AutomationDocument): Reference[] {
  const found: Reference[] = [];
  const walk = (node: unknown, path: string) => {
    if (typeof node === 'string') {
      for (const m of node.matchAll(REFERENCE)) found.push({ target: m[1] as string, path });
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => {
        walk(item, `${path}[${i}]`);
      });
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key !== 'description') walk(value, path ? `${path}.${key}` : key);
      }
    }
  };
  walk({ assumeRole: doc.assumeRole, parameters: doc.parameters, mainSteps: doc.mainSteps }, '');
  // Document outputs name `Step.Output` without braces.
  (doc.outputs ?? []).forEach((target, i) => {
    found.push({ target, path: `outputs[${i}]` });
  });
  return found;
}

const stepIndexFromPath = (path: string): number | undefined => {
  const m = /^mainSteps\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) : undefined;
};

/** The outputs a step can be referenced by: its declared outputs plus its action's built-in ones. */
export function stepOutputs(step: DocumentStep): string[] {
  return [...(step.outputs ?? []).map((o) => o.Name), ...(BUILT_IN_OUTPUTS[step.action] ?? [])];
}

/**
 * Why each reference does not resolve (empty when all do). A parameter must be declared; a system variable
 * must be a known one; `Step.Output` must name an earlier step (in document order) and one of its outputs.
 */
export function unresolvedReferences(doc: AutomationDocument): string[] {
  const problems: string[] = [];
  const steps = doc.mainSteps;
  for (const { target, path } of references(doc)) {
    if (target.startsWith('ssm:')) {
      // A Parameter Store reference: only meaningful as a parameter default.
      if (!path.startsWith('parameters.'))
        problems.push(`${path}: {{${target}}} is only allowed in a default`);
    } else if (target.includes(':')) {
      if (!SYSTEM_VARIABLES.has(target)) problems.push(`${path}: unknown system variable {{${target}}}`);
    } else if (target.includes('.')) {
      const [stepName, output, ...rest] = target.split('.');
      const index = steps.findIndex((s) => s.name === stepName);
      const step = steps[index];
      const from = stepIndexFromPath(path);
      if (!step || rest.length > 0) {
        problems.push(`${path}: {{${target}}} names no step of this document`);
      } else if (from !== undefined && index >= from) {
        problems.push(`${path}: {{${target}}} refers to a step that has not run yet`);
      } else if (!stepOutputs(step).includes(output as string)) {
        problems.push(`${path}: step ${stepName} (${step.action}) has no output ${output}`);
      }
    } else if (!(target in doc.parameters)) {
      problems.push(`${path}: {{${target}}} names no parameter of this document`);
    }
  }
  return problems;
}

/** A whole-value `{{ Name }}` reference, or undefined when the value is anything else. */
export function soleReference(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\{\{\s*([^{}\s]+)\s*\}\}$/.exec(value.trim());
  return m?.[1];
}

export function isDestructive(step: DocumentStep): boolean {
  if (DESTRUCTIVE_ACTIONS.has(step.action)) return true;
  const startsDestructive = (name: unknown) =>
    typeof name === 'string' && DESTRUCTIVE_PREFIXES.some((prefix) => name.startsWith(prefix));
  if (startsDestructive(step.name)) return true;
  return step.action === 'aws:executeAwsApi' && startsDestructive(step.inputs?.Api);
}

/** `step:Name` → `Name`; SSM's form for jumping on failure or cancel. */
const jumpTarget = (value: string | undefined) => (value?.startsWith('step:') ? value.slice(5) : undefined);

/** Steps that run next when `step` succeeds (document order unless nextStep, isEnd or a branch says else). */
function successors(steps: readonly DocumentStep[], index: number): string[] {
  const step = steps[index] as DocumentStep;
  if (step.action === 'aws:branch') {
    const choices = (step.inputs?.Choices as { NextStep?: unknown }[] | undefined) ?? [];
    const targets = [...choices.map((c) => c.NextStep), step.inputs?.Default];
    return targets.filter((t): t is string => typeof t === 'string');
  }
  if (step.isEnd) return [];
  if (step.nextStep) return [step.nextStep];
  const following = steps[index + 1];
  return following ? [following.name] : [];
}

/** Steps that run next when `step` fails or is cancelled (Abort, the default, runs nothing). */
function failureSuccessors(steps: readonly DocumentStep[], index: number): string[] {
  const step = steps[index] as DocumentStep;
  const targets: string[] = [];
  for (const handler of [step.onFailure, step.onCancel]) {
    const jump = jumpTarget(handler);
    if (jump) targets.push(jump);
    else if (handler === 'Continue') targets.push(...successors(steps, index));
  }
  return targets;
}

/**
 * Steps that can run without an approval before them: walking from the first step, an `aws:approve` step
 * passes control on only through its failure paths (a rejected or timed-out approval with onFailure Continue
 * or step:X), never through its success path. Every other step passes control on through all its paths.
 */
export function stepsReachableWithoutApproval(doc: AutomationDocument): Set<string> {
  const steps = doc.mainSteps;
  const indexOf = new Map(steps.map((s, i) => [s.name, i]));
  const reached = new Set<string>();
  const queue: string[] = steps[0] ? [steps[0].name] : [];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (reached.has(name)) continue;
    reached.add(name);
    const index = indexOf.get(name);
    if (index === undefined) continue;
    const approves = steps[index]?.action === 'aws:approve';
    const next = approves
      ? failureSuccessors(steps, index)
      : [...successors(steps, index), ...failureSuccessors(steps, index)];
    queue.push(...next.filter((n) => !reached.has(n)));
  }
  return reached;
}

/** Destructive steps some path reaches without an approval (empty when every one is guarded). */
export function unguardedDestructiveSteps(doc: AutomationDocument): string[] {
  const open = stepsReachableWithoutApproval(doc);
  return doc.mainSteps.filter((s) => isDestructive(s) && open.has(s.name)).map((s) => s.name);
}

/** Jumps (nextStep, step:X, branch targets) that name no step. */
export function danglingJumps(doc: AutomationDocument): string[] {
  const names = new Set(doc.mainSteps.map((s) => s.name));
  const problems: string[] = [];
  doc.mainSteps.forEach((step, i) => {
    for (const target of [...successors(doc.mainSteps, i), ...failureSuccessors(doc.mainSteps, i)]) {
      if (!names.has(target)) problems.push(`step ${step.name} goes to ${target}, which is not a step`);
    }
  });
  return problems;
}

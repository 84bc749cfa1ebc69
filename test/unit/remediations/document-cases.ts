/**
 * What the document tests of the remediations share: SSM's parameter substitution, the parameters a step
 * Payload takes, the check that none of them can carry a quote or a backslash into the JSON, and the cases
 * both request-* documents (one OpsItem Lambda step) and their checklists must pass.
 */
import { references } from '../../../remediations/lib/document-analysis';
import { loadDocument, type RemediationDocument } from '../../../remediations/lib/documents';
import {
  DEFAULT_SEVERITY,
  DESCRIPTION_MAX,
  type OpsItemTask,
  SEVERITY_PATTERN,
  TITLE_MAX,
} from '../../../remediations/lib/ops-item';
import { requestPayloadSchema } from '../../../remediations/request-hardware-mfa/handler';
import { MEMBER_ACCOUNT } from '../../helpers/constants';
import { EXECUTION_ID } from './request-hardware-mfa/fixtures';

/**
 * The document of a remediation folder, its parameters and steps, a step by name, and what SSM makes of it:
 * the Payload a step sends once the values are substituted, the references substituted into Payloads, and
 * the check that none of them can carry a quote or a backslash into the JSON.
 */
export function documentUnderTest(folder: string) {
  const doc = loadDocument(folder);
  const { parameters, mainSteps } = doc.content;
  const step = (name: string) => mainSteps.find((s) => s.name === name);
  return {
    doc,
    parameters,
    mainSteps,
    step,
    /** The JSON Payload step `name` sends once SSM substitutes `values`. */
    payload: (name: string, values: Record<string, string>): unknown =>
      JSON.parse(substitute(String(step(name)?.inputs?.Payload), values)),
    payloadReferences: () => payloadReferences(doc),
    expectPayloadParametersJsonSafe: () => expectPayloadParametersJsonSafe(doc),
  };
}

/** What SSM does to a step input: replace each {{ Name }} with its value. */
function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (_all, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${name}`);
    return value;
  });
}

/** The references the document substitutes into step Payloads (parameters and automation variables). */
const payloadReferences = (doc: RemediationDocument): string[] =>
  references(doc.content)
    .filter((r) => r.path.endsWith('.Payload'))
    .map((r) => r.target);

/** Fails for every document parameter substituted into a Payload whose pattern leaves room for a quote or a backslash. */
function expectPayloadParametersJsonSafe(doc: RemediationDocument): void {
  const { parameters } = doc.content;
  for (const name of payloadReferences(doc).filter((n) => n in parameters)) {
    expect(parameters[name]?.allowedPattern).not.toMatch(/\[\^|\.[*+{]|\\\\|"/);
  }
}

/** A request-* document: one OpsItem Lambda step, defaults for all Config does not fill, a Payload with `task`. */
export function requestDocumentCases(doc: RemediationDocument, payloadCase: string, task: string): void {
  const { parameters, mainSteps } = doc.content;

  it('needs only what Config fills itself (AutomationAssumeRole, AccountId); the rest has defaults', () => {
    const required = Object.entries(parameters)
      .filter(([, p]) => p.default === undefined)
      .map(([name]) => name);
    expect(required.sort()).toEqual(['AccountId', 'AutomationAssumeRole']);
    expect(parameters.Severity).toMatchObject({
      allowedPattern: SEVERITY_PATTERN,
      default: DEFAULT_SEVERITY,
    });
  });

  it(payloadCase, () => {
    const payload = substitute(String(mainSteps[0]?.inputs?.Payload), {
      'automation:EXECUTION_ID': EXECUTION_ID,
      AccountId: MEMBER_ACCOUNT,
      Severity: String(parameters.Severity?.default),
      DryRun: String(parameters.DryRun?.default),
    });
    expect(requestPayloadSchema.parse(JSON.parse(payload))).toEqual({
      executionId: EXECUTION_ID,
      accountId: MEMBER_ACCOUNT,
      severity: '2',
      dryRun: false,
      task,
    });
  });

  it('substitutes into the Payload only values whose pattern has no room for a quote or a backslash', () => {
    expectPayloadParametersJsonSafe(doc);
  });
}

/** The one step of a request-* document: the OpsItem Lambda, ending the execution, its Payload the output. */
export function expectOneOpsItemStep(doc: RemediationDocument): void {
  const { mainSteps } = doc.content;
  expect(mainSteps.map((s) => [s.name, s.action])).toEqual([['OpenOpsItem', 'aws:invokeLambdaFunction']]);
  expect(mainSteps[0]).toMatchObject({ onFailure: 'Abort', isEnd: true });
  expect(doc.content.outputs).toEqual(['OpenOpsItem.Payload']);
}

/**
 * The cases every request-* checklist answers, for MEMBER_ACCOUNT: it asks for each step of `asks` (what, text),
 * names the account, has the expected title and fits CreateOpsItem's limits.
 */
export function checklistCases(
  task: Pick<OpsItemTask, 'title' | 'description'>,
  expected: { asks: [string, RegExp][]; title: string },
): void {
  const description = task.description(MEMBER_ACCOUNT);

  it.each(expected.asks)('asks for %s', (_what, text) => {
    expect(description).toMatch(text);
  });

  it('names the account and fits the CreateOpsItem limits', () => {
    const title = task.title(MEMBER_ACCOUNT);
    expect(description).toContain(`AWS account ${MEMBER_ACCOUNT}`);
    expect(description.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
    expect(title).toBe(expected.title);
    expect(title.length).toBeLessThanOrEqual(TITLE_MAX);
  });
}

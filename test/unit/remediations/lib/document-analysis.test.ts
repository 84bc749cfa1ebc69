import {
  danglingJumps,
  isDestructive,
  soleReference,
  unguardedDestructiveSteps,
  unresolvedReferences,
} from '../../../../remediations/lib/document-analysis';
import type { AutomationDocument, DocumentStep } from '../../../../remediations/lib/documents';

const approve: DocumentStep = {
  name: 'Approve',
  action: 'aws:approve',
  inputs: { Approvers: '{{ Approvers }}', MinRequiredApprovals: 2 },
};
function lambdaStep(
  name: string,
  inputs: DocumentStep['inputs'],
  extra: Partial<DocumentStep> = {},
): DocumentStep {
  return { name, action: 'aws:invokeLambdaFunction', inputs, ...extra };
}
const deleteKeys = lambdaStep('DeleteRootKeys', { FunctionName: '{{ FunctionName }}' });
const check = lambdaStep('Check', { FunctionName: 'f' });

function doc(mainSteps: DocumentStep[], extra: Partial<AutomationDocument> = {}): AutomationDocument {
  return {
    schemaVersion: '0.3',
    description: 'Uses {{ NotAParameter }} in prose, which is fine.',
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      AutomationAssumeRole: { type: 'String', allowedPattern: '^arn:.*$' },
      Approvers: { type: 'StringList' },
      FunctionName: { type: 'String', allowedPattern: '^[a-z-]+$' },
    },
    mainSteps,
    ...extra,
  };
}

describe('unresolvedReferences', () => {
  it('accepts parameters, known system variables and earlier steps’ outputs, built-in or declared', () => {
    const record = lambdaStep(
      'Record',
      {
        FunctionName: '{{FunctionName}}',
        Payload: '{"id": "{{automation:EXECUTION_ID}}", "status": "{{ Approve.ApprovalStatus }}"}',
      },
      { outputs: [{ Name: 'WindowId', Selector: '$.Payload.windowId', Type: 'String' }] },
    );
    expect(
      unresolvedReferences(doc([approve, record], { outputs: ['Record.WindowId', 'Record.Payload'] })),
    ).toEqual([]);
  });

  it('names each reference that points nowhere, and where it is', () => {
    const bad = lambdaStep('Bad', {
      FunctionName: '{{ Missing }}',
      Payload: '{{ global:NOPE }} {{ Later.Payload }} {{ Approve.Nothing }} {{ Ghost.Payload }} {{ssm:/x}}',
    });
    const later = lambdaStep('Later', { FunctionName: 'f' });
    expect(unresolvedReferences(doc([approve, bad, later], { outputs: ['Bad.Missing'] }))).toEqual([
      'mainSteps[1].inputs.FunctionName: {{Missing}} names no parameter of this document',
      'mainSteps[1].inputs.Payload: unknown system variable {{global:NOPE}}',
      'mainSteps[1].inputs.Payload: {{Later.Payload}} refers to a step that has not run yet',
      'mainSteps[1].inputs.Payload: step Approve (aws:approve) has no output Nothing',
      'mainSteps[1].inputs.Payload: {{Ghost.Payload}} names no step of this document',
      'mainSteps[1].inputs.Payload: {{ssm:/x}} is only allowed in a default',
      'outputs[0]: step Bad (aws:invokeLambdaFunction) has no output Missing',
    ]);
  });
});

describe('soleReference', () => {
  it('reads a whole-value reference and nothing else', () => {
    expect(soleReference('{{ FunctionName }}')).toBe('FunctionName');
    expect(soleReference('{{FunctionName}}')).toBe('FunctionName');
    expect(soleReference('prefix-{{ FunctionName }}')).toBeUndefined();
    expect(soleReference('my-function')).toBeUndefined();
    expect(soleReference(3)).toBeUndefined();
  });
});

describe('isDestructive', () => {
  it.each<[string, DocumentStep, boolean]>([
    ['a Delete step name', deleteKeys, true],
    ['a Remove step name', { ...check, name: 'RemoveMfa' }, true],
    ['an Attach step name', { ...check, name: 'AttachDenyPolicy' }, true],
    [
      'a Delete API',
      { name: 'Keys', action: 'aws:executeAwsApi', inputs: { Service: 'iam', Api: 'DeleteAccessKey' } },
      true,
    ],
    [
      'an Attach API',
      {
        name: 'Guard',
        action: 'aws:executeAwsApi',
        inputs: { Service: 'organizations', Api: 'AttachPolicy' },
      },
      true,
    ],
    ['aws:deleteStack', { name: 'Tidy', action: 'aws:deleteStack', inputs: {} }, true],
    [
      'a read API',
      { name: 'Read', action: 'aws:executeAwsApi', inputs: { Service: 'iam', Api: 'GetAccountSummary' } },
      false,
    ],
    ['a check', check, false],
  ])('%s → %p', (_label, step, expected) => {
    expect(isDestructive(step)).toBe(expected);
  });
});

describe('unguardedDestructiveSteps', () => {
  it('accepts a destructive step after an approval that aborts on rejection', () => {
    expect(unguardedDestructiveSteps(doc([check, approve, deleteKeys]))).toEqual([]);
  });

  it('flags a destructive step with no approval before it', () => {
    expect(unguardedDestructiveSteps(doc([deleteKeys, approve]))).toEqual(['DeleteRootKeys']);
  });

  it('flags a destructive step an approval reaches on rejection (onFailure Continue)', () => {
    expect(unguardedDestructiveSteps(doc([{ ...approve, onFailure: 'Continue' }, deleteKeys]))).toEqual([
      'DeleteRootKeys',
    ]);
  });

  it('flags a destructive step an approval jumps to on failure or cancel', () => {
    const jumpy = { ...approve, onCancel: 'step:DeleteRootKeys' };
    expect(unguardedDestructiveSteps(doc([jumpy, check, deleteKeys]))).toEqual(['DeleteRootKeys']);
  });

  it('flags a destructive step a branch reaches around the approval', () => {
    const branch: DocumentStep = {
      name: 'Route',
      action: 'aws:branch',
      inputs: {
        Choices: [{ NextStep: 'Approve', Variable: '{{ FunctionName }}', StringEquals: 'x' }],
        Default: 'DeleteRootKeys',
      },
    };
    expect(unguardedDestructiveSteps(doc([branch, approve, deleteKeys]))).toEqual(['DeleteRootKeys']);
  });

  it('follows nextStep and stops at isEnd', () => {
    const skip = { ...check, nextStep: 'Approve' };
    const end = { ...check, name: 'Done', isEnd: true };
    expect(unguardedDestructiveSteps(doc([skip, end, approve, deleteKeys]))).toEqual([]);
    expect(
      unguardedDestructiveSteps(doc([{ ...check, nextStep: 'DeleteRootKeys' }, approve, deleteKeys])),
    ).toEqual(['DeleteRootKeys']);
  });
});

describe('danglingJumps', () => {
  it('names jumps to steps that do not exist', () => {
    expect(danglingJumps(doc([{ ...check, nextStep: 'Nowhere', onFailure: 'step:Gone' }]))).toEqual([
      'step Check goes to Nowhere, which is not a step',
      'step Check goes to Gone, which is not a step',
    ]);
    expect(danglingJumps(doc([approve, deleteKeys]))).toEqual([]);
  });
});

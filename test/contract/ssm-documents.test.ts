/**
 * Conventions every SSM Automation document under remediations/ keeps (DESIGN.md, "Conventions" 7): schema
 * version '0.3', the three description headers, an AutomationAssumeRole parameter that the document assumes,
 * an anchored allowedPattern on every String parameter (each tested below against named valid and invalid
 * examples), Lambda steps whose function is a parameter, references that resolve, jumps that land, no
 * destructive step reachable without an aws:approve before it, and the DryRun convention.
 *
 * A new document with a String parameter not listed in PARAMETER_EXAMPLES fails here until its examples are
 * added: a pattern nobody has tried against a bad value is not a control.
 */
import {
  danglingJumps,
  soleReference,
  unguardedDestructiveSteps,
  unresolvedReferences,
} from '../../remediations/lib/document-analysis';
import { loadDocuments, type RemediationDocument } from '../../remediations/lib/documents';

interface Examples {
  valid: string[];
  invalid: string[];
}

/** Keyed by parameter name: a name means the same thing in every document. */
const PARAMETER_EXAMPLES: Record<string, Examples> = {
  AutomationAssumeRole: {
    valid: [
      'arn:aws:iam::123456789012:role/RootGuardAutomation',
      'arn:aws-cn:iam::123456789012:role/service-role/RootGuard.Automation@1',
      'arn:aws-us-gov:iam::123456789012:role/RootGuard_Automation+=,-',
    ],
    invalid: [
      '',
      'RootGuardAutomation',
      'arn:aws:iam::123456789012:user/alice',
      'arn:aws:iam::12345:role/RootGuardAutomation',
      'arn:aws-eu:iam::123456789012:role/RootGuardAutomation',
      'arn:aws:iam::123456789012:role/',
      'arn:aws:iam::123456789012:role/Name With Spaces',
      'x arn:aws:iam::123456789012:role/RootGuardAutomation',
    ],
  },
  AccountId: {
    valid: ['123456789012', '000000000000'],
    invalid: ['12345', '1234567890123', 'abc', '12345678901a', '', ' 123456789012'],
  },
  Reason: {
    valid: [
      'Close the account: root must accept the final invoice.',
      'Restore MFA: "lost device" \\ ticket attached',
      'x'.repeat(500),
    ],
    invalid: ['', 'too short', 'two\nlines of reason text', 'carriage\rreturn reason text', 'x'.repeat(501)],
  },
  TicketId: {
    valid: ['CHG-4711', 'INC0012345', 'jira:SEC-42', 'gh#123', 'A1', `A${'b'.repeat(63)}`],
    invalid: ['', 'A', '4711', '-CHG', 'CHG 4711', 'CHG"4711', 'CHG\\4711', `A${'b'.repeat(64)}`],
  },
  DurationMinutes: {
    valid: ['1', '9', '10', '60', '99', '100', '199', '200', '239', '240'],
    invalid: ['0', '241', '250', '300', '999', '1000', '01', '-1', '1.5', '', ' 60', '60 ', 'sixty'],
  },
  ApprovalNotificationArn: {
    valid: [
      'arn:aws:sns:us-east-1:123456789012:AutomationRootGuardApprovals',
      'arn:aws-cn:sns:cn-north-1:123456789012:Automation',
      'arn:aws-us-gov:sns:us-gov-west-1:123456789012:Automation-break_glass',
    ],
    invalid: [
      '',
      'arn:aws:sns:us-east-1:123456789012:rootguard-approvals',
      'arn:aws:sns:us-east-1:123456789012:automationApprovals',
      'arn:aws:sqs:us-east-1:123456789012:AutomationApprovals',
      'arn:aws:sns:us-east-1:12345:AutomationApprovals',
      'arn:aws:sns:us-east-1:123456789012:Automation.fifo',
    ],
  },
  RecordWindowFunctionName: {
    valid: [
      'rootguard-open-break-glass-window',
      'rootguard_open:live',
      'arn:aws:lambda:eu-west-1:123456789012:function:rootguard-open-break-glass-window',
      'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:rootguard-open:$LATEST',
    ],
    invalid: [
      '',
      'rootguard open',
      'x'.repeat(65),
      'arn:aws:lambda:eu-west-1:123456789012:function:',
      'arn:aws:s3:::rootguard-open-break-glass-window',
      'rootguard-open:$NEWEST',
    ],
  },
  DryRun: { valid: ['true', 'false'], invalid: ['', 'True', 'yes', '1', 'false '] },
  AllowOrganizationalTarget: { valid: ['true', 'false'], invalid: ['', 'TRUE', 'yes', '1', ' true'] },
  TargetId: {
    valid: ['', 'r-ab12', 'r-0123456789abcdef', 'ou-ab12-abcdefgh', 'ou-ab12-0123456789abcdef01234567'],
    invalid: [
      'R-ab12',
      'r-ab1',
      'ou-ab12',
      'ou-ab12-abcdefg',
      'OU-ab12-abcdefgh',
      '222222222222',
      'p-abcdefgh',
      ' r-ab12',
      'r-ab12 ',
      'r-ab12"',
    ],
  },
  PolicyName: {
    valid: ['RootGuardDenyRootUser', 'deny-root_v2', 'a', 'Org.DenyRoot@1', `A${'b'.repeat(127)}`],
    invalid: ['', '-DenyRoot', 'Deny Root', 'Deny"Root', 'Deny\\Root', 'DenyRoot\n', `A${'b'.repeat(128)}`],
  },
  AttachScpFunctionName: {
    valid: [
      'rootguard-attach-deny-root-scp',
      'rootguard-attach:live',
      'arn:aws:lambda:us-east-1:123456789012:function:rootguard-attach-deny-root-scp',
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:rootguard-attach:$LATEST',
    ],
    invalid: [
      '',
      'rootguard attach',
      'x'.repeat(65),
      'arn:aws:lambda:us-east-1:123456789012:function:',
      'arn:aws:iam::123456789012:role/rootguard-attach-deny-root-scp',
      'rootguard-attach:$OLDEST',
    ],
  },
  Severity: { valid: ['1', '2', '3', '4'], invalid: ['', '0', '5', '12', ' 1', '1 ', 'high'] },
  OpsItemFunctionName: {
    valid: [
      'rootguard-request-hardware-mfa',
      'rootguard_request:prod',
      'arn:aws:lambda:eu-west-1:123456789012:function:rootguard-request-hardware-mfa',
      'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:rootguard-request:$LATEST',
    ],
    invalid: [
      '',
      'rootguard request',
      'x'.repeat(65),
      'arn:aws:lambda:eu-west-1:123456789012:function:',
      'arn:aws:sns:eu-west-1:123456789012:rootguard-request-hardware-mfa',
      'rootguard-request:1.0',
    ],
  },
  DeleteRootAccessKeysFunctionName: {
    valid: [
      'rootguard-delete-root-access-keys',
      'rootguard_delete:live',
      'arn:aws:lambda:eu-west-1:123456789012:function:rootguard-delete-root-access-keys',
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:rootguard-delete-root-access-keys:$LATEST',
    ],
    invalid: [
      '',
      'rootguard delete',
      'x'.repeat(65),
      'arn:aws:lambda:eu-west-1:123456789012:function:',
      'arn:aws:iam::123456789012:role/rootguard-delete-root-access-keys',
      'rootguard-delete:$PREVIOUS',
      'rootguard-delete"',
    ],
  },
  DeleteRootCredentialsFunctionName: {
    valid: [
      'rootguard-delete-root-credentials',
      'rootguard_delete:live',
      'arn:aws:lambda:eu-west-1:123456789012:function:rootguard-delete-root-credentials',
      'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:rootguard-delete-root-credentials:7',
    ],
    invalid: [
      '',
      'rootguard delete',
      'x'.repeat(65),
      'arn:aws:lambda:eu-west-1:123456789012:function:',
      'arn:aws:iam::123456789012:role/rootguard-delete-root-credentials',
      'rootguard-delete:$PREVIOUS',
      'rootguard-delete\\x',
    ],
  },
};

/** SSM evaluates allowedPattern with RE2: no lookaround, no backreferences. */
const NOT_RE2 = /\(\?[=!<]|\\[1-9]/;
const HEADERS = ['What does this document do?', 'Input Parameters', 'Output Parameters'];
/** SSM document names: 3-128 of letters, digits, `_`, `-`, `.`; never starting with AWS or Amazon. */
const SSM_DOCUMENT_NAME = /^(?!(AWS|Amazon))[A-Za-z0-9_.-]{3,128}$/i;

let documents: RemediationDocument[] = [];
let loadError: unknown;
try {
  documents = loadDocuments();
} catch (error) {
  loadError = error;
}

const byName = documents.map((d) => [d.folder, d] as const);
const stringParameters = (d: RemediationDocument) =>
  Object.entries(d.content.parameters).filter(([, p]) => p.type === 'String');

describe('SSM documents under remediations/', () => {
  it('loads every remediation folder’s document.yaml', () => {
    expect(loadError).toBeUndefined();
    expect(documents.length).toBeGreaterThan(0);
  });

  it('gives every document a unique, valid SSM name', () => {
    const names = documents.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(SSM_DOCUMENT_NAME);
  });

  describe.each(byName)('%s', (_folder, doc) => {
    const content = doc.content;

    it("has schemaVersion '0.3'", () => {
      expect(content.schemaVersion).toBe('0.3');
    });

    it.each(HEADERS)('has the description header "%s"', (header) => {
      expect(content.description).toContain(header);
    });

    it('describes every parameter in its description', () => {
      const undescribed = Object.keys(content.parameters).filter(
        (name) => !content.description.includes(name),
      );
      expect(undescribed).toEqual([]);
    });

    it('takes an AutomationAssumeRole String parameter and assumes it', () => {
      expect(content.parameters.AutomationAssumeRole?.type).toBe('String');
      expect(content.assumeRole).toMatch(/^\{\{\s*AutomationAssumeRole\s*\}\}$/);
    });

    it('puts an anchored, RE2-compatible allowedPattern on every String parameter', () => {
      const problems = stringParameters(doc).flatMap(([name, p]) => {
        if (!p.allowedPattern) return [`${name}: no allowedPattern`];
        const issues: string[] = [];
        if (!p.allowedPattern.startsWith('^') || !p.allowedPattern.endsWith('$')) {
          issues.push(`${name}: pattern is not anchored with ^...$`);
        }
        if (NOT_RE2.test(p.allowedPattern)) issues.push(`${name}: pattern uses lookaround or backreferences`);
        return issues;
      });
      expect(problems).toEqual([]);
    });

    it('lists valid and invalid examples for every String parameter', () => {
      const missing = stringParameters(doc)
        .map(([name]) => name)
        .filter(
          (name) => !PARAMETER_EXAMPLES[name]?.valid.length || !PARAMETER_EXAMPLES[name]?.invalid.length,
        );
      expect(missing).toEqual([]);
    });

    // it.each refuses an empty table; a document in that state already fails the two tests above.
    const testable = stringParameters(doc).filter(
      ([name, p]) => p.allowedPattern && PARAMETER_EXAMPLES[name],
    );
    if (testable.length > 0) {
      it.each(testable)('tests the allowedPattern of %s against its examples and its default', (name, p) => {
        const pattern = new RegExp(p.allowedPattern as string);
        const examples = PARAMETER_EXAMPLES[name] as Examples;
        expect(examples.valid.filter((v) => !pattern.test(v))).toEqual([]);
        expect(examples.invalid.filter((v) => pattern.test(v))).toEqual([]);
        if (p.default !== undefined) expect(String(p.default)).toMatch(pattern);
      });
    }

    it('keeps the DryRun convention: a String limited to true|false', () => {
      const dryRun = content.parameters.DryRun;
      if (dryRun === undefined) return;
      expect(dryRun.type).toBe('String');
      expect(dryRun.allowedPattern).toBe('^(true|false)$');
    });

    it('gives its steps unique names', () => {
      const names = content.mainSteps.map((s) => s.name);
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    });

    it('invokes Lambda functions named by a parameter, never hard-coded', () => {
      const problems = content.mainSteps
        .filter((s) => s.action === 'aws:invokeLambdaFunction')
        .flatMap((s) => {
          const ref = soleReference(s.inputs?.FunctionName);
          return ref && ref in content.parameters ? [] : [`${s.name}: FunctionName is not {{ <Parameter> }}`];
        });
      expect(problems).toEqual([]);
    });

    it('refers only to its parameters, known system variables and earlier steps’ outputs', () => {
      expect(unresolvedReferences(content)).toEqual([]);
    });

    it('jumps only to steps that exist', () => {
      expect(danglingJumps(content)).toEqual([]);
    });

    it('reaches no destructive step (Delete*, Remove*, Attach*) without an aws:approve step first', () => {
      expect(unguardedDestructiveSteps(content)).toEqual([]);
    });
  });
});
